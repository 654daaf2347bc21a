using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MonitorGrid.Hosting;
using MonitorGrid.Live;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.CityState")]
public sealed class CityState : IAggregateGrainState
{
    [Id(0)] public AggregateState Totals { get; set; } = new();
}

/// <summary>The city: aggregates only. Alert slots reach it but are never kept or shown.</summary>
public sealed class CityGrain(
    [PersistentState(GridStorage.CityState, GridStorage.Store)] IPersistentState<CityState> state,
    TimeProvider time,
    IOptions<GridOptions> options,
    ILogger<CityGrain> logger)
    : AggregateGrain<CityState>(state, time, logger), ICityGrain
{
    protected override Scope Scope => Scope.City;

    protected override string? DisplayName => options.Value.CityName;

    protected override Task ForwardAsync(ScopeDelta delta) => Task.CompletedTask;
}
