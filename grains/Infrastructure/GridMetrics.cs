using System.Diagnostics.Metrics;

namespace MonitorGrid.Infrastructure;

/// <summary>The grid's own instruments, under the meter <c>MonitorGrid</c>.</summary>
public static class GridMetrics
{
    public const string MeterName = "MonitorGrid";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> ObservationsApplied =
        Meter.CreateCounter<long>("monitorgrid.observations.applied", description: "Observations applied by student grains.");

    public static readonly Counter<long> ObservationsReplayed =
        Meter.CreateCounter<long>("monitorgrid.observations.replayed", description: "Submissions answered from the idempotency ledger.");

    public static readonly Counter<long> AlertEvents =
        Meter.CreateCounter<long>("monitorgrid.alerts.events", description: "Alert raises, escalations, acknowledgements and resolutions.");

    public static readonly Counter<long> StatusPushes =
        Meter.CreateCounter<long>("monitorgrid.status.pushes", description: "Coalesced status pushes to live subscribers.");

    public static readonly Counter<long> Escalations =
        Meter.CreateCounter<long>("monitorgrid.alerts.escalations", description: "Alerts escalated one level up for want of an acknowledgement.");

    public static readonly Counter<long> FollowUpsOverdue =
        Meter.CreateCounter<long>("monitorgrid.cases.overdue", description: "Follow-up alerts raised for cases with no talk in time.");

    public static readonly Counter<long> ScreeningsApplied =
        Meter.CreateCounter<long>("monitorgrid.screenings.applied", description: "Screening results stored by student grains.");

    public static readonly Counter<long> ImportRows =
        Meter.CreateCounter<long>("monitorgrid.imports.rows", description: "CSV rows imported, tagged by kind and outcome.");
}
