using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MonitorGrid.Persistence;

namespace MonitorGrid.Hosting;

/// <summary>The one place where a MonitorGrid silo is configured, for both the headless silo and the web host.</summary>
public static class GridSiloExtensions
{
    public const string ConnectionStringName = "MonitorGrid";

    /// <summary>True when no connection string is configured: everything lives in memory.</summary>
    public static bool IsInMemory(this IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName));

    /// <summary>Whether to seed the demo city: <c>Grid:Demo</c>, defaulting to true only in memory.</summary>
    public static bool IsDemo(this IConfiguration configuration) =>
        configuration.GetValue<bool?>("Grid:Demo") ?? configuration.IsInMemory();

    /// <summary>Adds a silo with the grid's grains, storage, clustering and reminders.</summary>
    public static IHostApplicationBuilder AddMonitorGridSilo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMonitorGridGrainServices();
        var configuration = builder.Configuration;
        if (!configuration.IsInMemory())
        {
            throw new InvalidOperationException(
                "ConnectionStrings:MonitorGrid is set, but PostgreSQL persistence is not part of this build yet. " +
                "Unset it to run the in-memory demo.");
        }

        builder.UseOrleans(silo =>
        {
            var siloPort = configuration.GetValue("Orleans:SiloPort", 11111);
            var gatewayPort = configuration.GetValue("Orleans:GatewayPort", 30000);
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.ConfigureMonitorGridGrains();
        });
        return builder;
    }

    /// <summary>Grain storage for the in-memory mode (also what the test clusters use).</summary>
    public static ISiloBuilder ConfigureMonitorGridGrains(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(GridStorage.Store);
        return silo;
    }

    /// <summary>Options and services the grains depend on.</summary>
    public static IServiceCollection AddMonitorGridGrainServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IGridJournal, InMemoryGridJournal>();
        services.AddOptions<GridOptions>().BindConfiguration(GridOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RiskModelOptions>().BindConfiguration(RiskModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
