using Microsoft.Extensions.Logging;
using MonitorGrid.Hosting;
using MonitorGrid.Live;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.DistrictState")]
public sealed class DistrictState : IAggregateGrainState
{
    [Id(0)] public DistrictInfo? Info { get; set; }
    [Id(1)] public AggregateState Totals { get; set; } = new();
}

/// <summary>A district: counts of every student, and the Orange and Red alerts the centre follows.</summary>
public sealed class DistrictGrain(
    [PersistentState(GridStorage.DistrictState, GridStorage.Store)] IPersistentState<DistrictState> state,
    TimeProvider time,
    ILogger<DistrictGrain> logger)
    : AggregateGrain<DistrictState>(state, time, logger), IDistrictGrain
{
    protected override Scope Scope => Scope.District(RosterId);

    protected override string? DisplayName => State.State.Info?.Name;

    public async Task RegisterAsync(DistrictInfo info)
    {
        State.State.Info = info;
        await State.WriteStateAsync();
        await StatusChangedAsync();
    }

    public Task<DistrictInfo?> GetInfoAsync() => Task.FromResult(State.State.Info);

    protected override Task ForwardAsync(ScopeDelta delta) =>
        State.State.Info is null ? Task.CompletedTask : GrainFactory.City().ApplyAsync(delta);
}
