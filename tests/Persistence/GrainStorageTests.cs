using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Grains;
using MonitorGrid.Hosting;
using Npgsql;
using Orleans.Storage;

namespace MonitorGrid.Tests.Persistence;

[Collection(PostgresCollection.Name)]
public sealed class GrainStorageTests(PostgresServer postgres) : IAsyncLifetime
{
    private string _connectionString = null!;

    public async Task InitializeAsync() => _connectionString = await PostgresSilos.MigratedDatabaseAsync(postgres);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_registered_roster_is_read_back_from_postgres_after_the_silo_restarts()
    {
        var serviceId = "svc-" + Guid.NewGuid().ToString("N");
        var district = new DistrictInfo("pg-d", "金水区");
        var school = new SchoolInfo("pg-h", district.Id, "第一中学");
        var cls = new ClassInfo("pg-c", school.Id, district.Id, 7, "七(1)班");

        await using (var cluster = await PostgresSilos.StorageClusterAsync(_connectionString, serviceId))
        {
            var grains = cluster.Client;
            await grains.District(district.Id).RegisterAsync(district);
            await grains.School(school.Id).RegisterAsync(school);
            await grains.Class(cls.Id).RegisterAsync(cls);
        }

        await using (var restarted = await PostgresSilos.StorageClusterAsync(_connectionString, serviceId))
        {
            var grains = restarted.Client;
            Assert.Equal(district, await grains.District(district.Id).GetInfoAsync());
            Assert.Equal(school, await grains.School(school.Id).GetInfoAsync());
            Assert.Equal(cls, await grains.Class(cls.Id).GetInfoAsync());
        }

        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT GrainTypeString FROM OrleansStorage WHERE ServiceId = $1 AND PayloadBinary IS NOT NULL");
        command.Parameters.AddWithValue(serviceId);
        var stateNames = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stateNames.Add(reader.GetString(0));
            }
        }

        foreach (var stateName in new[] { GridStorage.DistrictState, GridStorage.SchoolState, GridStorage.ClassState })
        {
            Assert.Contains(stateName, stateNames);
        }
    }

    [Fact]
    public async Task Classes_020235_and_20235_keep_separate_state_on_postgres()
    {
        var serviceId = "svc-" + Guid.NewGuid().ToString("N");
        var first = new ClassInfo("020235", "hx-h", "hx-d", 7, "零开头");
        var second = new ClassInfo("20235", "hx-h", "hx-d", 7, "无零");

        await using (var cluster = await PostgresSilos.StorageClusterAsync(_connectionString, serviceId))
        {
            await cluster.Client.Class(first.Id).RegisterAsync(first);
            await cluster.Client.Class(second.Id).RegisterAsync(second);
        }

        await using var restarted = await PostgresSilos.StorageClusterAsync(_connectionString, serviceId);
        Assert.Equal("零开头", (await restarted.Client.Class("020235").GetInfoAsync())?.Name);
        Assert.Equal("无零", (await restarted.Client.Class("20235").GetInfoAsync())?.Name);
    }

    [Fact]
    public async Task A_write_with_a_stale_version_is_rejected_and_changes_nothing()
    {
        await using var cluster = await PostgresSilos.StorageClusterAsync(_connectionString, "svc-" + Guid.NewGuid().ToString("N"));
        var storage = cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GridStorage.Store);
        var grainId = GrainId.Create("occ-test", "s:occ-1");
        const string StateName = "occ";

        var holder = new GrainState<List<string>> { State = ["first"] };
        await storage.WriteStateAsync(StateName, grainId, holder);
        var stale = new GrainState<List<string>> { State = ["stale"], ETag = holder.ETag, RecordExists = true };
        holder.State = ["second"];
        await storage.WriteStateAsync(StateName, grainId, holder);
        Assert.NotEqual(stale.ETag, holder.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, grainId, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(
            () => storage.WriteStateAsync(StateName, grainId, new GrainState<List<string>> { State = ["as if new"] }));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, grainId, stale));

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync(StateName, grainId, read);
        Assert.Equal(["second"], read.State);
        Assert.Equal(holder.ETag, read.ETag);

        await storage.ClearStateAsync(StateName, grainId, read);
        var cleared = new GrainState<List<string>>();
        await storage.ReadStateAsync(StateName, grainId, cleared);
        Assert.False(cleared.RecordExists);
        Assert.Equal(read.ETag, cleared.ETag);
        cleared.State = ["after clear"];
        await storage.WriteStateAsync(StateName, grainId, cleared);
    }

    [Fact]
    public async Task The_write_query_returns_no_row_for_a_stale_version()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        string writeQuery;
        await using (var lookup = dataSource.CreateCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'WriteToStorageKey'"))
        {
            writeQuery = (string)(await lookup.ExecuteScalarAsync())!;
        }

        async Task<List<int>> WriteAsync(int? expectedVersion)
        {
            await using var command = dataSource.CreateCommand(writeQuery);
            command.Parameters.AddWithValue("GrainIdHash", 42);
            command.Parameters.AddWithValue("GrainIdN0", 0L);
            command.Parameters.AddWithValue("GrainIdN1", 0L);
            command.Parameters.AddWithValue("GrainTypeHash", 7);
            command.Parameters.AddWithValue("GrainTypeString", "raw");
            command.Parameters.AddWithValue("GrainIdExtensionString", "s:raw");
            command.Parameters.AddWithValue("ServiceId", "raw-service");
            command.Parameters.Add(new NpgsqlParameter<int?>("GrainStateVersion", NpgsqlTypes.NpgsqlDbType.Integer) { TypedValue = expectedVersion });
            command.Parameters.AddWithValue("PayloadBinary", new byte[] { 1, 2, 3 });
            var versions = new List<int>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                versions.Add(reader.GetInt32(reader.GetOrdinal("NewGrainStateVersion")));
            }

            return versions;
        }

        Assert.Equal([1], await WriteAsync(null));
        Assert.Empty(await WriteAsync(null));
        Assert.Equal([2], await WriteAsync(1));
        Assert.Empty(await WriteAsync(1));
        Assert.Equal([3], await WriteAsync(2));
    }
}
