namespace MonitorGrid.Persistence;

/// <summary>The UI's read models over the in-memory journal: the same answers as PostgreSQL's, by scanning.</summary>
public sealed partial class InMemoryGridJournal : IGridInsights
{
    private readonly Dictionary<(ScopeKind Kind, string Id), string?> _nodes = [];

    public Task RegisterNodesAsync(IReadOnlyList<RosterNode> nodes, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var node in nodes)
            {
                _nodes[(node.Kind, node.Id)] = node.ParentId;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Scope>> ChildrenAsync(Scope scope, CancellationToken cancellationToken = default)
    {
        if (RosterTree.ChildKind(scope.Kind) is not { } kind)
        {
            return Task.FromResult<IReadOnlyList<Scope>>([]);
        }

        var parent = ScopeFilter.IdOf(scope);
        lock (_gate)
        {
            IReadOnlyList<Scope> children = [.. _nodes
                .Where(n => n.Key.Kind == kind && n.Value == parent)
                .Select(n => n.Key.Id)
                .Order(StringComparer.Ordinal)
                .Select(id => new Scope(kind, id))];
            return Task.FromResult(children);
        }
    }

    public Task<TierHistory> LoadTierHistoryAsync(Scope scope, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var students = 0;
            var atStart = new List<TierChange>();
            var changes = new List<(TierChange Change, long Version)>();
            foreach (var row in _status.Values.Where(r => r.Profile.Lineage.IsWithin(scope)))
            {
                students++;
                if (!_records.TryGetValue(row.StudentId, out var records))
                {
                    continue;
                }

                var before = records.Where(r => r.RecordedAt < since).MaxBy(r => r.Version);
                if (before is { TierAfter: not Tier.Green })
                {
                    atStart.Add(new TierChange(row.StudentId, since, before.TierAfter));
                }

                changes.AddRange(records.Where(r => r.RecordedAt >= since).Select(r => (new TierChange(r.StudentId, r.RecordedAt, r.TierAfter), r.Version)));
            }

            IReadOnlyList<TierChange> ordered = [.. changes.OrderBy(c => c.Change.At).ThenBy(c => c.Version).Select(c => c.Change)];
            return Task.FromResult(new TierHistory(students, atStart, ordered));
        }
    }

    public Task<IReadOnlyDictionary<Category, int>> CountCategoriesAsync(Scope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<Category, int> counts = _status.Values
                .Where(r => r.Profile.Lineage.IsWithin(scope) && _records.ContainsKey(r.StudentId))
                .SelectMany(r => _records[r.StudentId])
                .Select(r => r.Observation)
                .OfType<Observation>()
                .Where(o => o.ObservedAt >= from && o.ObservedAt < to)
                .GroupBy(o => o.Category)
                .ToDictionary(g => g.Key, g => g.Count());
            return Task.FromResult(counts);
        }
    }

    public Task<IReadOnlyList<StudentPick>> FindStudentsAsync(Scope scope, string? query, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<StudentPick> picks = [.. _status.Values
                .Select(r => r.Profile)
                .Where(p => p.Lineage.IsWithin(scope) && RosterTree.Matches(p.StudentId, p.Name, query))
                .OrderBy(p => p.ClassId, StringComparer.Ordinal)
                .ThenBy(p => p.Name, StringComparer.Ordinal)
                .ThenBy(p => p.StudentId, StringComparer.Ordinal)
                .Take(limit)
                .Select(p => new StudentPick(p.StudentId, p.Name, p.ClassId))];
            return Task.FromResult(picks);
        }
    }

    public Task<IReadOnlyList<SubmittedObservation>> SubmittedByAsync(string observerId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<SubmittedObservation> mine = [.. _records.Values
                .SelectMany(list => list)
                .Select(r => r.Observation)
                .OfType<Observation>()
                .Where(o => o.ObserverId == observerId)
                .OrderByDescending(o => o.RecordedAt)
                .Take(limit)
                .Select(o => new SubmittedObservation(o, _status.GetValueOrDefault(o.StudentId)?.Profile.Name))];
            return Task.FromResult(mine);
        }
    }
}

/// <summary>Rules both implementations share.</summary>
internal static class RosterTree
{
    /// <summary>The kind of a scope's direct children, or null when it has none to drill into.</summary>
    public static ScopeKind? ChildKind(ScopeKind kind) => kind switch
    {
        ScopeKind.City => ScopeKind.District,
        ScopeKind.District => ScopeKind.School,
        ScopeKind.School => ScopeKind.Class,
        _ => null,
    };

    public static bool Matches(string studentId, string name, string? query) =>
        query is null
        || name.Contains(query, StringComparison.OrdinalIgnoreCase)
        || studentId.StartsWith(query, StringComparison.OrdinalIgnoreCase);
}
