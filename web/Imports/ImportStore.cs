using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MonitorGrid.Web.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace MonitorGrid.Web.Imports;

/// <summary>Where imports and the rows they refused are kept, to be listed and downloaded after they end.</summary>
public interface IImportStore
{
    Task CreateAsync(ImportJob job, CancellationToken cancellationToken = default);

    /// <summary>Moves a waiting job to <paramref name="next"/>; false when it is not waiting any more (its file came already).</summary>
    Task<bool> TryLeaveWaitingAsync(ImportJob next, CancellationToken cancellationToken = default);

    /// <summary>Saves the job's latest progress or final state.</summary>
    Task SaveAsync(ImportJob job, CancellationToken cancellationToken = default);

    Task<ImportJob?> GetAsync(string importId, CancellationToken cancellationToken = default);

    /// <summary>The newest jobs, of <paramref name="createdBy"/> only unless null.</summary>
    Task<IReadOnlyList<ImportJob>> ListAsync(string? createdBy, int count, CancellationToken cancellationToken = default);

    /// <summary>Appends refused rows; <paramref name="firstSeq"/> numbers the first of them.</summary>
    Task AddErrorsAsync(string importId, int firstSeq, IReadOnlyList<RowError> errors, CancellationToken cancellationToken = default);

    /// <summary>The refused rows in the order they were found.</summary>
    IAsyncEnumerable<RowError> ReadErrorsAsync(string importId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends, as <paramref name="fail"/> makes them, the running jobs nobody has saved for longer than
    /// <paramref name="silence"/>: a live reader saves every few seconds, so the node reading the file is gone.
    /// Returns the jobs as ended; a job saved meanwhile is left alone.
    /// </summary>
    Task<IReadOnlyList<ImportJob>> EndAbandonedAsync(TimeSpan silence, Func<ImportJob, ImportJob> fail, CancellationToken cancellationToken = default);
}

/// <summary>The store of the in-memory demo mode.</summary>
public sealed class InMemoryImportStore(TimeProvider time) : IImportStore
{
    private readonly ConcurrentDictionary<string, ImportJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _savedAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<RowError>> _errors = new(StringComparer.Ordinal);

    public Task CreateAsync(ImportJob job, CancellationToken cancellationToken = default)
    {
        Put(job);
        return Task.CompletedTask;
    }

