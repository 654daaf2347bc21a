using Npgsql;
using NpgsqlTypes;

namespace MonitorGrid.Bench;

/// <summary>
/// The durability limit: the grid's own observation rows inserted straight into the same PostgreSQL, into
/// a table with the journal's columns and indexes, at the grid phase's concurrency; one row per
/// autocommit INSERT, then 100 rows per INSERT.
/// </summary>
internal static class RawInserts
{
    private const int BatchRows = 100;

    private static readonly string[] Categories = ["Mood", "Anxiety", "Withdrawal", "Behavior", "Academic"];

    public static async Task<PhaseResult[]> RunAsync(string connection, int workers, TimeSpan warmUp, TimeSpan duration, Func<string> status)
    {
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = workers + 8 }.ConnectionString);
        await using (var create = db.CreateCommand(
            "CREATE TABLE IF NOT EXISTS bench_raw_events (LIKE grid_student_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        const string insertRow = """
            INSERT INTO bench_raw_events (student_id, version, kind, recorded_at, tier_after, observation_id, observer_id, observer_role,
                category, severity, observed_at, idempotency_key, client_address)
            VALUES ($1, $2, 'Observation', now(), 1, $3, $4, 'HeadTeacher', $5, 1, now(), $6, '127.0.0.1')
            """;
        var single = await Load.ClosedLoopAsync("raw single-row INSERT (same rows, same concurrency)", workers, warmUp, duration, async (worker, n) =>
        {
            await using var command = db.CreateCommand(insertRow);
            command.Parameters.Add(new NpgsqlParameter { Value = $"raw-{worker}" });
            command.Parameters.Add(new NpgsqlParameter { Value = n });
            command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7().ToString("N") });
            command.Parameters.Add(new NpgsqlParameter { Value = $"bt{worker}" });
            command.Parameters.Add(new NpgsqlParameter { Value = Categories[n % Categories.Length] });
            command.Parameters.Add(new NpgsqlParameter { Value = $"single-{worker}-{n}" });
            return await command.ExecuteNonQueryAsync() == 1 ? null : "not inserted";
        }, () => 0, status);

        var batched = await Load.ClosedLoopAsync($"raw batched INSERT ({BatchRows} rows each, same concurrency)", workers, warmUp, duration, async (worker, n) =>
        {
            var rows = Enumerable.Range(0, BatchRows).Select(i => n * BatchRows + i).ToArray();
            await using var command = db.CreateCommand("""
                INSERT INTO bench_raw_events (student_id, version, kind, recorded_at, tier_after, observation_id, observer_id, observer_role,
                    category, severity, observed_at, idempotency_key, client_address)
                SELECT $1, v, 'Observation', now(), 1, o, $2, 'HeadTeacher', c, 1, now(), k, '127.0.0.1'
                FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS t(v, o, c, k)
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = $"batch-{worker}" });
            command.Parameters.Add(new NpgsqlParameter { Value = $"bt{worker}" });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = rows });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(_ => Guid.CreateVersion7().ToString("N")).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => Categories[r % Categories.Length]).ToArray() });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => $"batch-{worker}-{r}").ToArray() });
            return await command.ExecuteNonQueryAsync() == BatchRows ? null : "not inserted";
        }, () => 0, status, rowsPerOperation: BatchRows);

        return [single, batched];
    }
}
