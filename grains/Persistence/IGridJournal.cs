namespace MonitorGrid.Persistence;

/// <summary>What kind of change a journal record holds.</summary>
public enum JournalKind
{
    Observation,
    Acknowledge,
    Resolve,

    /// <summary>A roster change (e.g. joining a focus group) re-scored the open episode and lifted the tier.</summary>
    Reassess,

    /// <summary>The open alert missed its acknowledgement deadline and went one level up.</summary>
    Escalate,

    /// <summary>An entry in the student's case file (plan, talk, referral, leave, return, closing).</summary>
    Case,

    /// <summary>The case's follow-up fell overdue and the follow-up alert went to the school and the district.</summary>
    FollowUpOverdue,

    /// <summary>A screening result was imported; it may have lifted the tier and raised the alert.</summary>
    Screening,
}

/// <summary>
/// One change to one student, as it is made durable: the observation or alert action, and the outcome
/// it had (the tier after it, the alert it created or changed, the open alert after it). Replaying a
/// student's records in version order rebuilds its state exactly, without re-running the risk model.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.JournalRecord")]
public sealed record JournalRecord(
    string StudentId,
    long Version,
    JournalKind Kind,
    DateTimeOffset RecordedAt,
    Tier TierAfter,
    string? OpenAlertId,
    AlertSummary? Alert,
    Observation? Observation,
    string? IdempotencyKey,
    Actor? Actor,
    string? Note)
{
    /// <summary>The case entry of a <see cref="JournalKind.Case"/> record.</summary>
    [Id(0)] public CaseEntry? Entry { get; init; }

    /// <summary>The result of a <see cref="JournalKind.Screening"/> record.</summary>
    [Id(1)] public ScreeningResult? Screening { get; init; }
}

/// <summary>
/// A student's row in the status projection: the roster profile, tier and open alert. It is also where
/// a student grain whose state was lost finds its profile again.
/// </summary>
[GenerateSerializer, Immutable, Alias("mg.StudentStatusRow")]
public sealed record StudentStatusRow(StudentProfile Profile, Tier Tier, AlertSummary? OpenAlert, long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>The student's case, open or last closed (null when there has never been one): the follow-up board's row.</summary>
    [Id(0)] public CaseSummary? Case { get; init; }

    public string StudentId => Profile.StudentId;
}

/// <summary>A student's status row (null when never registered) and journal records after a version.</summary>
public sealed record StudentHistory(StudentStatusRow? Status, IReadOnlyList<JournalRecord> Records);

/// <summary>
/// A change to commit: the student's new status row, and the record that explains it (none for a roster
/// change). The status is null when the change leaves it as it was (an observation that neither raised
/// the tier nor touched the alert): the projection only holds what aggregates and activation need, and
/// rewriting an unchanged row for every observation cost the database as much as the record itself.
/// </summary>
public sealed record StudentCommit(StudentStatusRow? Status, JournalRecord? Record);

/// <summary>How a commit ended.</summary>
public enum CommitOutcome
{
    Committed,

    /// <summary>The record's observer had already used its idempotency key: nothing was written.</summary>
    DuplicateIdempotencyKey,
}

/// <summary>One student in a scope's projection who is not Green (Green students are only counted).</summary>
public sealed record ProjectedStudent(string StudentId, Tier Tier, long Version, AlertSummary? OpenAlert)
{
    /// <summary>Whether the student's open alert is escalated and still unacknowledged (counted even where alerts are not shown).</summary>
    public bool Escalated { get; init; }
}

/// <summary>
/// What an aggregate loads when it activates or refreshes: how many students are below it, the ones not
/// Green, and when any of them last changed (null for an empty scope).
/// </summary>
public sealed record ScopeProjection(int Students, IReadOnlyList<ProjectedStudent> NotGreen, DateTimeOffset? LastChange);

/// <summary>A screening result already stored under a file row key, with where its student sits (for scope checks).</summary>
public sealed record StoredScreening(string StudentId, string Key, string? ImportId, int Row, Lineage Lineage);

/// <summary>
/// The grid's memory: an append-only journal of every change to a student, and the status projection
/// aggregates are loaded from. A commit returns only once it is durable; concurrent commits are
/// grouped into one transaction. Student grains rebuild from it on activation and store nothing else.
/// </summary>
public interface IGridJournal
{
    /// <summary>Writes the record (if any) and upserts the status row in one transaction.</summary>
    Task<CommitOutcome> CommitAsync(StudentCommit commit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the status rows of students not registered yet, in one statement, and returns the ids it
    /// wrote. Rows of students already registered are left alone: those go through their grain, which
    /// may hold them active. This is how a city's roster is loaded without activating its students.
    /// </summary>
    Task<IReadOnlySet<string>> RegisterNewAsync(IReadOnlyList<StudentStatusRow> rows, CancellationToken cancellationToken = default);

    /// <summary>The student's status row and records with a version above <paramref name="afterVersion"/>, in version order.</summary>
    Task<StudentHistory> ReadStudentAsync(string studentId, long afterVersion, CancellationToken cancellationToken = default);

    /// <summary>The receipt first given for an observer's idempotency key, or null.</summary>
    Task<ObservationReceipt?> FindReceiptAsync(string observerId, string idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every student below <paramref name="scope"/>: the count, and the ones not Green with their version.
    /// Open alerts are included where the scope's level shows them (<c>AlertVisibility</c>).
    /// </summary>
    Task<ScopeProjection> LoadScopeAsync(Scope scope, CancellationToken cancellationToken = default);

    /// <summary>
    /// Which of the (student, file row key) pairs have a screening result stored: an import asks this per
    /// chunk, so that importing a file again changes nothing without waking a student.
    /// </summary>
    Task<IReadOnlyList<StoredScreening>> FindScreeningsAsync(
        IReadOnlyList<(string StudentId, string Key)> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores Green screening results without their students' grains, for those students who are Green
    /// with no open alert and within <paramref name="scope"/> (a result that changes nothing but the
    /// archive), each as the student's next record; returns the (student, key) pairs stored. The rest are
    /// for the grains. An active grain that later finds its version taken takes these records in.
    /// </summary>
    Task<IReadOnlySet<(string StudentId, string Key)>> RecordQuietScreeningsAsync(
        IReadOnlyList<(string StudentId, ScreeningResult Result)> results, Actor importer, Scope scope, DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>The stored roster profiles of those of <paramref name="studentIds"/> that are registered.</summary>
    Task<IReadOnlyDictionary<string, StudentProfile>> ReadProfilesAsync(
        IReadOnlyCollection<string> studentIds, CancellationToken cancellationToken = default);
}
