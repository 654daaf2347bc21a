namespace MonitorGrid;

/// <summary>Where a hospital referral (转介) stands.</summary>
public enum ReferralState
{
    /// <summary>Proposed by the school; the family has been told.</summary>
    Proposed,

    /// <summary>Referred to the hospital (绿色转介通道).</summary>
    Referred,

    /// <summary>Seen by the hospital.</summary>
    Seen,

    /// <summary>Back at school with the hospital's advice.</summary>
    Returned,
}

/// <summary>What a case entry records.</summary>
public enum CaseEntryKind
{
    /// <summary>The individual plan (一生一策) was written or revised.</summary>
    Plan,

    /// <summary>A talk (谈心谈话) took place.</summary>
    Talk,

    /// <summary>A referral changed state.</summary>
    Referral,

    /// <summary>The student went on leave (休学).</summary>
    Leave,

    /// <summary>The student returned to school (复学).</summary>
    Return,

    /// <summary>The case was closed.</summary>
    Close,
}

/// <summary>
/// One entry in a student's case file, as written by staff. Which optional fields are set depends on
/// <paramref name="Kind"/>: a plan has goals, owner and next contact; a talk has a summary in
/// <paramref name="Note"/> and may set the next contact; a referral has its state and the hospital; a
/// close has its reason in <paramref name="Note"/>.
/// </summary>
/// <param name="Kind">What the entry records.</param>
/// <param name="OccurredAt">When it happened (a talk may be recorded after it took place).</param>
/// <param name="Note">The talk's summary, the leave's or close's reason, or a remark.</param>
[GenerateSerializer, Immutable, Alias("mg.CaseEntry")]
public sealed record CaseEntry(CaseEntryKind Kind, DateTimeOffset OccurredAt, string? Note)
{
    /// <summary>The plan's goals.</summary>
    [Id(0)] public string? Goals { get; init; }

    /// <summary>The staff id responsible for the plan.</summary>
    [Id(1)] public string? Owner { get; init; }

    /// <summary>The next contact the plan or talk sets (a Beijing calendar day).</summary>
    [Id(2)] public DateOnly? NextContactOn { get; init; }

    /// <summary>The referral's new state.</summary>
    [Id(3)] public ReferralState? Referral { get; init; }

    /// <summary>The hospital referred to.</summary>
    [Id(4)] public string? Hospital { get; init; }
}

/// <summary>A case entry with who wrote it, as the archive's timeline shows it.</summary>
/// <param name="Entry">The entry.</param>
/// <param name="RecordedAt">When the grid recorded it.</param>
/// <param name="ActorId">Who recorded it.</param>
/// <param name="ActorRole">Their role.</param>
[GenerateSerializer, Immutable, Alias("mg.CaseRecord")]
public sealed record CaseRecord(CaseEntry Entry, DateTimeOffset RecordedAt, string ActorId, Role ActorRole);

/// <summary>
/// The follow-up of one high-concern student (高关怀, Orange or Red): what the district centre's
/// follow-up board shows per student. A case opens when the student first reaches Orange or Red and
/// stays open, whatever the tier does, until it is closed with a reason.
/// </summary>
/// <param name="StudentId">The student.</param>
/// <param name="StudentName">The student's name.</param>
/// <param name="ClassId">The student's class.</param>
/// <param name="SchoolId">The student's school.</param>
/// <param name="DistrictId">The student's district.</param>
/// <param name="Tier">The student's tier now.</param>
/// <param name="OpenedAt">When the case opened.</param>
/// <param name="LastContactAt">The last talk, or null when none since the case opened.</param>
/// <param name="NextContactOn">The next contact the plan or the last talk set.</param>
/// <param name="FollowUpDueAt">When the follow-up falls overdue: the last talk (or the opening) plus the follow-up interval.</param>
/// <param name="Referral">The referral's state, if there is one.</param>
/// <param name="PlanOwner">Who owns the individual plan, if written.</param>
/// <param name="OnLeave">Whether the student is on leave (休学).</param>
/// <param name="ClosedAt">When the case was closed (null while open).</param>
/// <param name="CloseReason">Why it was closed.</param>
[GenerateSerializer, Immutable, Alias("mg.CaseSummary")]
public sealed record CaseSummary(
    string StudentId,
    string StudentName,
    string ClassId,
    string SchoolId,
    string DistrictId,
    Tier Tier,
    DateTimeOffset OpenedAt,
    DateTimeOffset? LastContactAt,
    DateOnly? NextContactOn,
    DateTimeOffset FollowUpDueAt,
    ReferralState? Referral,
    string? PlanOwner,
    bool OnLeave,
    DateTimeOffset? ClosedAt,
    string? CloseReason)
{
    /// <summary>Whether the case is still open.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsOpen => ClosedAt is null;

    /// <summary>Whether the follow-up is overdue at <paramref name="now"/>.</summary>
    public bool OverdueAt(DateTimeOffset now) => IsOpen && now >= FollowUpDueAt;
}

