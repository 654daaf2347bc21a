namespace MonitorGrid.Persistence;

/// <summary>The monthly report's read over the in-memory journal: the same answer as PostgreSQL's.</summary>
public sealed partial class InMemoryGridJournal
{
    public IAsyncEnumerable<StudentJournal> JournalsBeforeAsync(Scope scope, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            List<StudentJournal> students = [.. _status.Values
                .Where(r => r.Profile.Lineage.IsWithin(scope))
                .Select(r => r.StudentId)
                .Order(StringComparer.Ordinal)
                .Select(id => new StudentJournal(id, _records.TryGetValue(id, out var records)
                    ? [.. records.Where(r => r.RecordedAt < until).OrderBy(r => r.Version)]
                    : []))];
            return students.ToAsyncEnumerable();
        }
    }
}
