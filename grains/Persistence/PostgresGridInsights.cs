using Npgsql;
using NpgsqlTypes;

namespace MonitorGrid.Persistence;

/// <summary>
/// The UI's read models on PostgreSQL: set-based queries over the status projection (who is under a
/// scope) joined to the journal (what happened to them). None goes through the journal's write queue.
/// </summary>
public sealed partial class PostgresGridInsights(NpgsqlDataSource db) : IGridInsights
{
    public async Task RegisterNodesAsync(IReadOnlyList<RosterNode> nodes, CancellationToken cancellationToken = default)
    {
        if (nodes.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            INSERT INTO grid_roster_nodes (kind, id, parent_id)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
            ON CONFLICT (kind, id) DO UPDATE SET parent_id = EXCLUDED.parent_id
            """);
        command.Parameters.Add(Array(nodes.Select(n => KindName(n.Kind))));
        command.Parameters.Add(Array(nodes.Select(n => n.Id)));
        command.Parameters.Add(Array(nodes.Select(n => n.ParentId)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Scope>> ChildrenAsync(Scope scope, CancellationToken cancellationToken = default)
    {
        if (RosterTree.ChildKind(scope.Kind) is not { } kind)
        {
            return [];
        }

        await using var command = db.CreateCommand(
            "SELECT id FROM grid_roster_nodes WHERE kind = $1 AND parent_id IS NOT DISTINCT FROM $2 ORDER BY id COLLATE \"C\"");
        command.Parameters.Add(new NpgsqlParameter { Value = KindName(kind) });
        command.Parameters.Add(Text(ScopeFilter.IdOf(scope)));
        var children = new List<Scope>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            children.Add(new Scope(kind, reader.GetString(0)));
        }

        return children;
    }

    public async Task<TierHistory> LoadTierHistoryAsync(Scope scope, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var filter = ScopeFilter.On(scope);
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command($"SELECT count(*) FROM grid_student_status s WHERE {filter}", scope));
        // Each student's tier when the period began: the last record before it.
        batch.BatchCommands.Add(Command(
            $"""
            SELECT student_id, tier_after FROM (
                SELECT DISTINCT ON (e.student_id) e.student_id, e.tier_after
                FROM grid_student_events e JOIN grid_student_status s ON s.student_id = e.student_id
                WHERE {filter} AND e.recorded_at < $2
                ORDER BY e.student_id, e.version DESC) AS last
            WHERE tier_after > 0
            """,
            scope, since));
        batch.BatchCommands.Add(Command(
            $"""
            SELECT e.student_id, e.recorded_at, e.tier_after
            FROM grid_student_events e JOIN grid_student_status s ON s.student_id = e.student_id
            WHERE {filter} AND e.recorded_at >= $2
            ORDER BY e.recorded_at, e.version
            """,
            scope, since));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var students = (int)reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var atStart = new List<TierChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            atStart.Add(new TierChange(reader.GetString(0), since, (Tier)reader.GetInt16(1)));
        }

        await reader.NextResultAsync(cancellationToken);
        var changes = new List<TierChange>();
        while (await reader.ReadAsync(cancellationToken))
        {
            changes.Add(new TierChange(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), (Tier)reader.GetInt16(2)));
        }

        return new TierHistory(students, atStart, changes);
    }

    public async Task<IReadOnlyDictionary<Category, int>> CountCategoriesAsync(Scope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command(
            $"""
            SELECT e.category, count(*)
            FROM grid_student_events e JOIN grid_student_status s ON s.student_id = e.student_id
            WHERE {ScopeFilter.On(scope)} AND e.kind = 'Observation' AND e.observed_at >= $2 AND e.observed_at < $3
            GROUP BY e.category
            """,
            scope, from, to));
        var counts = new Dictionary<Category, int>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (Enum.TryParse<Category>(reader.GetString(0), out var category))
            {
                counts[category] = (int)reader.GetInt64(1);
            }
        }

        return counts;
    }

    public async Task<IReadOnlyList<StudentPick>> FindStudentsAsync(Scope scope, string? query, int limit, CancellationToken cancellationToken = default)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command(
            $"""
            SELECT s.student_id, s.profile->>'name', s.class_id
            FROM grid_student_status s
            WHERE {ScopeFilter.On(scope)}
              AND ($2::text IS NULL
                   OR strpos(lower(s.profile->>'name'), lower($2)) > 0
                   OR starts_with(lower(s.student_id), lower($2)))
            ORDER BY s.class_id COLLATE "C", s.profile->>'name' COLLATE "C", s.student_id COLLATE "C"
            LIMIT $3
            """,
            scope, query, limit));
        var picks = new List<StudentPick>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            picks.Add(new StudentPick(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return picks;
    }

    public async Task<IReadOnlyList<SubmittedObservation>> SubmittedByAsync(string observerId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("""
            SELECT e.observation_id, e.student_id, e.category, e.severity, e.note, e.observed_at, e.recorded_at,
                   e.observer_role, s.profile->>'name'
            FROM grid_student_events e LEFT JOIN grid_student_status s ON s.student_id = e.student_id
            WHERE e.observer_id = $1 AND e.kind = 'Observation'
            ORDER BY e.recorded_at DESC
            LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = observerId });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var mine = new List<SubmittedObservation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var observation = new Observation(
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<Category>(reader.GetString(2)),
                reader.GetInt16(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                observerId,
                Enum.Parse<Role>(reader.GetString(7)));
            mine.Add(new SubmittedObservation(observation, reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return mine;
    }

    /// <summary>A command whose first parameter is the scope's id (null for the city), then the values given.</summary>
    private static NpgsqlBatchCommand Command(string sql, Scope scope, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(Text(ScopeFilter.IdOf(scope)));
        foreach (var value in values)
        {
            command.Parameters.Add(value switch
            {
                null or string => Text((string?)value),
                // Npgsql writes timestamptz from UTC offsets only; callers may pass any (the trend's start is Beijing midnight).
                DateTimeOffset instant => new NpgsqlParameter { Value = instant.ToUniversalTime() },
                _ => new NpgsqlParameter { Value = value },
            });
        }

        return command;
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter Array(IEnumerable<string?> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    private static string KindName(ScopeKind kind) => kind.ToString().ToLowerInvariant();
}