/// <summary>What just happened to a case (the hub's <c>case</c> message).</summary>
public enum CaseChange
{
    /// <summary>The student reached Orange or Red with no case open.</summary>
    Opened,

    /// <summary>The plan was written or revised.</summary>
    Plan,

    /// <summary>A talk was recorded.</summary>
    Talk,

    /// <summary>The referral changed state.</summary>
    Referral,

    /// <summary>The student went on leave.</summary>
    Leave,

    /// <summary>The student returned to school.</summary>
    Return,

    /// <summary>The case was closed.</summary>
    Closed,

    /// <summary>No talk within the follow-up interval: the follow-up alert to the school and the district.</summary>
    Overdue,
}

/// <summary>A case change pushed to the boards of the student's class, school and district.</summary>
/// <param name="Case">The case after the change.</param>
/// <param name="Change">What happened.</param>
[GenerateSerializer, Immutable, Alias("mg.CaseEvent")]
public sealed record CaseEvent(CaseSummary Case, CaseChange Change);

/// <summary>
/// An alert nobody acknowledged in time, pushed as the hub's <c>escalation</c> message to the level it
/// was escalated to: the school at the first step, the district at the second; the third step reaches
/// the city, which sees only the count in its status.
/// </summary>
/// <param name="Alert">The alert after the escalation.</param>
/// <param name="Level">1 school, 2 district, 3 city.</param>
/// <param name="EscalatedTo">The scope it was escalated to.</param>
/// <param name="DueAt">The deadline that was missed.</param>
/// <param name="EscalatedAt">When it was escalated.</param>
[GenerateSerializer, Immutable, Alias("mg.EscalationEvent")]
public sealed record EscalationEvent(AlertSummary Alert, int Level, string EscalatedTo, DateTimeOffset DueAt, DateTimeOffset EscalatedAt);

/// <summary>A vulnerable-group (五类儿童) student's mentoring, as the school's list shows it.</summary>
/// <param name="StudentId">The student.</param>
/// <param name="StudentName">The student's name.</param>
/// <param name="ClassId">The student's class.</param>
/// <param name="FocusGroups">The groups the student belongs to.</param>
/// <param name="MentorId">The assigned growth mentor (成长导师), or null when none is assigned.</param>
/// <param name="LastTalkAt">The last talk recorded for the student, by anyone.</param>
/// <param name="DueAt">When the next talk is due: the last talk plus the interval; null when there has been none.</param>
/// <param name="Overdue">No talk within the interval (or never).</param>
[GenerateSerializer, Immutable, Alias("mg.MentoringRow")]
public sealed record MentoringRow(
    string StudentId,
    string StudentName,
    string ClassId,
    string[] FocusGroups,
    string? MentorId,
    DateTimeOffset? LastTalkAt,
    DateTimeOffset? DueAt,
    bool Overdue);

/// <summary>How recording a case entry ended.</summary>
public enum CaseActionOutcome
{
    /// <summary>Recorded.</summary>
    Done,

    /// <summary>No such student in the roster.</summary>
    UnknownStudent,

    /// <summary>The entry needs an open case (only a talk does not).</summary>
    NoOpenCase,

    /// <summary>A case cannot be closed while the student has an open Orange or Red alert.</summary>
    AlertStillOpen,
}

/// <summary>The result of recording a case entry.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Case">The case after the entry (null when the student has none).</param>
/// <param name="Record">The entry as recorded, when it was.</param>
[GenerateSerializer, Immutable, Alias("mg.CaseActionResult")]
public sealed record CaseActionResult(CaseActionOutcome Outcome, CaseSummary? Case, CaseRecord? Record);
