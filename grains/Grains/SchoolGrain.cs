using Microsoft.Extensions.Logging;
using MonitorGrid.Hosting;
using MonitorGrid.Live;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.SchoolState")]
public sealed class SchoolState : IAggregateGrainState
{
    [Id(0)] public SchoolInfo? Info { get; set; }
    [Id(1)] public AggregateState Totals { get; set; } = new();
}

/// <summary>A school: the school support team's view of every class in it.</summary>
public sealed class SchoolGrain(
    [PersistentState(GridStorage.SchoolState, GridStorage.Store)] IPersistentState<SchoolState> state,
    TimeProvider time,
    ILogger<SchoolGrain> logger)
    : AggregateGrain<SchoolState>(state, time, logger), ISchoolGrain
{
    protected override Scope Scope => Scope.School(RosterId);

    protected override string? DisplayName => State.State.Info?.Name;

    public async Task RegisterAsync(SchoolInfo info)
    {
        if (State.State.Info is { } current && current.DistrictId != info.DistrictId)
        {
            throw new InvalidOperationException($"School {info.Id} belongs to district {current.DistrictId}; it cannot move.");
        }

        State.State.Info = info;
        await State.WriteStateAsync();
        await StatusChangedAsync();
    }

    public Task<SchoolInfo?> GetInfoAsync() => Task.FromResult(State.State.Info);

    protected override Task ForwardAsync(ScopeDelta delta) =>
        State.State.Info is { } info ? GrainFactory.District(info.DistrictId).ApplyAsync(delta) : Task.CompletedTask;
}
