using MonitorGrid.Hosting;
using MonitorGrid.Infrastructure;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.StaffState")]
public sealed class StaffState
{
    [Id(0)] public StaffAccount? Account { get; set; }
}

/// <summary>
/// A staff member. Keyed submissions pass through here, one at a time, so a retry racing its original
/// waits for it and is answered from a small in-memory ledger. The journal's unique (observer, key)
/// is the truth behind the ledger, which only saves a round trip.
/// </summary>
public sealed class StaffGrain(
    [PersistentState(GridStorage.StaffState, GridStorage.Store)] IPersistentState<StaffState> state) : Grain, IStaffGrain
{
    private const int LedgerCapacity = 1_000;
    private readonly Dictionary<string, ObservationReceipt> _ledger = new(StringComparer.Ordinal);
    private readonly Queue<string> _ledgerOrder = new();

    public async Task RegisterAsync(StaffAccount account)
    {
        state.State.Account = account;
        await state.WriteStateAsync();
    }

    public Task<StaffAccount?> GetAccountAsync() => Task.FromResult(state.State.Account);

    public async Task<SubmissionResult> SubmitAsync(Observation observation, string? idempotencyKey)
    {
        if (idempotencyKey is not null && _ledger.TryGetValue(idempotencyKey, out var seen))
        {
            GridMetrics.ObservationsReplayed.Add(1);
            return new SubmissionResult(seen, Replayed: true);
        }

        var result = await GrainFactory.Student(observation.StudentId).ApplyObservationAsync(observation, idempotencyKey);
        if (idempotencyKey is not null)
        {
            if (result.Replayed)
            {
                GridMetrics.ObservationsReplayed.Add(1);
            }

            Remember(idempotencyKey, result.Receipt);
        }

        return result;
    }

    private void Remember(string key, ObservationReceipt receipt)
    {
        if (_ledger.TryAdd(key, receipt))
        {
            _ledgerOrder.Enqueue(key);
            if (_ledgerOrder.Count > LedgerCapacity)
            {
                _ledger.Remove(_ledgerOrder.Dequeue());
            }
        }
    }
}
