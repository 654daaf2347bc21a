using MonitorGrid.Grains;
using Npgsql;

namespace MonitorGrid.Tests.Persistence;

/// <summary>Stops and starts PostgreSQL under a running silo, so these tests have a server of their own.</summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();

    public Task InitializeAsync() => _postgres.InitializeAsync();

    public Task DisposeAsync() => _postgres.DisposeAsync();

    [Fact]
    public async Task Committed_rows_survive_a_server_stop_and_start()
    {
        var connectionString = await _postgres.CreateDatabaseAsync();
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var create = dataSource.CreateCommand("CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await _postgres.StopAsync();
        Assert.False(_postgres.IsRunning);
        await _postgres.StartAsync();

        await using var again = NpgsqlDataSource.Create(connectionString);
        await using var count = again.CreateCommand("SELECT count(*) FROM kept");
        Assert.Equal(2L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Grain_state_writes_fail_while_postgres_is_down_and_succeed_once_it_is_back()
    {
        var connectionString = await PostgresSilos.MigratedDatabaseAsync(_postgres);
        await using var cluster = await PostgresSilos.StorageClusterAsync(connectionString, "svc-restart");
        var district = new DistrictInfo("rs-d", "中原区");
        await cluster.Client.District(district.Id).RegisterAsync(district);

        await _postgres.StopAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => cluster.Client.District("rs-d2").RegisterAsync(new DistrictInfo("rs-d2", "管城区")));
        await _postgres.StartAsync();

        // The pool may hand out a connection broken by the restart once; a caller's retry then succeeds.
        await PostgresSilos.WaitUntilAsync(async () =>
        {
            try
            {
                await cluster.Client.District("rs-d3").RegisterAsync(new DistrictInfo("rs-d3", "惠济区"));
                return true;
            }
            catch (Exception)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "a grain write to succeed after PostgreSQL restarted");
        Assert.Equal(district, await cluster.Client.District(district.Id).GetInfoAsync());
    }
}
