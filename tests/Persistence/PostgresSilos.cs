using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;
using Npgsql;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace MonitorGrid.Tests.Persistence;

/// <summary>Silos and clusters on a test PostgreSQL database.</summary>
internal static class PostgresSilos
{
    /// <summary>A fresh database on <paramref name="postgres"/> with the schema migrated.</summary>
    public static async Task<string> MigratedDatabaseAsync(PostgresServer postgres)
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
        return connectionString;
    }

    /// <summary>
    /// A started in-process cluster of one silo whose grid storage is AdoNet on <paramref name="connectionString"/>.
    /// Clusters built with the same <paramref name="serviceId"/> see the same grain state.
    /// </summary>
    public static async Task<InProcessTestCluster> StorageClusterAsync(string connectionString, string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddMonitorGridGrainServices();
            host.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        builder.ConfigureSilo((_, silo) => silo.AddAdoNetGrainStorage(GridStorage.Store, options =>
        {
            options.Invariant = PostgresSiloExtensions.Invariant;
            options.ConnectionString = connectionString;
        }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>A silo host wired the way the grid wires it for PostgreSQL, on free loopback ports.</summary>
    public static IHost SiloHost(string connectionString, string clusterId, string serviceId, string name)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMonitorGridGrainServices();
        builder.Services.AddMonitorGridPostgres(connectionString);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            });
            silo.Configure<SiloOptions>(options => options.SiloName = name);
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePorts.Next(), FreePorts.Next());
            silo.ConfigureMonitorGridPostgres(connectionString);
        });
        return builder.Build();
    }

    /// <summary>A client host that finds gateways through the AdoNet clustering table.</summary>
    public static IHost ClientHost(string connectionString, string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = serviceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = PostgresSiloExtensions.Invariant;
                options.ConnectionString = connectionString;
            });
        });
        return builder.Build();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(200);
        }
    }
}
