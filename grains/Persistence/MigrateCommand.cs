using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MonitorGrid.Hosting;

namespace MonitorGrid.Persistence;

/// <summary>
/// <c>silo migrate</c>: applies the schema's missing migrations and exits, without starting a silo. Kubernetes
/// runs it as a Job once per rollout while the pods wait for it (<see cref="SchemaOptions.ApplyAtStart"/> false).
/// Safe to run twice or side by side: the migrator takes an advisory lock and applies each migration once.
/// </summary>
public static partial class MigrateCommand
{
    public const string Name = "migrate";

    /// <summary>Exit code when no connection string is configured.</summary>
    public const int UsageError = 64;

    /// <summary>Runs the command with <paramref name="args"/> (configuration switches after the command name) and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        var connectionString = builder.Configuration.GetConnectionString(GridSiloExtensions.ConnectionStringName);
        builder.Services.AddOptions<SchemaOptions>().BindConfiguration(SchemaOptions.Section).ValidateDataAnnotations();
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync(
                "migrate: no database is configured; set ConnectionStrings__MonitorGrid (or --ConnectionStrings:MonitorGrid=...).");
            return UsageError;
        }

        builder.Services.AddMonitorGridPostgres(connectionString);
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MigrateCommand));
        try
        {
            await host.Services.GetRequiredService<SchemaMigrationService>().ApplyAsync(CancellationToken.None);
            var pending = await host.Services.GetRequiredService<SchemaMigrator>().PendingAsync(CancellationToken.None);
            LogDone(logger, pending.Count);
            return pending.Count == 0 ? 0 : 1;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
            return 1;
        }
    }

    [LoggerMessage(EventId = 7020, Level = LogLevel.Information, Message = "migrate: done; {Pending} migration(s) still missing")]
    private static partial void LogDone(ILogger logger, int pending);

    [LoggerMessage(EventId = 7021, Level = LogLevel.Critical, Message = "migrate: the schema could not be migrated")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
