using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace MonitorGrid.Persistence;

/// <summary>
/// The journal on PostgreSQL. Commits from all grains are queued and written by a few writers, each
/// taking whatever has queued up (up to <see cref="MaxBatch"/>) into one transaction with array
/// inserts: one round trip and one WAL flush for many observations, instead of one each.
/// </summary>
public sealed partial class PostgresGridJournal : IGridJournal, IAsyncDisposable
{
    public const int MaxBatch = 512;
    private const int Writers = 4;
    private const int Readers = 2;
    private const int MaxReadBatch = 256;

    internal static readonly JsonSerializerOptions Json = CreateJsonOptions();

    private readonly NpgsqlDataSource _db;
    private readonly ILogger<PostgresGridJournal> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _writers;
    private readonly Channel<PendingRead> _reads = Channel.CreateUnbounded<PendingRead>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _readers;

    public PostgresGridJournal(NpgsqlDataSource db, ILogger<PostgresGridJournal> logger)
    {
        _db = db;
        _logger = logger;
        _writers = [.. Enumerable.Range(0, Writers).Select(_ => Task.Run(WriteLoopAsync))];
        _readers = [.. Enumerable.Range(0, Readers).Select(_ => Task.Run(ReadLoopAsync))];
    }

    public Task<CommitOutcome> CommitAsync(StudentCommit commit, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(commit, new TaskCompletionSource<CommitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgresGridJournal));
        }

        return pending.Completion.Task;
    }

    public async Task<IReadOnlySet<string>> RegisterNewAsync(IReadOnlyList<StudentStatusRow> rows, CancellationToken cancellationToken = default)
    {
        var added = new HashSet<string>(StringComparer.Ordinal);
        if (rows.Count == 0)
        {
            return added;
        }

        // Not through the writers' queue: a roster chunk is already one big statement and one commit.
        await using var command = _db.CreateCommand("""
            INSERT INTO grid_student_status (student_id, class_id, school_id, district_id, profile, tier, open_alert, version, updated_at)
            SELECT s.student_id, s.class_id, s.school_id, s.district_id, s.profile, s.tier, NULL, s.version, s.updated_at
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::smallint[], $7::bigint[], $8::timestamptz[])
                AS s(student_id, class_id, school_id, district_id, profile, tier, version, updated_at)
            ON CONFLICT (student_id) DO NOTHING
            RETURNING student_id
            """);
        AddArray(command, NpgsqlDbType.Text, rows.Select(r => r.StudentId));
        AddArray(command, NpgsqlDbType.Text, rows.Select(r => r.Profile.ClassId));
        AddArray(command, NpgsqlDbType.Text, rows.Select(r => r.Profile.SchoolId));
        AddArray(command, NpgsqlDbType.Text, rows.Select(r => r.Profile.DistrictId));
        AddArray(command, NpgsqlDbType.Jsonb, rows.Select(r => JsonSerializer.Serialize(r.Profile, Json)));
        AddArray(command, NpgsqlDbType.Smallint, rows.Select(r => (short)r.Tier));
        AddArray(command, NpgsqlDbType.Bigint, rows.Select(r => r.Version));
        AddArray(command, NpgsqlDbType.TimestampTz, rows.Select(r => r.UpdatedAt));
        command.CommandTimeout = 300;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                added.Add(reader.GetString(0));
            }
        }
        catch (NpgsqlException ex)
        {
            throw new JournalUnavailableException("The journal could not register the students.", ex);
        }

        return added;
    }

    /// <summary>
    /// Reads are grouped like commits: every student grain that activates reads its history here, and a
    /// burst of activations (observations spread over a city of cold students) costs one round trip per
    /// batch instead of one each.
    /// </summary>
    public Task<StudentHistory> ReadStudentAsync(string studentId, long afterVersion, CancellationToken cancellationToken = default)
    {
        var pending = new PendingRead(studentId, afterVersion, new TaskCompletionSource<StudentHistory>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_reads.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgresGridJournal));
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    private Task ReadLoopAsync() => DrainAsync(_reads.Reader, MaxReadBatch, async batch =>
    {
        try
        {
            await ReadBatchAsync(batch);
        }
        catch (Exception ex)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(new JournalUnavailableException("The journal could not be read.", ex));
            }
        }
    });

    /// <summary>Takes whatever has queued up, up to <paramref name="max"/>, as one batch, until the queue is closed.</summary>
    private static async Task DrainAsync<T>(ChannelReader<T> queue, int max, Func<List<T>, Task> process)
    {
        var batch = new List<T>(max);
        while (await queue.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < max && queue.TryRead(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count > 0)
            {
                await process(batch);
            }
        }
    }

    private async Task ReadBatchAsync(List<PendingRead> batch)
    {
        // One student may be asked for twice (an archive and an activation): read from the lower version.
        var from = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            from[pending.StudentId] = from.TryGetValue(pending.StudentId, out var v) ? Math.Min(v, pending.AfterVersion) : pending.AfterVersion;
        }

        await using var command = _db.CreateBatch();
        var statuses = new NpgsqlBatchCommand(
            "SELECT student_id, profile, tier, open_alert, version, updated_at, case_summary FROM grid_student_status WHERE student_id = ANY($1)");
        statuses.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = from.Keys.ToArray() });
        var records = new NpgsqlBatchCommand(
            $"""
            SELECT {RecordColumns}
            FROM unnest($1::text[], $2::bigint[]) AS r(student_id, after_version)
            JOIN grid_student_events e ON e.student_id = r.student_id AND e.version > r.after_version
            ORDER BY e.student_id, e.version
            """);
        records.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = from.Keys.ToArray() });
        records.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = from.Values.ToArray() });
        command.BatchCommands.Add(statuses);
        command.BatchCommands.Add(records);

        var rows = new Dictionary<string, StudentStatusRow>(StringComparer.Ordinal);
        var history = new Dictionary<string, List<JournalRecord>>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows[reader.GetString(0)] = new StudentStatusRow(
                    JsonSerializer.Deserialize<StudentProfile>(reader.GetString(1), Json)!,
                    (Tier)reader.GetInt16(2),
                    reader.IsDBNull(3) ? null : JsonSerializer.Deserialize<AlertSummary>(reader.GetString(3), Json),
                    reader.GetInt64(4),
                    reader.GetFieldValue<DateTimeOffset>(5))
                {
                    Case = reader.IsDBNull(6) ? null : JsonSerializer.Deserialize<CaseSummary>(reader.GetString(6), Json),
                };
            }

            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                var record = ReadRecord(reader);
                if (!history.TryGetValue(record.StudentId, out var list))
                {
                    history[record.StudentId] = list = [];
                }

                list.Add(record);
            }
        }

        foreach (var pending in batch)
        {
            IReadOnlyList<JournalRecord> mine = history.TryGetValue(pending.StudentId, out var list)
                ? [.. list.Where(r => r.Version > pending.AfterVersion)]
                : [];
            pending.Completion.TrySetResult(new StudentHistory(rows.GetValueOrDefault(pending.StudentId), mine));
        }
    }

    public async Task<ObservationReceipt?> FindReceiptAsync(string observerId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        await using var command = _db.CreateCommand(
            """
            SELECT observation_id, student_id, tier_after, open_alert_id FROM grid_student_events
            WHERE observer_id = $1 AND idempotency_key = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = observerId });
        command.Parameters.Add(new NpgsqlParameter { Value = idempotencyKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ObservationReceipt(reader.GetString(0), reader.GetString(1), (Tier)reader.GetInt16(2), reader.IsDBNull(3) ? null : reader.GetString(3))
            : null;
    }

    public async Task<ScopeProjection> LoadScopeAsync(Scope scope, CancellationToken cancellationToken = default)
    {
        // $1 is the scope's id (unused for the city), $2 the lowest tier whose alerts this level shows, $3 the
        // escalation level that brings any open alert to this level (see AlertVisibility).
        var filter = ScopeFilter.On(scope);
        var id = ScopeFilter.IdOf(scope);
        short showFrom = Live.AlertVisibility.MinimumTier(scope.Kind) is { } from ? (short)from : (short)99;
        var escalatedFrom = Live.AlertVisibility.EscalationLevelShown(scope.Kind);
        await using var batch = _db.CreateBatch();
        batch.BatchCommands.Add(Command($"SELECT count(*), max(updated_at) FROM grid_student_status s WHERE {filter}", id));
        batch.BatchCommands.Add(Command(
            $"""
            SELECT student_id, tier, version,
                   CASE WHEN tier >= $2 OR coalesce((open_alert->>'escalationLevel')::int, 0) >= $3 THEN open_alert END,
                   coalesce((open_alert->>'escalationLevel')::int, 0) > 0 AND open_alert->>'state' = 'Open'
            FROM grid_student_status s WHERE {filter} AND tier > 0
            """,
            id, showFrom, escalatedFrom));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var students = (int)reader.GetInt64(0);
        DateTimeOffset? lastChange = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
        await reader.NextResultAsync(cancellationToken);
        var notGreen = new List<ProjectedStudent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            notGreen.Add(new ProjectedStudent(
                reader.GetString(0),
                (Tier)reader.GetInt16(1),
                reader.GetInt64(2),
                reader.IsDBNull(3) ? null : JsonSerializer.Deserialize<AlertSummary>(reader.GetString(3), Json))
            {
                Escalated = reader.GetBoolean(4),
            });
        }

        return new ScopeProjection(students, notGreen, lastChange);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _reads.Writer.TryComplete();
        await Task.WhenAll([.. _writers, .. _readers]);
    }

    private Task WriteLoopAsync() => DrainAsync(_queue.Reader, MaxBatch, async batch =>
    {
        try
        {
            var outcomes = await WriteBatchAsync(batch);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception ex)
        {
            // Nothing of the batch was committed: every caller learns so and keeps its old state.
            LogBatchFailed(_logger, ex, batch.Count);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(new JournalUnavailableException("The journal could not commit.", ex));
            }
        }
    });

    /// <summary>
    /// One statement, so one round trip and one commit for the whole batch: insert the records (a repeated
    /// idempotency key inserts nothing), then upsert the status rows whose record went in (or that come
    /// with none, for roster changes), never over a newer version.
    /// </summary>
    private const string BatchSql = """
        WITH inserted AS (
            INSERT INTO grid_student_events (student_id, version, kind, recorded_at, tier_after, open_alert_id, alert,
                observation_id, observer_id, observer_role, category, severity, note, observed_at, idempotency_key,
                actor_id, actor_role, action_note, client_address, detail)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::timestamptz[], $5::smallint[], $6::text[],
                $7::jsonb[], $8::text[], $9::text[], $10::text[], $11::text[], $12::smallint[], $13::text[],
                $14::timestamptz[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $30::jsonb[])
            ON CONFLICT DO NOTHING
            RETURNING student_id, version
        ), statuses AS (
            SELECT * FROM unnest($20::text[], $21::text[], $22::text[], $23::text[], $24::jsonb[], $25::smallint[],
                $26::jsonb[], $27::bigint[], $28::timestamptz[], $29::bigint[], $31::jsonb[])
                AS s(student_id, class_id, school_id, district_id, profile, tier, open_alert, version, updated_at, record_version, case_summary)
        ), upserted AS (
            INSERT INTO grid_student_status (student_id, class_id, school_id, district_id, profile, tier, open_alert, version, updated_at, case_summary)
            SELECT s.student_id, s.class_id, s.school_id, s.district_id, s.profile, s.tier, s.open_alert, s.version, s.updated_at, s.case_summary
            FROM statuses s
            WHERE s.record_version IS NULL
               OR EXISTS (SELECT 1 FROM inserted i WHERE i.student_id = s.student_id AND i.version = s.record_version)
            ON CONFLICT (student_id) DO UPDATE SET
                class_id = excluded.class_id, school_id = excluded.school_id, district_id = excluded.district_id,
                profile = excluded.profile, tier = excluded.tier, open_alert = excluded.open_alert,
                version = excluded.version, updated_at = excluded.updated_at, case_summary = excluded.case_summary
            WHERE grid_student_status.version < excluded.version
        )
        SELECT student_id, version FROM inserted
        """;

    private async Task<CommitOutcome[]> WriteBatchAsync(List<Pending> batch)
    {
        var records = batch.Select(p => p.Commit.Record).OfType<JournalRecord>().ToList();

        // A student has at most one commit in flight, but keep only its newest status regardless.
        var statuses = new Dictionary<string, (StudentStatusRow Status, JournalRecord? Record)>(StringComparer.Ordinal);
        foreach (var pending in batch)
        {
            if (pending.Commit is { Status: { } status } commit
                && (!statuses.TryGetValue(status.StudentId, out var other) || other.Status.Version < status.Version))
            {
                statuses[status.StudentId] = (status, commit.Record);
            }
        }

        var rows = statuses.Values.ToList();
        await using var command = _db.CreateCommand(BatchSql);
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.StudentId));
        AddArray(command, NpgsqlDbType.Bigint, records.Select(r => r.Version));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Kind.ToString()));
        AddArray(command, NpgsqlDbType.TimestampTz, records.Select(r => r.RecordedAt));
        AddArray(command, NpgsqlDbType.Smallint, records.Select(r => (short)r.TierAfter));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.OpenAlertId));
        AddArray(command, NpgsqlDbType.Jsonb, records.Select(r => r.Alert is null ? null : JsonSerializer.Serialize(r.Alert, Json)));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Observation?.ObservationId));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Observation?.ObserverId));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Observation?.ObserverRole.ToString()));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Observation?.Category.ToString()));
        AddArray(command, NpgsqlDbType.Smallint, records.Select(r => r.Observation is { } o ? (short?)o.Severity : null));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Observation?.Note));
        AddArray(command, NpgsqlDbType.TimestampTz, records.Select(r => r.Observation?.ObservedAt));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.IdempotencyKey));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Actor?.UserId));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Actor?.Role.ToString()));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Note));
        AddArray(command, NpgsqlDbType.Text, records.Select(r => r.Observation?.ClientAddress));
        AddArray(command, NpgsqlDbType.Text, rows.Select(c => c.Status.StudentId));
        AddArray(command, NpgsqlDbType.Text, rows.Select(c => c.Status.Profile.ClassId));
        AddArray(command, NpgsqlDbType.Text, rows.Select(c => c.Status.Profile.SchoolId));
        AddArray(command, NpgsqlDbType.Text, rows.Select(c => c.Status.Profile.DistrictId));
        AddArray(command, NpgsqlDbType.Jsonb, rows.Select(c => JsonSerializer.Serialize(c.Status.Profile, Json)));
        AddArray(command, NpgsqlDbType.Smallint, rows.Select(c => (short)c.Status.Tier));
        AddArray(command, NpgsqlDbType.Jsonb, rows.Select(c => c.Status.OpenAlert is null ? null : JsonSerializer.Serialize(c.Status.OpenAlert, Json)));
        AddArray(command, NpgsqlDbType.Bigint, rows.Select(c => c.Status.Version));
        AddArray(command, NpgsqlDbType.TimestampTz, rows.Select(c => c.Status.UpdatedAt));
        AddArray(command, NpgsqlDbType.Bigint, rows.Select(c => c.Record?.Version));
        AddArray(command, NpgsqlDbType.Jsonb, records.Select(Detail));
        AddArray(command, NpgsqlDbType.Jsonb, rows.Select(c => c.Status.Case is null ? null : JsonSerializer.Serialize(c.Status.Case, Json)));

        var inserted = new HashSet<(string, long)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                inserted.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        var outcomes = new CommitOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            outcomes[i] = batch[i].Commit.Record is { } r && !inserted.Contains((r.StudentId, r.Version))
                ? CommitOutcome.DuplicateIdempotencyKey
                : CommitOutcome.Committed;
        }

        return outcomes;
    }

    /// <summary>The columns of <c>grid_student_events e</c> that <see cref="ReadRecord"/> reads, in its order.</summary>
    internal const string RecordColumns = """
        e.student_id, e.version, e.kind, e.recorded_at, e.tier_after, e.open_alert_id, e.alert, e.observation_id, e.observer_id,
        e.observer_role, e.category, e.severity, e.note, e.observed_at, e.idempotency_key, e.actor_id, e.actor_role, e.action_note,
        e.detail
        """;

    /// <summary>A record from a row that starts with <see cref="RecordColumns"/>.</summary>
    internal static JournalRecord ReadRecord(NpgsqlDataReader reader)
    {
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        var studentId = reader.GetString(0);
        var recordedAt = reader.GetFieldValue<DateTimeOffset>(3);
        Observation? observation = reader.IsDBNull(7) ? null : new Observation(
            reader.GetString(7), studentId, Enum.Parse<Category>(reader.GetString(10)), reader.GetInt16(11), Text(12),
            reader.GetFieldValue<DateTimeOffset>(13), recordedAt, reader.GetString(8), Enum.Parse<Role>(reader.GetString(9)));
        Actor? actor = reader.IsDBNull(15) ? null : new Actor(reader.GetString(15), Enum.Parse<Role>(reader.GetString(16)));
        var kind = Enum.Parse<JournalKind>(reader.GetString(2));
        return new JournalRecord(
            studentId,
            reader.GetInt64(1),
            kind,
            recordedAt,
            (Tier)reader.GetInt16(4),
            Text(5),
            reader.IsDBNull(6) ? null : JsonSerializer.Deserialize<AlertSummary>(reader.GetString(6), Json),
            observation,
            Text(14),
            actor,
            Text(17))
        {
            Entry = kind == JournalKind.Case && !reader.IsDBNull(18) ? JsonSerializer.Deserialize<CaseEntry>(reader.GetString(18), Json) : null,
            Screening = kind == JournalKind.Screening && !reader.IsDBNull(18) ? JsonSerializer.Deserialize<ScreeningResult>(reader.GetString(18), Json) : null,
        };
    }

    /// <summary>The <c>detail</c> column: a case record's entry or a screening record's result.</summary>
    private static string? Detail(JournalRecord record) =>
        record.Entry is { } entry ? JsonSerializer.Serialize(entry, Json)
        : record.Screening is { } screening ? JsonSerializer.Serialize(screening, Json)
        : null;

    public async Task<IReadOnlyList<StoredScreening>> FindScreeningsAsync(
        IReadOnlyList<(string StudentId, string Key)> keys, CancellationToken cancellationToken = default)
    {
        var found = new List<StoredScreening>();
        if (keys.Count == 0)
        {
            return found;
        }

        await using var command = _db.CreateCommand("""
            SELECT k.student_id, k.key, e.detail->>'importId', coalesce((e.detail->>'row')::int, 0), s.district_id, s.school_id, s.class_id
            FROM unnest($1::text[], $2::text[]) AS k(student_id, key)
            CROSS JOIN LATERAL (
                SELECT detail FROM grid_student_events e
                WHERE e.student_id = k.student_id AND e.kind = 'Screening' AND e.detail->>'key' = k.key LIMIT 1) e
            CROSS JOIN LATERAL (
                SELECT district_id, school_id, class_id FROM grid_student_status s WHERE s.student_id = k.student_id) s
            """);
        AddArray(command, NpgsqlDbType.Text, keys.Select(k => k.StudentId));
        AddArray(command, NpgsqlDbType.Text, keys.Select(k => k.Key));
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var studentId = reader.GetString(0);
                found.Add(new StoredScreening(
                    studentId, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt32(3),
                    new Lineage(reader.GetString(4), reader.GetString(5), reader.GetString(6), studentId)));
            }
        }
        catch (NpgsqlException ex)
        {
            throw new JournalUnavailableException("The journal could not be read.", ex);
        }

        return found;
    }

    public async Task<IReadOnlySet<(string StudentId, string Key)>> RecordQuietScreeningsAsync(
        IReadOnlyList<(string StudentId, ScreeningResult Result)> results, Actor importer, Scope scope, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var stored = new HashSet<(string, string)>();
        if (results.Count == 0)
        {
            return stored;
        }

        // One statement: each key is looked up on its own (LATERAL), so that the plan stays index lookups
        // however large the tables grow. Each student's next version is the highest it has plus its place among the batch's
        // results for it. A version or key taken meanwhile (a grain committing now) inserts nothing, and
        // that result goes to the grain instead.
        await using var command = _db.CreateCommand($"""
            INSERT INTO grid_student_events (student_id, version, kind, recorded_at, tier_after, actor_id, actor_role, detail)
            SELECT k.student_id,
                   greatest(s.version, coalesce(v.last, 0)) + row_number() OVER (PARTITION BY k.student_id ORDER BY k.ord),
                   'Screening', $4, 0, $5, $6, k.detail
            FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS k(student_id, detail, ord)
            CROSS JOIN LATERAL (
                SELECT s.version FROM grid_student_status s
                WHERE s.student_id = k.student_id AND s.tier = 0 AND s.open_alert IS NULL AND ({ScopeFilter.On(scope)})) s
            CROSS JOIN LATERAL (SELECT max(e.version) AS last FROM grid_student_events e WHERE e.student_id = k.student_id) v
            ON CONFLICT DO NOTHING
            RETURNING student_id, detail->>'key'
            """);
        command.Parameters.Add(ScopeFilter.IdParameter(scope));
        AddArray(command, NpgsqlDbType.Text, results.Select(r => r.StudentId));
        AddArray(command, NpgsqlDbType.Jsonb, results.Select(r =>
            JsonSerializer.Serialize(r.Result with { RecordedAt = now, ImportedBy = importer.UserId }, Json)));
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = importer.UserId });
        command.Parameters.Add(new NpgsqlParameter { Value = importer.Role.ToString() });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        catch (NpgsqlException ex)
        {
            throw new JournalUnavailableException("The journal could not store the screening results.", ex);
        }

        return stored;
    }

    public async Task<IReadOnlyDictionary<string, StudentProfile>> ReadProfilesAsync(
        IReadOnlyCollection<string> studentIds, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, StudentProfile>(StringComparer.Ordinal);
        if (studentIds.Count == 0)
        {
            return found;
        }

        await using var command = _db.CreateCommand("SELECT student_id, profile FROM grid_student_status WHERE student_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = studentIds.ToArray() });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetString(0)] = JsonSerializer.Deserialize<StudentProfile>(reader.GetString(1), Json)!;
            }
        }
        catch (NpgsqlException ex)
        {
            throw new JournalUnavailableException("The journal could not be read.", ex);
        }

        return found;
    }

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is null
                ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
                : new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static void AddArray<T>(NpgsqlCommand command, NpgsqlDbType type, IEnumerable<T> values) =>
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | type, Value = values.ToArray() });

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    private sealed record Pending(StudentCommit Commit, TaskCompletionSource<CommitOutcome> Completion);

    private sealed record PendingRead(string StudentId, long AfterVersion, TaskCompletionSource<StudentHistory> Completion);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Error, Message = "A journal batch of {Count} commits failed; none was committed")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}

/// <summary>The journal could not make a change durable; nothing of it was kept. Safe to retry.</summary>
[GenerateSerializer, Alias("mg.JournalUnavailableException")]
public sealed class JournalUnavailableException : Exception
{
    public JournalUnavailableException()
    {
    }

    public JournalUnavailableException(string message) : base(message)
    {
    }

    public JournalUnavailableException(string message, Exception inner) : base(message, inner)
    {
    }
}
