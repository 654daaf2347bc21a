using Microsoft.Extensions.Logging;
using MonitorGrid.Hosting;
using MonitorGrid.Live;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.ClassState")]
public sealed class ClassState : IAggregateGrainState
{
    [Id(0)] public ClassInfo? Info { get; set; }
    [Id(1)] public AggregateState Totals { get; set; } = new();
}

/// <summary>A class: every student's tier change and alert arrives here first.</summary>
public sealed class ClassGrain(
    [PersistentState(GridStorage.ClassState, GridStorage.Store)] IPersistentState<ClassState> state,
    TimeProvider time,
    ILogger<ClassGrain> logger)
    : AggregateGrain<ClassState>(state, time, logger), IClassGrain
{
    protected override Scope Scope => Scope.Class(RosterId);

    protected override string? DisplayName => State.State.Info?.Name;

    public async Task RegisterAsync(ClassInfo info)
    {
        if (State.State.Info is { } current && current.SchoolId != info.SchoolId)
        {
            // The roster rejects this before it gets here; a class's students carry its lineage.
            throw new InvalidOperationException($"Class {info.Id} belongs to school {current.SchoolId}; it cannot move.");
        }

        State.State.Info = info;
        await State.WriteStateAsync();
        await StatusChangedAsync();
    }

    public Task<ClassInfo?> GetInfoAsync() => Task.FromResult(State.State.Info);

    protected override Task ForwardAsync(ScopeDelta delta) =>
        State.State.Info is { } info ? GrainFactory.School(info.SchoolId).ApplyAsync(delta) : Task.CompletedTask;
}
