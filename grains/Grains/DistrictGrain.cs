using Microsoft.Extensions.Logging;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.DistrictState")]
public sealed class DistrictState
{
    [Id(0)] public DistrictInfo? Info { get; set; }
}

/// <summary>A district: counts of every student, and the Orange and Red alerts the centre follows.</summary>
public sealed class DistrictGrain(
    [PersistentState(GridStorage.DistrictState, GridStorage.Store)] IPersistentState<DistrictState> state,
    IGridJournal journal,
    TimeProvider time,
    ILogger<DistrictGrain> logger)
    : AggregateGrain(journal, time, logger), IDistrictGrain
{
    protected override Scope Scope => Scope.District(RosterId);

    protected override string? DisplayName => state.State.Info?.Name;

    public async Task RegisterAsync(DistrictInfo info)
    {
        state.State.Info = info;
        await state.WriteStateAsync();
        await StatusChangedAsync();
    }

    public Task<DistrictInfo?> GetInfoAsync() => Task.FromResult(state.State.Info);

    protected override Task ForwardAsync(StudentUpdate update) =>
        state.State.Info is null ? Task.CompletedTask : GrainFactory.City().ApplyAsync(update);
}
