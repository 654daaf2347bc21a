namespace MonitorGrid;

/// <summary>One observation, as the student grain keeps it and the archive shows it.</summary>
/// <param name="ObservationId">Server-made id.</param>
/// <param name="StudentId">The student observed.</param>
/// <param name="Category">What was noticed.</param>
/// <param name="Severity">1 mild, 2 moderate, 3 severe.</param>
/// <param name="Note">Optional free text, at most 2,000 characters.</param>
/// <param name="ObservedAt">When it was noticed.</param>
/// <param name="RecordedAt">When the grid received it.</param>
/// <param name="ObserverId">The staff member who submitted it.</param>
/// <param name="ObserverRole">That staff member's role.</param>
[GenerateSerializer, Immutable, Alias("mg.Observation")]
public sealed record Observation(
    string ObservationId,
    string StudentId,
    Category Category,
    int Severity,
    string? Note,
    DateTimeOffset ObservedAt,
    DateTimeOffset RecordedAt,
    string ObserverId,
    Role ObserverRole)
{
    /// <summary>Where the submission came from, for the audit trail; never shown in the archive.</summary>
    [Id(0), System.Text.Json.Serialization.JsonIgnore]
    public string? ClientAddress { get; init; }
}

/// <summary>The body of a 201 (and of an idempotent replay's 200).</summary>
/// <param name="ObservationId">The observation's id.</param>
/// <param name="StudentId">The student.</param>
/// <param name="Tier">The student's tier after the observation.</param>
/// <param name="AlertId">The student's open alert, if any.</param>
[GenerateSerializer, Immutable, Alias("mg.ObservationReceipt")]
public sealed record ObservationReceipt(string ObservationId, string StudentId, Tier Tier, string? AlertId);

/// <summary>How a submitted observation was received.</summary>
public enum SubmissionOutcome
{
    /// <summary>Durable and applied.</summary>
    Accepted,

    /// <summary>The observer had used the idempotency key before: nothing was added, the first receipt is returned.</summary>
    Replayed,

    /// <summary>No such student in the roster.</summary>
    UnknownStudent,

    /// <summary>The student is outside the observer's scope; nothing was added.</summary>
    OutsideScope,
}

/// <summary>What became of a submitted observation.</summary>
/// <param name="Outcome">Accepted, replayed or refused.</param>
/// <param name="Receipt">The receipt when accepted or replayed; null when refused.</param>
[GenerateSerializer, Immutable, Alias("mg.SubmissionResult")]
public sealed record SubmissionResult(SubmissionOutcome Outcome, ObservationReceipt? Receipt)
{
    /// <summary>True when nothing was added because the key had been seen.</summary>
    public bool Replayed => Outcome == SubmissionOutcome.Replayed;
}

/// <summary>The student archive (一生一档).</summary>
/// <param name="StudentId">Roster id.</param>
/// <param name="Name">Name.</param>
/// <param name="Gender">Gender.</param>
/// <param name="ClassId">Class.</param>
/// <param name="SchoolId">School.</param>
/// <param name="DistrictId">District.</param>
/// <param name="Tier">Current tier.</param>
/// <param name="FocusGroups">Vulnerable groups.</param>
/// <param name="Observations">Every observation, newest first.</param>
/// <param name="Alerts">Every alert, newest first.</param>
[GenerateSerializer, Immutable, Alias("mg.StudentArchive")]
public sealed record StudentArchive(
    string StudentId,
    string Name,
    string Gender,
    string ClassId,
    string SchoolId,
    string DistrictId,
    Tier Tier,
    string[] FocusGroups,
    Observation[] Observations,
    AlertSummary[] Alerts)
{
    /// <summary>The student's case (高关怀), open or last closed; null when there has never been one.</summary>
    [Id(0)] public CaseSummary? Case { get; init; }

    /// <summary>Every case entry (plans, talks, referrals, leave, return, closing), newest first.</summary>
    [Id(1)] public CaseRecord[] CaseRecords { get; init; } = [];

    /// <summary>The assigned growth mentor (成长导师).</summary>
    [Id(2)] public string? MentorId { get; init; }

    /// <summary>Every screening result (心理测评), newest first by the day taken (an addition to the contract).</summary>
    [Id(3)] public ScreeningResult[] Screenings { get; init; } = [];
}

/// <summary>
/// A student's status as it travels up the hierarchy after a change: its tier and open alert at
/// <paramref name="Version"/>, and the alert event to show live, if any. Aggregates keep the version of
/// every student who is not Green, so an update that arrives twice, or after the aggregate loaded a
/// newer state from the journal, changes nothing. They never rescan their children.
/// </summary>
/// <param name="StudentId">The student.</param>
/// <param name="Version">The student's change counter after this change.</param>
/// <param name="Tier">The tier after the change.</param>
/// <param name="OpenAlert">The open alert after the change, or null.</param>
/// <param name="Event">An alert change to push to live boards.</param>
[GenerateSerializer, Immutable, Alias("mg.StudentUpdate")]
public sealed record StudentUpdate(string StudentId, long Version, Tier Tier, AlertSummary? OpenAlert, AlertEvent? Event)
{
    /// <summary>An escalation to push to the level it reached.</summary>
    [Id(0)] public EscalationEvent? Escalation { get; init; }

    /// <summary>A case change to push to the class, school and district.</summary>
    [Id(1)] public CaseEvent? Case { get; init; }
}
