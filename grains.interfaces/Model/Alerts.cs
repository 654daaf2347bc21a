using System.Text.Json.Serialization;

namespace MonitorGrid;

/// <summary>An alert as boards and the API show it (the contract's AlertSummary).</summary>
/// <param name="AlertId">Opaque id; it names the student it belongs to.</param>
/// <param name="StudentId">The student.</param>
/// <param name="StudentName">The student's name.</param>
/// <param name="ClassId">The student's class.</param>
/// <param name="SchoolId">The student's school.</param>
/// <param name="DistrictId">The student's district.</param>
/// <param name="Tier">The tier the alert stands at.</param>
/// <param name="PreviousTier">The tier before the last raise.</param>
/// <param name="Category">The category of the observation that last raised it.</param>
/// <param name="State">Open, acknowledged or resolved.</param>
/// <param name="RaisedAt">When it was first raised.</param>
/// <param name="UpdatedAt">When it last changed.</param>
[GenerateSerializer, Immutable, Alias("mg.AlertSummary")]
public sealed record AlertSummary(
    string AlertId,
    string StudentId,
    string StudentName,
    string ClassId,
    string SchoolId,
    string DistrictId,
    Tier Tier,
    Tier PreviousTier,
    Category Category,
    AlertState State,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Who acknowledged it (an addition to the contract).</summary>
    [Id(0)]
    public string? AcknowledgedBy { get; init; }

    /// <summary>When it was acknowledged (an addition to the contract).</summary>
    [Id(1)]
    public DateTimeOffset? AcknowledgedAt { get; init; }

    /// <summary>Who resolved it (an addition to the contract).</summary>
    [Id(2)]
    public string? ResolvedBy { get; init; }

    /// <summary>When it was resolved (an addition to the contract).</summary>
    [Id(3)]
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The resolver's note (an addition to the contract).</summary>
    [Id(4)]
    public string? ResolutionNote { get; init; }

    /// <summary>
    /// When it must be acknowledged by: its tier's SLA from when it was raised, or from a climb to a
    /// higher tier if that ends sooner (an addition to the contract).
    /// </summary>
    [Id(5)]
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>
    /// How far it has been escalated for want of an acknowledgement: 0 not, 1 to the school, 2 to the
    /// district, 3 to the city (an addition to the contract).
    /// </summary>
    [Id(6)]
    public int EscalationLevel { get; init; }

    /// <summary>When it was last escalated (an addition to the contract).</summary>
    [Id(7)]
    public DateTimeOffset? EscalatedAt { get; init; }

    /// <summary>Whether it is escalated and still waits for an acknowledgement.</summary>
    [JsonIgnore]
    public bool IsEscalated => EscalationLevel > 0 && State == AlertState.Open;

    /// <summary>Whether it still needs someone: not yet resolved.</summary>
    [JsonIgnore]
    public bool IsOpen => State != AlertState.Resolved;

    /// <summary>The same alert as an event of the given kind.</summary>
    public AlertEvent ToEvent(AlertChange change) => new(
        AlertId, StudentId, StudentName, ClassId, SchoolId, DistrictId, Tier, PreviousTier, Category, State,
        RaisedAt, UpdatedAt, change);
}

/// <summary>
/// Sent to live boards when an alert is raised, raised to a higher tier, acknowledged or resolved:
/// the AlertSummary fields, plus <paramref name="Change"/> (an addition to the contract).
/// </summary>
/// <param name="AlertId">Opaque id.</param>
/// <param name="StudentId">The student.</param>
/// <param name="StudentName">The student's name.</param>
/// <param name="ClassId">The student's class.</param>
/// <param name="SchoolId">The student's school.</param>
/// <param name="DistrictId">The student's district.</param>
/// <param name="Tier">The tier the alert stands at.</param>
/// <param name="PreviousTier">The tier before the last raise.</param>
/// <param name="Category">The category of the observation that last raised it.</param>
/// <param name="State">Open, acknowledged or resolved.</param>
/// <param name="RaisedAt">When it was first raised.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Change">What just happened to it.</param>
[GenerateSerializer, Immutable, Alias("mg.AlertEvent")]
public sealed record AlertEvent(
    string AlertId,
    string StudentId,
    string StudentName,
    string ClassId,
    string SchoolId,
    string DistrictId,
    Tier Tier,
    Tier PreviousTier,
    Category Category,
    AlertState State,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt,
    AlertChange Change);

/// <summary>The status of one scope: counts of every student below it and the open alerts it may show.</summary>
/// <param name="Scope">The scope's wire form.</param>
/// <param name="Name">The scope's display name.</param>
/// <param name="Counts">Students per tier below the scope.</param>
/// <param name="OpenAlerts">Alerts not yet resolved, highest tier first, then oldest first.</param>
/// <param name="UpdatedAt">When anything below the scope last changed.</param>
[GenerateSerializer, Immutable, Alias("mg.ScopeStatus")]
public sealed record ScopeStatus(
    string Scope,
    string Name,
    TierCounts Counts,
    AlertSummary[] OpenAlerts,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// Open alerts below the scope that were escalated for want of an acknowledgement and still wait
    /// for one (an addition to the contract; the city's only view of escalations).
    /// </summary>
    [Id(0)]
    public int Escalated { get; init; }

    /// <summary>The same status without identities, for viewers who see aggregates only.</summary>
    public ScopeStatus Redacted() => OpenAlerts.Length == 0 ? this : this with { OpenAlerts = Array.Empty<AlertSummary>() };
}

/// <summary>Who acts on an alert.</summary>
/// <param name="UserId">The staff id.</param>
/// <param name="Role">The staff role.</param>
[GenerateSerializer, Immutable, Alias("mg.Actor")]
public sealed record Actor(string UserId, Role Role);

/// <summary>How an acknowledge or resolve ended.</summary>
public enum AlertActionOutcome
{
    /// <summary>Done (or already in that state, for acknowledge).</summary>
    Done,

    /// <summary>No such alert.</summary>
    NotFound,

    /// <summary>The alert is already resolved.</summary>
    AlreadyResolved,
}

/// <summary>The result of acknowledging or resolving an alert.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Alert">The alert after the action, when it exists.</param>
[GenerateSerializer, Immutable, Alias("mg.AlertActionResult")]
public sealed record AlertActionResult(AlertActionOutcome Outcome, AlertSummary? Alert);

/// <summary>Alert ids name their student so that an action finds its grain without a directory.</summary>
public static class AlertIds
{
    /// <summary>Makes the id of a student's <paramref name="sequence"/>-th alert.</summary>
    public static string Create(string studentId, int sequence) => $"A{sequence}-{studentId}";

    /// <summary>Reads the student id back out of an alert id.</summary>
    public static bool TryGetStudentId(string? alertId, out string studentId)
    {
        studentId = string.Empty;
        if (alertId is null || alertId.Length < 4 || alertId[0] != 'A')
        {
            return false;
        }

        var dash = alertId.IndexOf('-', StringComparison.Ordinal);
        if (dash < 2 || !alertId.AsSpan(1, dash - 1).ToString().All(char.IsAsciiDigit))
        {
            return false;
        }

        studentId = alertId[(dash + 1)..];
        return Identifiers.IsValid(studentId);
    }
}
