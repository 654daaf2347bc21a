using Microsoft.Extensions.Logging;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.ClassState")]
public sealed class ClassState
{
    [Id(0)] public ClassInfo? Info { get; set; }
}

/// <summary>A class: every student's tier change and alert arrives here first.</summary>
public sealed class ClassGrain(
    [PersistentState(GridStorage.ClassState, GridStorage.Store)] IPersistentState<ClassState> state,
    IGridJournal journal,
    TimeProvider time,
    ILogger<ClassGrain> logger)
    : AggregateGrain(journal, time, logger), IClassGrain
{
    protected override Scope Scope => Scope.Class(RosterId);

    protected override string? DisplayName => state.State.Info?.Name;

    public async Task RegisterAsync(ClassInfo info)
    {
        if (state.State.Info is { } current && current.SchoolId != info.SchoolId)
        {
            // The roster rejects this before it gets here; a class's students carry its lineage.
            throw new InvalidOperationException($"Class {info.Id} belongs to school {current.SchoolId}; it cannot move.");
        }

        state.State.Info = info;
        await state.WriteStateAsync();
        await StatusChangedAsync();
    }

    public Task<ClassInfo?> GetInfoAsync() => Task.FromResult(state.State.Info);

    protected override Task ForwardAsync(StudentUpdate update) =>
        state.State.Info is { } info ? GrainFactory.School(info.SchoolId).ApplyAsync(update) : Task.CompletedTask;
}
