using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;

namespace MonitorGrid.Grains;

/// <summary>The city: aggregate counts only. Student updates reach it but no alert is kept or shown.</summary>
public sealed class CityGrain(
    IGridJournal journal,
    TimeProvider time,
    IOptions<GridOptions> options,
    ILogger<CityGrain> logger)
    : AggregateGrain(journal, time, logger), ICityGrain
{
    protected override Scope Scope => Scope.City;

    protected override string? DisplayName => options.Value.CityName;

    protected override Task ForwardAsync(StudentUpdate update) => Task.CompletedTask;
}
