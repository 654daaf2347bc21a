using MonitorGrid.Hosting;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.StaffState")]
public sealed class StaffState
{
    [Id(0)] public StaffAccount? Account { get; set; }
}

/// <summary>
/// A staff member's account. Observations do not pass through here: the student grain checks the
/// observer's scope, and the journal's unique (observer, idempotency key) answers repeats.
/// </summary>
public sealed class StaffGrain(
    [PersistentState(GridStorage.StaffState, GridStorage.Store)] IPersistentState<StaffState> state) : Grain, IStaffGrain
{
    public async Task RegisterAsync(StaffAccount account)
    {
        state.State.Account = account;
        await state.WriteStateAsync();
    }

    public Task<StaffAccount?> GetAccountAsync() => Task.FromResult(state.State.Account);
}
