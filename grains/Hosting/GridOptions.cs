using System.ComponentModel.DataAnnotations;

namespace MonitorGrid.Hosting;

/// <summary>The <c>Grid</c> configuration section.</summary>
public sealed class GridOptions
{
    public const string Section = "Grid";

    /// <summary>Seed the demo city and its staff. Defaults to true without a connection string.</summary>
    public bool? Demo { get; set; }

    /// <summary>The name shown for the <c>city</c> scope.</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string CityName { get; set; } = "全市";

    /// <summary>With a connection string, the password given to the <c>admin</c> account on first start.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>How far in the future an <c>observedAt</c> may lie to allow for phone clocks that run fast.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkewAllowance { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The default risk model (the <c>Grid:RiskModel</c> section); tests rely on these defaults.</summary>
public sealed class RiskModelOptions
{
    public const string Section = "Grid:RiskModel";

    [Range(0.0, 1000.0)] public double Severity1Points { get; set; } = 1;
    [Range(0.0, 1000.0)] public double Severity2Points { get; set; } = 3;
    [Range(0.0, 1000.0)] public double Severity3Points { get; set; } = 6;

    /// <summary>Observations older than this count for <see cref="AgedFactor"/> of their points.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan RecentWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Observations older than this do not count.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan ScoringWindow { get; set; } = TimeSpan.FromDays(30);

    [Range(0.0, 1.0)] public double AgedFactor { get; set; } = 0.5;

    /// <summary>Applied when at least <see cref="CorroboratingObservers"/> different observers reported within the recent window.</summary>
    [Range(1.0, 10.0)] public double CorroborationFactor { get; set; } = 1.5;

    [Range(2, 100)] public int CorroboratingObservers { get; set; } = 2;

    /// <summary>Applied for a student in any focus group.</summary>
    [Range(1.0, 10.0)] public double FocusGroupFactor { get; set; } = 1.25;

    [Range(0.0, 10000.0)] public double YellowFrom { get; set; } = 3;
    [Range(0.0, 10000.0)] public double OrangeFrom { get; set; } = 8;
    [Range(0.0, 10000.0)] public double RedFrom { get; set; } = 16;
}

/// <summary>How soon an alert must be acknowledged, per tier (the <c>Grid:Sla</c> section).</summary>
public sealed class SlaOptions
{
    public const string Section = "Grid:Sla";

    /// <summary>A Red (危机) alert: 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Red { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>An Orange (重点关注) alert: 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Orange { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A Yellow (关注) alert: 72 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Yellow { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// The period of the durable reminder behind every deadline. A reminder tick lost with a node is made
    /// good one period later at most, so this bounds how late an escalation can be after a failover.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The acknowledgement deadline for a tier (Green has none).</summary>
    public TimeSpan For(Tier tier) => tier switch
    {
        Tier.Red => Red,
        Tier.Orange => Orange,
        _ => Yellow,
    };
}

/// <summary>How often tracked and vulnerable students must be talked with (the <c>Grid:FollowUp</c> section).</summary>
public sealed class FollowUpOptions
{
    public const string Section = "Grid:FollowUp";

    /// <summary>A high-concern student (高关怀) with no talk for longer raises a follow-up alert: 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan TrackedEvery { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A vulnerable-group student (五类儿童) needs a mentor's talk at least this often: 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan MentoringEvery { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>How a node treats the database schema at start (the <c>Grid:Schema</c> section).</summary>
public sealed class SchemaOptions
{
    public const string Section = "Grid:Schema";

    /// <summary>
    /// Apply missing migrations while starting (the default, for one machine). False where a migration job runs
    /// once per rollout (Kubernetes): the node then waits until the job has applied every migration it knows.
    /// </summary>
    public bool ApplyAtStart { get; set; } = true;

    /// <summary>How long start-up waits for the database to answer before it fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Without <see cref="ApplyAtStart"/>: how long start-up waits for the migration job.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WaitTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
