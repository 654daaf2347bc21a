namespace MonitorGrid.Persistence;

/// <summary>A district, school or class in the roster's tree; the city has no row.</summary>
/// <param name="Kind">District, School or Class.</param>
/// <param name="Id">Roster id.</param>
/// <param name="ParentId">The district of a school, the school of a class; null for a district.</param>
public sealed record RosterNode(ScopeKind Kind, string Id, string? ParentId);

/// <summary>A student's tier from <paramref name="At"/> on.</summary>
public sealed record TierChange(string StudentId, DateTimeOffset At, Tier Tier);

/// <summary>
/// The tiers of a scope's current students over a period: how many students there are, each one's tier
/// when the period began (only those not Green), and every change after that in time order.
/// </summary>
public sealed record TierHistory(int Students, IReadOnlyList<TierChange> AtStart, IReadOnlyList<TierChange> Changes);

/// <summary>A student as the observation form's picker shows them: nothing but who and which class.</summary>
public sealed record StudentPick(string StudentId, string Name, string ClassId);

/// <summary>An observation someone submitted, with the student's name for their own list.</summary>
public sealed record SubmittedObservation(Observation Observation, string? StudentName);

/// <summary>A student under a scope and their journal records before an instant, in version order (none: nothing happened to them yet).</summary>
public sealed record StudentJournal(string StudentId, IReadOnlyList<JournalRecord> Records);

/// <summary>
/// Read models for the browser UI over the journal and the status projection: drill-down, trend,
/// category breakdown, the student picker and a user's own submissions. None of it is on the path of an
/// observation; all of it is answered by the database (or the in-memory journal) without grains.
/// </summary>
public interface IGridInsights
{
    /// <summary>Records districts, schools and classes (upsert; a class keeps its school).</summary>
    Task RegisterNodesAsync(IReadOnlyList<RosterNode> nodes, CancellationToken cancellationToken = default);

    /// <summary>The scope's direct children (city → districts → schools → classes), in id order; none below a class.</summary>
    Task<IReadOnlyList<Scope>> ChildrenAsync(Scope scope, CancellationToken cancellationToken = default);

    /// <summary>The tiers of the scope's current students from <paramref name="since"/> until now.</summary>
    Task<TierHistory> LoadTierHistoryAsync(Scope scope, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Observations under the scope observed in [<paramref name="from"/>, <paramref name="to"/>), by category (absent: none).</summary>
    Task<IReadOnlyDictionary<Category, int>> CountCategoriesAsync(Scope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    /// <summary>
    /// Students under the scope whose name contains <paramref name="query"/> or whose id starts with it
    /// (case-insensitive; null: all), by class then name, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<StudentPick>> FindStudentsAsync(Scope scope, string? query, int limit, CancellationToken cancellationToken = default);

    /// <summary>The observer's own observations, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<SubmittedObservation>> SubmittedByAsync(string observerId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every student under the scope now, in id order (ordinal), each with the records recorded before
    /// <paramref name="until"/>: what the monthly report replays. Streamed one student at a time.
    /// </summary>
    IAsyncEnumerable<StudentJournal> JournalsBeforeAsync(Scope scope, DateTimeOffset until, CancellationToken cancellationToken = default);
}
