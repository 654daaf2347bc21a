using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MonitorGrid.Persistence;

/// <summary>
/// Brings the database schema up to date from the SQL files embedded under <c>Persistence/Migrations</c>,
/// named <c>NNNN_name.sql</c> and applied in order of their number. Each missing migration runs in its
/// own transaction together with its row in <c>grid_schema_migrations</c>; a session-level advisory lock
/// serialises nodes that start at the same time against the same database.
/// </summary>
public sealed partial class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    /// <summary>The advisory lock key every migrating node takes (an arbitrary constant: "MGridMig").</summary>
    public const long AdvisoryLockKey = 0x4D47_7269_644D_6967;

    private const string CreateBookkeeping = """
        CREATE TABLE IF NOT EXISTS grid_schema_migrations
        (
            version    int         PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private static readonly Regex ResourceName = new(@"(?:^|\.)(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$", RegexOptions.CultureInvariant);

    /// <summary>Applies every migration the database does not have yet and returns their names, in order.</summary>
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = Discover(typeof(SchemaMigrator).Assembly);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", cancellationToken);
        try
        {
            await ExecuteAsync(connection, null, CreateBookkeeping, cancellationToken);
            var applied = await AppliedVersionsAsync(connection, cancellationToken);
            var names = new List<string>();
            foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
            {
                var started = TimeProvider.System.GetTimestamp();
                await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
                {
                    await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                    await using var record = new NpgsqlCommand(
                        "INSERT INTO grid_schema_migrations (version, name) VALUES (@version, @name)", connection, transaction);
                    record.Parameters.AddWithValue("version", migration.Version);
                    record.Parameters.AddWithValue("name", migration.Name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                LogApplied(logger, migration.Name, (long)TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
                names.Add(migration.Name);
            }

            if (names.Count == 0)
            {
                LogUpToDate(logger, migrations.Count);
            }
            else
            {
                LogMigrated(logger, names.Count, string.Join(", ", names));
            }

            return names;
        }
        finally
        {
            // Unlock on a healthy connection; a broken one releases the lock as the server ends the session.
            if (connection.FullState == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// The migrations this build knows that the database has not recorded yet, in order; all of them when the
    /// bookkeeping table does not exist. Reads only: a node that leaves migrating to a job asks this.
    /// </summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken)
    {
        var migrations = Discover(typeof(SchemaMigrator).Assembly);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var probe = new NpgsqlCommand("SELECT to_regclass('grid_schema_migrations') IS NOT NULL", connection);
        var applied = (bool)(await probe.ExecuteScalarAsync(cancellationToken))!
            ? await AppliedVersionsAsync(connection, cancellationToken)
            : [];
        return [.. migrations.Where(m => !applied.Contains(m.Version)).Select(m => m.Name)];
    }

    /// <summary>The migrations embedded in <paramref name="assembly"/>, ordered by version.</summary>
    internal static IReadOnlyList<Migration> Discover(Assembly assembly)
    {
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName.Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The embedded migration '{resource}' could not be opened.");
            using var reader = new StreamReader(stream);
            var version = int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture);
            migrations.Add(new Migration(version, $"{match.Groups["version"].Value}_{match.Groups["name"].Value}", reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Migrations '{migrations[i - 1].Name}' and '{migrations[i].Name}' have the same number.");
            }
        }

        return migrations;
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var versions = new HashSet<int>();
        await using var command = new NpgsqlCommand("SELECT version FROM grid_schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal sealed record Migration(int Version, string Name, string Sql);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Applied database migration {Migration} in {ElapsedMs} ms")]
    private static partial void LogApplied(ILogger logger, string migration, long elapsedMs);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Database schema migrated: applied {Count} migration(s): {Migrations}")]
    private static partial void LogMigrated(ILogger logger, int count, string migrations);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Database schema is up to date ({Known} known migration(s))")]
    private static partial void LogUpToDate(ILogger logger, int known);
}
