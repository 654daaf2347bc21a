namespace MonitorGrid.Persistence;

/// <summary>The journal of the in-memory demo mode: the same rules as PostgreSQL's, lost on exit.</summary>
public sealed partial class InMemoryGridJournal : IGridJournal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<JournalRecord>> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Observer, string Key), JournalRecord> _keys = [];
    private readonly Dictionary<string, StudentStatusRow> _status = new(StringComparer.Ordinal);
    private readonly Dictionary<(string StudentId, string Key), ScreeningResult> _screenings = [];

    public Task<CommitOutcome> CommitAsync(StudentCommit commit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (commit.Record is { } record)
            {
                // As PostgreSQL's primary key: a version is written once per student (another writer, such as
                // an import's bulk path, may have taken it).
                if (_records.TryGetValue(record.StudentId, out var existing) && existing.Exists(r => r.Version == record.Version))
                {
                    return Task.FromResult(CommitOutcome.DuplicateIdempotencyKey);
                }

                if (record is { IdempotencyKey: { } key, Observation: { } observation })
                {
                    if (_keys.ContainsKey((observation.ObserverId, key)))
                    {
                        return Task.FromResult(CommitOutcome.DuplicateIdempotencyKey);
                    }

                    _keys[(observation.ObserverId, key)] = record;
                }

                // As PostgreSQL's unique index: a file row key is stored once per student.
                if (record.Screening is { } screening && !_screenings.TryAdd((record.StudentId, screening.Key), screening))
                {
                    return Task.FromResult(CommitOutcome.DuplicateIdempotencyKey);
                }

                if (!_records.TryGetValue(record.StudentId, out var list))
                {
                    _records[record.StudentId] = list = [];
                }

                list.Add(record);
            }

            if (commit.Status is { } status
                && (!_status.TryGetValue(status.StudentId, out var current) || current.Version <= status.Version))
            {
                _status[status.StudentId] = status;
            }
        }

        return Task.FromResult(CommitOutcome.Committed);
    }

    public Task<IReadOnlySet<string>> RegisterNewAsync(IReadOnlyList<StudentStatusRow> rows, CancellationToken cancellationToken = default)
    {
        var added = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var row in rows)
            {
                if (_status.TryAdd(row.StudentId, row))
                {
                    added.Add(row.StudentId);
                }
            }
        }

        return Task.FromResult<IReadOnlySet<string>>(added);
    }

    public Task<StudentHistory> ReadStudentAsync(string studentId, long afterVersion, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            JournalRecord[] records = _records.TryGetValue(studentId, out var list)
                ? [.. list.Where(r => r.Version > afterVersion).OrderBy(r => r.Version)]
                : [];
            return Task.FromResult(new StudentHistory(_status.GetValueOrDefault(studentId), records));
        }
    }

    public Task<ObservationReceipt?> FindReceiptAsync(string observerId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_keys.TryGetValue((observerId, idempotencyKey), out var r) ? r.ToReceipt() : null);
        }
    }

    public Task<ScopeProjection> LoadScopeAsync(Scope scope, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var students = 0;
            DateTimeOffset? lastChange = null;
            var notGreen = new List<ProjectedStudent>();
            foreach (var row in _status.Values)
            {
                if (!row.Profile.Lineage.IsWithin(scope))
                {
                    continue;
                }

                students++;
                lastChange = lastChange is { } last && last >= row.UpdatedAt ? last : row.UpdatedAt;
                if (row.Tier != Tier.Green)
                {
                    var alert = row.OpenAlert is { } a && Live.AlertVisibility.Shows(scope.Kind, a) ? a : null;
                    notGreen.Add(new ProjectedStudent(row.StudentId, row.Tier, row.Version, alert)
                    {
                        Escalated = row.OpenAlert?.IsEscalated == true,
                    });
                }
            }

            return Task.FromResult(new ScopeProjection(students, notGreen, lastChange));
        }
    }

    public Task<IReadOnlyList<StoredScreening>> FindScreeningsAsync(
        IReadOnlyList<(string StudentId, string Key)> keys, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var found = new List<StoredScreening>();
            foreach (var key in keys)
            {
                if (_screenings.TryGetValue(key, out var stored) && _status.TryGetValue(key.StudentId, out var row))
                {
                    found.Add(new StoredScreening(key.StudentId, key.Key, stored.ImportId, stored.Row, row.Profile.Lineage));
                }
            }

            return Task.FromResult<IReadOnlyList<StoredScreening>>(found);
        }
    }

    public Task<IReadOnlySet<(string StudentId, string Key)>> RecordQuietScreeningsAsync(
        IReadOnlyList<(string StudentId, ScreeningResult Result)> results, Actor importer, Scope scope, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var stored = new HashSet<(string, string)>();
        lock (_gate)
        {
            foreach (var (studentId, result) in results)
            {
                if (!_status.TryGetValue(studentId, out var row) || row.Tier != Tier.Green || row.OpenAlert is not null
                    || !row.Profile.Lineage.IsWithin(scope) || _screenings.ContainsKey((studentId, result.Key)))
                {
                    continue;
                }

                if (!_records.TryGetValue(studentId, out var list))
                {
                    _records[studentId] = list = [];
                }

                var version = Math.Max(row.Version, list.Count == 0 ? 0 : list.Max(r => r.Version)) + 1;
                var quiet = result with { RecordedAt = now, ImportedBy = importer.UserId };
                list.Add(new JournalRecord(studentId, version, JournalKind.Screening, now, Tier.Green, null, null, null, null, importer, null)
                {
                    Screening = quiet,
                });
                _screenings[(studentId, result.Key)] = quiet;
                stored.Add((studentId, result.Key));
            }
        }

        return Task.FromResult<IReadOnlySet<(string, string)>>(stored);
    }

    public Task<IReadOnlyDictionary<string, StudentProfile>> ReadProfilesAsync(
        IReadOnlyCollection<string> studentIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var found = new Dictionary<string, StudentProfile>(StringComparer.Ordinal);
            foreach (var id in studentIds)
            {
                if (_status.TryGetValue(id, out var row))
                {
                    found[id] = row.Profile;
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, StudentProfile>>(found);
        }
    }
}

internal static class JournalRecordExtensions
{
    public static ObservationReceipt? ToReceipt(this JournalRecord record) => record.Observation is { } o
        ? new ObservationReceipt(o.ObservationId, record.StudentId, record.TierAfter, record.OpenAlertId)
        : null;
}
