namespace MonitorGrid.Persistence;

/// <summary>The follow-up read models over the in-memory journal, by scanning.</summary>
public sealed partial class InMemoryGridJournal : ICaseInsights
{
    public Task<IReadOnlyList<CaseSummary>> OpenCasesAsync(Scope scope, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<CaseSummary> cases = [.. _status.Values
                .Where(row => row.Profile.Lineage.IsWithin(scope) && row.Case is { IsOpen: true })
                .Select(row => row.Case!)];
            return Task.FromResult(cases);
        }
    }

    public Task<IReadOnlyList<MentoredStudent>> MentoredStudentsAsync(Scope scope, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<MentoredStudent> students = [.. _status.Values
                .Where(row => row.Profile.FocusGroups.Length > 0 && row.Profile.Lineage.IsWithin(scope))
                .Select(row => new MentoredStudent(row.Profile, LastTalk(row.StudentId)))];
            return Task.FromResult(students);
        }
    }

    private DateTimeOffset? LastTalk(string studentId) => _records.TryGetValue(studentId, out var records)
        ? records.Where(r => r.Entry is { Kind: CaseEntryKind.Talk }).Max(r => (DateTimeOffset?)r.Entry!.OccurredAt)
        : null;
}
