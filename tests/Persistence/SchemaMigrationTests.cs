using Microsoft.Extensions.Logging.Abstractions;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;
using Npgsql;

namespace MonitorGrid.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class SchemaMigrationTests(PostgresServer postgres)
{
    /// <summary>Every query key the 10.x storage, clustering and reminders providers look up.</summary>
    public static readonly string[] RequiredQueryKeys =
    [
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey",
        "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
        "MembershipReadRowKey", "MembershipReadAllKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
        "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task An_empty_database_gets_every_embedded_migration_starting_with_0001()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());

        var applied = await Migrator(dataSource).MigrateAsync(CancellationToken.None);

        Assert.Equal("0001_orleans", applied[0]);
        Assert.Equal(SchemaMigrator.Discover(typeof(SchemaMigrator).Assembly).Select(m => m.Name), applied);
        Assert.Equal(applied, await RecordedAsync(dataSource));
    }

    [Fact]
    public async Task A_second_run_applies_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await Migrator(dataSource).MigrateAsync(CancellationToken.None);

        var again = await Migrator(dataSource).MigrateAsync(CancellationToken.None);

        Assert.Empty(again);
    }

    [Fact]
    public async Task Two_migrators_starting_together_on_an_empty_database_both_succeed_and_apply_each_migration_once()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var first = NpgsqlDataSource.Create(connectionString);
        await using var second = NpgsqlDataSource.Create(connectionString);
        using var go = new ManualResetEventSlim();

        var runs = await Task.WhenAll(
            Task.Run(() => { go.Wait(); return Migrator(first).MigrateAsync(CancellationToken.None); }),
            Task.Run(() => { go.Wait(); return Migrator(second).MigrateAsync(CancellationToken.None); }),
            Task.Run(() => { go.Set(); return (IReadOnlyList<string>)[]; }));

        var known = SchemaMigrator.Discover(typeof(SchemaMigrator).Assembly).Select(m => m.Name).ToList();
        Assert.Equal(known, runs.SelectMany(r => r).Order(StringComparer.Ordinal));
        Assert.Contains(runs, r => r.Count == 0);
        Assert.Equal(known, await RecordedAsync(first));
    }

    [Fact]
    public async Task After_migration_every_query_key_the_providers_require_is_present()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        await Migrator(dataSource).MigrateAsync(CancellationToken.None);

        var keys = new List<string>();
        await using (var command = dataSource.CreateCommand("SELECT QueryKey, QueryText FROM OrleansQuery"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
                Assert.False(string.IsNullOrWhiteSpace(reader.GetString(1)), reader.GetString(0));
            }
        }

        Assert.Empty(RequiredQueryKeys.Except(keys));
        Assert.Contains("DeleteStorageKey", keys);
        Assert.Contains("CleanupDefunctSiloEntryKey", keys);
    }

    [Fact]
    public async Task Every_migration_script_can_run_twice_without_error()
    {
        await using var dataSource = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync());
        foreach (var migration in SchemaMigrator.Discover(typeof(SchemaMigrator).Assembly))
        {
            for (var run = 0; run < 2; run++)
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await using var command = new NpgsqlCommand(migration.Sql, connection, transaction);
                await command.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
            }
        }
    }

    [Fact]
    public async Task Start_up_fails_with_a_clear_message_when_the_database_never_answers()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = FreePorts.Next(), Timeout = 1 };
        await using var dataSource = NpgsqlDataSource.Create(unreachable.ConnectionString);
        var service = new SchemaMigrationService(
            Migrator(dataSource), NullLogger<SchemaMigrationService>.Instance, new SchemaOptions { StartupTimeout = TimeSpan.FromSeconds(2) }, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => service.StartingAsync(CancellationToken.None));

        Assert.Contains("could not be reached", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_waits_for_a_database_that_comes_up_late()
    {
        await using var late = new PostgresServer();
        var starting = late.InitializeAsync();
        await using var dataSource = NpgsqlDataSource.Create(late.ConnectionStringFor("postgres"));
        var service = new SchemaMigrationService(
            Migrator(dataSource), NullLogger<SchemaMigrationService>.Instance, new SchemaOptions(), TimeProvider.System);

        await Task.WhenAll(starting, service.StartingAsync(CancellationToken.None));

        Assert.Equal(SchemaMigrator.Discover(typeof(SchemaMigrator).Assembly).Select(m => m.Name), await RecordedAsync(dataSource));
    }

    [Fact]
    public async Task A_node_that_leaves_migrating_to_a_job_waits_until_the_job_has_applied_every_migration()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var node = new SchemaMigrationService(
            Migrator(dataSource), NullLogger<SchemaMigrationService>.Instance, new SchemaOptions { ApplyAtStart = false }, TimeProvider.System);
        var known = SchemaMigrator.Discover(typeof(SchemaMigrator).Assembly).Select(m => m.Name).ToList();
        Assert.Equal(known, await Migrator(dataSource).PendingAsync(CancellationToken.None));

        var waiting = node.StartingAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(waiting.IsCompleted, "The node started before any migration was applied.");
        Assert.Equal(known, await Migrator(dataSource).PendingAsync(CancellationToken.None));

        // The job (here: the migrator that `silo migrate` runs) applies them; the node then goes on.
        await Migrator(dataSource).MigrateAsync(CancellationToken.None);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(await Migrator(dataSource).PendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_node_waiting_for_a_migration_job_that_never_runs_fails_its_start_with_the_reason()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var node = new SchemaMigrationService(
            Migrator(dataSource), NullLogger<SchemaMigrationService>.Instance,
            new SchemaOptions { ApplyAtStart = false, WaitTimeout = TimeSpan.FromSeconds(2) }, TimeProvider.System);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => node.StartingAsync(CancellationToken.None));

        Assert.Contains("migration job", error.Message, StringComparison.Ordinal);
        Assert.Equal(
            SchemaMigrator.Discover(typeof(SchemaMigrator).Assembly).Count,
            (await Migrator(dataSource).PendingAsync(CancellationToken.None)).Count);
    }

    private static SchemaMigrator Migrator(NpgsqlDataSource dataSource) => new(dataSource, NullLogger<SchemaMigrator>.Instance);

    private static async Task<List<string>> RecordedAsync(NpgsqlDataSource dataSource)
    {
        var names = new List<string>();
        await using var command = dataSource.CreateCommand("SELECT name FROM grid_schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
