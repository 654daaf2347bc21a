namespace MonitorGrid.Live;

/// <summary>What every aggregate keeps: counts per tier and the open alerts it may show, by student.</summary>
[GenerateSerializer, Alias("mg.AggregateState")]
public sealed class AggregateState
{
    [Id(0)] public TierCounts Counts { get; set; } = TierCounts.Zero;
    [Id(1)] public Dictionary<string, AlertSummary> Alerts { get; set; } = new(StringComparer.Ordinal);
    [Id(2)] public DateTimeOffset UpdatedAt { get; set; }
}
