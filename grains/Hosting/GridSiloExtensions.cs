using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MonitorGrid.Persistence;
using Microsoft.Extensions.Options;
using System.Net;
using Orleans.Configuration;

namespace MonitorGrid.Hosting;

/// <summary>The one place where a MonitorGrid silo is configured, for both the headless silo and the web host.</summary>
public static class GridSiloExtensions
{
    public const string ConnectionStringName = "MonitorGrid";

    public const string DefaultClusterId = "monitorgrid";

    public const string DefaultServiceId = "monitorgrid";

    /// <summary>The host's shutdown timeout unless <c>Orleans:ShutdownTimeout</c> says otherwise.</summary>
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromMinutes(2);

    /// <summary>True when no connection string is configured: everything lives in memory.</summary>
    public static bool IsInMemory(this IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName));

    /// <summary>Whether to seed the demo city: <c>Grid:Demo</c>, defaulting to true only in memory.</summary>
    public static bool IsDemo(this IConfiguration configuration) =>
        configuration.GetValue<bool?>("Grid:Demo") ?? configuration.IsInMemory();

    /// <summary>
    /// Adds a silo with the grid's grains, storage, clustering and reminders: on PostgreSQL when a
    /// connection string is configured (the schema migrated before the silo starts), in memory otherwise.
    /// </summary>
    public static IHostApplicationBuilder AddMonitorGridSilo(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (!configuration.IsInMemory())
        {
            builder.Services.AddMonitorGridPostgres(connectionString!);
            builder.Services.AddSingleton<PostgresGridJournal>();
            builder.Services.AddSingleton<IGridJournal>(sp => sp.GetRequiredService<PostgresGridJournal>());
            builder.Services.AddSingleton<IGridInsights, PostgresGridInsights>();
            builder.Services.AddSingleton<ICaseInsights, PostgresCaseInsights>();
        }

        builder.Services.AddMonitorGridGrainServices();
        builder.AddMonitorGridTelemetry();

        // Orleans guidance: give the silo time to hand its grains over; Kubernetes' grace period must be longer.
        var shutdownTimeout = configuration.GetValue("Orleans:ShutdownTimeout", DefaultShutdownTimeout);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
        builder.UseOrleans(silo =>
        {
            var siloPort = configuration.GetValue("Orleans:SiloPort", 11111);
            var gatewayPort = configuration.GetValue("Orleans:GatewayPort", 30000);
            if (configuration.IsInMemory())
            {
                silo.UseLocalhostClustering(siloPort, gatewayPort);
                silo.ConfigureMonitorGridGrains();
                return;
            }

            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = FirstOf(configuration["Orleans:ClusterId"], configuration[PodEnvironment.ClusterId]) ?? DefaultClusterId;

                // Part of every storage and reminder row: it must never change for a deployment.
                o.ServiceId = FirstOf(configuration["Orleans:ServiceId"], configuration[PodEnvironment.ServiceId]) ?? DefaultServiceId;
            });

            // In a pod the silo is named after the pod and advertises the pod's address (never a Service's),
            // listening on every address; elsewhere it advertises the machine's own address.
            if (FirstOf(configuration[PodEnvironment.PodName]) is { } podName)
            {
                silo.Configure<SiloOptions>(o => o.SiloName = podName);
            }

            if (FirstOf(configuration[PodEnvironment.PodIp]) is { } podIp)
            {
                if (!IPAddress.TryParse(podIp, out var advertised))
                {
                    throw new InvalidOperationException($"{PodEnvironment.PodIp} is not an IP address: '{podIp}'.");
                }

                silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                silo.ConfigureEndpoints(siloPort, gatewayPort);
            }

            silo.ConfigureMonitorGridPostgres(connectionString!);
        });
        return builder;
    }

    private static string? FirstOf(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    /// <summary>Grain storage for the in-memory mode (also what the test clusters use).</summary>
    public static ISiloBuilder ConfigureMonitorGridGrains(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(GridStorage.Store);
        silo.UseInMemoryReminderService();
        silo.ConfigureGridReminders();
        return silo;
    }

    /// <summary>Lets the reminder period go below Orleans' one-minute floor when <c>Grid:Sla:ReminderPeriod</c> asks for it.</summary>
    public static ISiloBuilder ConfigureGridReminders(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<ReminderOptions>().Configure<IOptions<SlaOptions>>((reminders, sla) =>
        {
            if (sla.Value.ReminderPeriod < reminders.MinimumReminderPeriod)
            {
                reminders.MinimumReminderPeriod = sla.Value.ReminderPeriod;
            }
        });
        return silo;
    }

    /// <summary>Options and services the grains depend on.</summary>
    public static IServiceCollection AddMonitorGridGrainServices(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        // In memory, the UI's read models scan the same journal the grains write.
        services.TryAddSingleton<InMemoryGridJournal>();
        services.TryAddSingleton<IGridJournal>(sp => sp.GetRequiredService<InMemoryGridJournal>());
        services.TryAddSingleton<IGridInsights>(sp => sp.GetRequiredService<InMemoryGridJournal>());
        services.TryAddSingleton<ICaseInsights>(sp => sp.GetRequiredService<InMemoryGridJournal>());
        services.AddOptions<GridOptions>().BindConfiguration(GridOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RiskModelOptions>().BindConfiguration(RiskModelOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SlaOptions>().BindConfiguration(SlaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SchemaOptions>().BindConfiguration(SchemaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FollowUpOptions>().BindConfiguration(FollowUpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
