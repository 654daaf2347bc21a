using Microsoft.Extensions.Logging;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;

namespace MonitorGrid.Grains;

[GenerateSerializer, Alias("mg.SchoolState")]
public sealed class SchoolState
{
    [Id(0)] public SchoolInfo? Info { get; set; }
}

/// <summary>A school: the school support team's view of every class in it.</summary>
public sealed class SchoolGrain(
    [PersistentState(GridStorage.SchoolState, GridStorage.Store)] IPersistentState<SchoolState> state,
    IGridJournal journal,
    TimeProvider time,
    ILogger<SchoolGrain> logger)
    : AggregateGrain(journal, time, logger), ISchoolGrain
{
    protected override Scope Scope => Scope.School(RosterId);

    protected override string? DisplayName => state.State.Info?.Name;

    public async Task RegisterAsync(SchoolInfo info)
    {
        if (state.State.Info is { } current && current.DistrictId != info.DistrictId)
        {
            throw new InvalidOperationException($"School {info.Id} belongs to district {current.DistrictId}; it cannot move.");
        }

        state.State.Info = info;
        await state.WriteStateAsync();
        await StatusChangedAsync();
    }

    public Task<SchoolInfo?> GetInfoAsync() => Task.FromResult(state.State.Info);

    protected override Task ForwardAsync(StudentUpdate update) =>
        state.State.Info is { } info ? GrainFactory.District(info.DistrictId).ApplyAsync(update) : Task.CompletedTask;
}