    public Task<bool> TryLeaveWaitingAsync(ImportJob next, CancellationToken cancellationToken = default)
    {
        lock (_jobs)
        {
            if (_jobs.TryGetValue(next.ImportId, out var current) && current.State == ImportState.Waiting)
            {
                Put(next);
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        }
    }

    public Task SaveAsync(ImportJob job, CancellationToken cancellationToken = default)
    {
        lock (_jobs)
        {
            Put(job);
        }

        return Task.CompletedTask;
    }

    public Task<ImportJob?> GetAsync(string importId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_jobs.GetValueOrDefault(importId));

    public Task<IReadOnlyList<ImportJob>> EndAbandonedAsync(TimeSpan silence, Func<ImportJob, ImportJob> fail, CancellationToken cancellationToken = default)
    {
        var ended = new List<ImportJob>();
        lock (_jobs)
        {
            var before = time.GetUtcNow() - silence;
            foreach (var job in _jobs.Values.Where(j => j.State == ImportState.Running && _savedAt[j.ImportId] < before).ToList())
            {
                var failed = fail(job);
                Put(failed);
                ended.Add(failed);
            }
        }

        return Task.FromResult<IReadOnlyList<ImportJob>>(ended);
    }

    private void Put(ImportJob job)
    {
        _jobs[job.ImportId] = job;
        _savedAt[job.ImportId] = time.GetUtcNow();
    }

    public Task<IReadOnlyList<ImportJob>> ListAsync(string? createdBy, int count, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ImportJob>>([.. _jobs.Values
            .Where(j => createdBy is null || j.CreatedBy == createdBy)
            .OrderByDescending(j => j.CreatedAt)
            .Take(count)]);

    public Task AddErrorsAsync(string importId, int firstSeq, IReadOnlyList<RowError> errors, CancellationToken cancellationToken = default)
    {
        var list = _errors.GetOrAdd(importId, _ => []);
        lock (list)
        {
            list.AddRange(errors);
        }

        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<RowError> ReadErrorsAsync(string importId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        RowError[] copy = [];
        if (_errors.TryGetValue(importId, out var list))
        {
            lock (list)
            {
                copy = [.. list];
            }
        }

        foreach (var error in copy)
        {
            yield return error;
        }

        await Task.CompletedTask;
    }
}

/// <summary>The store in PostgreSQL (<c>grid_imports</c>, <c>grid_import_errors</c>).</summary>
public sealed class PostgresImportStore(NpgsqlDataSource db) : IImportStore
{
    private static readonly JsonSerializerOptions Json = CreateJsonOptions();

    public async Task CreateAsync(ImportJob job, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO grid_imports (import_id, kind, created_by, created_at, state, job, saved_at) VALUES ($1, $2, $3, $4, $5, $6, now())");
        command.Parameters.Add(new NpgsqlParameter { Value = job.ImportId });
        command.Parameters.Add(new NpgsqlParameter { Value = job.Kind.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = job.CreatedBy });
        command.Parameters.Add(new NpgsqlParameter { Value = job.CreatedAt });
        command.Parameters.Add(new NpgsqlParameter { Value = job.State.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(job, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> TryLeaveWaitingAsync(ImportJob next, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("UPDATE grid_imports SET state = $2, job = $3, saved_at = now() WHERE import_id = $1 AND state = 'Waiting'");
        AddJob(command, next);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task SaveAsync(ImportJob job, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("UPDATE grid_imports SET state = $2, job = $3, saved_at = now() WHERE import_id = $1");
        AddJob(command, job);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ImportJob?> GetAsync(string importId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT job FROM grid_imports WHERE import_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = importId });
        return await command.ExecuteScalarAsync(cancellationToken) is string json ? JsonSerializer.Deserialize<ImportJob>(json, Json) : null;
    }

    public async Task<IReadOnlyList<ImportJob>> ListAsync(string? createdBy, int count, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT job FROM grid_imports WHERE $1::text IS NULL OR created_by = $1 ORDER BY created_at DESC LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)createdBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        var jobs = new List<ImportJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(JsonSerializer.Deserialize<ImportJob>(reader.GetString(0), Json)!);
        }

        return jobs;
    }

    public async Task AddErrorsAsync(string importId, int firstSeq, IReadOnlyList<RowError> errors, CancellationToken cancellationToken = default)
    {
        if (errors.Count == 0)
        {
            return;
        }

        await using var command = db.CreateCommand("""
            INSERT INTO grid_import_errors (import_id, seq, row_number, column_name, reason, value)
            SELECT $1, $2 + e.ord - 1, e.row_number, e.column_name, e.reason, e.value
            FROM unnest($3::int[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS e(row_number, column_name, reason, value, ord)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = importId });
        command.Parameters.Add(new NpgsqlParameter { Value = firstSeq });
        command.Parameters.Add(new NpgsqlParameter { Value = errors.Select(e => e.Row).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = errors.Select(e => e.Column).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = errors.Select(e => e.Reason).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = errors.Select(e => e.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async IAsyncEnumerable<RowError> ReadErrorsAsync(string importId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT row_number, column_name, reason, value FROM grid_import_errors WHERE import_id = $1 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter { Value = importId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new RowError(
                reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
        }
    }

    public async Task<IReadOnlyList<ImportJob>> EndAbandonedAsync(
        TimeSpan silence, Func<ImportJob, ImportJob> fail, CancellationToken cancellationToken = default)
    {
        // The database's clock judges the silence: the nodes that saved and the one that looks may disagree.
        var silent = new List<ImportJob>();
        await using (var select = db.CreateCommand("SELECT job FROM grid_imports WHERE state = 'Running' AND saved_at < now() - $1"))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = silence });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                silent.Add(JsonSerializer.Deserialize<ImportJob>(reader.GetString(0), Json)!);
            }
        }

        var ended = new List<ImportJob>();
        foreach (var job in silent)
        {
            // Only if still silent: a reader that saved since (or another node ending it first) wins.
            var failed = fail(job);
            await using var update = db.CreateCommand(
                "UPDATE grid_imports SET state = $2, job = $3, saved_at = now() WHERE import_id = $1 AND state = 'Running' AND saved_at < now() - $4");
            AddJob(update, failed);
            update.Parameters.Add(new NpgsqlParameter { Value = silence });
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                ended.Add(failed);
            }
        }

        return ended;
    }

    /// <summary>Parameters $1, $2, $3 of every job update: the id, the state and the job as JSON.</summary>
    private static void AddJob(NpgsqlCommand command, ImportJob job)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = job.ImportId });
        command.Parameters.Add(new NpgsqlParameter { Value = job.State.ToString() });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(job, Json), NpgsqlDbType = NpgsqlDbType.Jsonb });
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        GridJson.Configure(options);
        return options;
    }
}
