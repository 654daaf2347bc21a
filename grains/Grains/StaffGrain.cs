using Microsoft.Extensions.Options;
using MonitorGrid.Hosting;
using MonitorGrid.Infrastructure;

namespace MonitorGrid.Grains;

/// <summary>One idempotency key's answer.</summary>
[GenerateSerializer, Immutable, Alias("mg.LedgerEntry")]
public sealed record LedgerEntry(ObservationReceipt Receipt, DateTimeOffset At);

[GenerateSerializer, Alias("mg.StaffState")]
public sealed class StaffState
{
    [Id(0)] public StaffAccount? Account { get; set; }
    [Id(1)] public Dictionary<string, LedgerEntry> Ledger { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A staff member. Submissions with an idempotency key pass through here so that a key is answered
/// once: the grain handles one call at a time, so a retry racing its original waits and is replayed.
/// </summary>
public sealed class StaffGrain(
    [PersistentState(GridStorage.StaffState, GridStorage.Store)] IPersistentState<StaffState> state,
    TimeProvider time,
    IOptions<GridOptions> options) : Grain, IStaffGrain
{
    public async Task RegisterAsync(StaffAccount account)
    {
        state.State.Account = account;
        await state.WriteStateAsync();
    }

    public Task<StaffAccount?> GetAccountAsync() => Task.FromResult(state.State.Account);

    public async Task<SubmissionResult> SubmitAsync(Observation observation, string? idempotencyKey)
    {
        if (idempotencyKey is not null && state.State.Ledger.TryGetValue(idempotencyKey, out var seen))
        {
            GridMetrics.ObservationsReplayed.Add(1);
            return new SubmissionResult(seen.Receipt, Replayed: true);
        }

        var receipt = await GrainFactory.Student(observation.StudentId).ApplyObservationAsync(observation);
        if (idempotencyKey is not null)
        {
            var now = time.GetUtcNow();
            Prune(now);
            state.State.Ledger[idempotencyKey] = new LedgerEntry(receipt, now);
            await state.WriteStateAsync();
        }

        return new SubmissionResult(receipt, Replayed: false);
    }

    private void Prune(DateTimeOffset now)
    {
        var cutoff = now - options.Value.IdempotencyRetention;
        foreach (var (key, entry) in state.State.Ledger)
        {
            if (entry.At < cutoff)
            {
                state.State.Ledger.Remove(key);
            }
        }
    }
}
