using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Grains;
using Npgsql;

namespace MonitorGrid.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class ClusteringTests(PostgresServer postgres)
{
    private const int Active = 3;
    private const int Dead = 6;

    [Fact]
    public async Task Two_silos_join_one_cluster_through_postgres_and_a_client_finds_them_as_gateways()
    {
        // An empty database: both silos migrate it at start-up, concurrently.
        var connectionString = await postgres.CreateDatabaseAsync();
        var clusterId = "c-" + Guid.NewGuid().ToString("N")[..8];
        const string ServiceId = "grid-clustering-tests";
        using var first = PostgresSilos.SiloHost(connectionString, clusterId, ServiceId, "silo-a");
        using var second = PostgresSilos.SiloHost(connectionString, clusterId, ServiceId, "silo-b");
        await Task.WhenAll(first.StartAsync(), second.StartAsync());
        try
        {
            await PostgresSilos.WaitUntilAsync(
                async () => (await StatusesAsync(connectionString, clusterId)).Count(s => s.Status == Active) == 2,
                TimeSpan.FromSeconds(30), "both membership rows to be Active");
            var rows = await StatusesAsync(connectionString, clusterId);
            Assert.Equal(["silo-a", "silo-b"], rows.Select(r => r.SiloName).Order(StringComparer.Ordinal));

            var membership = first.Services.GetRequiredService<IClusterMembershipService>();
            await PostgresSilos.WaitUntilAsync(
                () => Task.FromResult(membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) == 2),
                TimeSpan.FromSeconds(30), "the first silo to see the second");

            using (var client = PostgresSilos.ClientHost(connectionString, clusterId, ServiceId))
            {
                await client.StartAsync();
                var grains = client.Services.GetRequiredService<IClusterClient>();
                var district = new DistrictInfo("cl-d", "二七区");
                await grains.District(district.Id).RegisterAsync(district);
                Assert.Equal(district, await grains.District(district.Id).GetInfoAsync());
                await client.StopAsync();
            }

            await second.StopAsync();
            var afterStop = await StatusesAsync(connectionString, clusterId);
            Assert.Equal(Dead, afterStop.Single(r => r.SiloName == "silo-b").Status);

            var table = first.Services.GetRequiredService<IMembershipTable>();
            await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
            var afterCleanup = await StatusesAsync(connectionString, clusterId);
            Assert.Equal(["silo-a"], afterCleanup.Select(r => r.SiloName));
        }
        finally
        {
            await Task.WhenAll(first.StopAsync(), second.StopAsync());
        }
    }

    [Fact]
    public async Task The_membership_table_version_guards_inserts_and_updates()
    {
        var connectionString = await PostgresSilos.MigratedDatabaseAsync(postgres);
        var clusterId = "v-" + Guid.NewGuid().ToString("N")[..8];
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var queries = await QueriesAsync(dataSource);

        Assert.True(await ScalarAsync<bool>(dataSource, queries["InsertMembershipVersionKey"], ("DeploymentId", clusterId)));
        Assert.False(await ScalarAsync<bool>(dataSource, queries["InsertMembershipVersionKey"], ("DeploymentId", clusterId)));

        var start = new DateTime(2026, 9, 1, 8, 0, 0, DateTimeKind.Utc);
        (string, object?)[] Row(int version) =>
        [
            ("DeploymentId", clusterId), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", 1), ("SiloName", "s1"),
            ("HostName", "h1"), ("Status", Active), ("ProxyPort", 30000), ("StartTime", start), ("IAmAliveTime", start),
            ("Version", version),
        ];
        Assert.False(await ScalarAsync<bool>(dataSource, queries["InsertMembershipKey"], Row(5)));
        Assert.True(await ScalarAsync<bool>(dataSource, queries["InsertMembershipKey"], Row(0)));
        Assert.False(await ScalarAsync<bool>(dataSource, queries["InsertMembershipKey"], Row(1)));

        (string, object?)[] Update(int version, int status) =>
        [
            ("DeploymentId", clusterId), ("Address", "10.0.0.1"), ("Port", 11111), ("Generation", 1), ("Status", status),
            ("SuspectTimes", null), ("IAmAliveTime", start.AddMinutes(1)), ("Version", version),
        ];
        Assert.False(await ScalarAsync<bool>(dataSource, queries["UpdateMembershipKey"], Update(0, Dead)));
        Assert.True(await ScalarAsync<bool>(dataSource, queries["UpdateMembershipKey"], Update(1, Dead)));

        // The failed insert of an existing silo and the failed update left the version where it was.
        await using var command = dataSource.CreateCommand(queries["MembershipReadAllKey"]);
        command.Parameters.AddWithValue("DeploymentId", clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(2, reader.GetInt32(reader.GetOrdinal("Version")));
        Assert.Equal(Dead, reader.GetInt32(reader.GetOrdinal("Status")));
        Assert.Equal(start, reader.GetDateTime(reader.GetOrdinal("StartTime")));
        Assert.Equal(start.AddMinutes(1), reader.GetDateTime(reader.GetOrdinal("IAmAliveTime")));
        Assert.False(await reader.ReadAsync());
    }

    private static async Task<Dictionary<string, string>> QueriesAsync(NpgsqlDataSource dataSource)
    {
        var queries = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand("SELECT QueryKey, QueryText FROM OrleansQuery");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            queries[reader.GetString(0)] = reader.GetString(1);
        }

        return queries;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value is null
                ? new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value }
                : new NpgsqlParameter(name, value));
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<(string SiloName, int Status)>> StatusesAsync(string connectionString, string clusterId)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT SiloName, Status FROM OrleansMembershipTable WHERE DeploymentId = $1 ORDER BY SiloName");
        command.Parameters.AddWithValue(clusterId);
        var rows = new List<(string, int)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt32(1)));
        }

        return rows;
    }
}
