using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MonitorGrid.Grains;
using Npgsql;

namespace MonitorGrid.Hosting;

/// <summary>
/// The health endpoints both hosts serve (the web host and the headless silo): <c>/health/live</c> is local
/// and never depends on storage or the cluster, so a database outage never restarts a pod;
/// <c>/health/ready</c> runs every check tagged <see cref="ReadyTag"/>.
/// </summary>
public static class GridHealth
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    public const string LivePath = "/health/live";

    public const string ReadyPath = "/health/ready";

    /// <summary>Readiness checks of a silo host: a grain call round-trips, and PostgreSQL answers when configured.</summary>
    public static IHealthChecksBuilder AddMonitorGridHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        var checks = services.AddHealthChecks().AddCheck<SiloHealthCheck>("silo", tags: [ReadyTag]);
        if (!configuration.IsInMemory())
        {
            checks.AddCheck<PostgresHealthCheck>("postgres", tags: [ReadyTag]);
        }

        return checks;
    }

    /// <summary>Maps <c>/health/live</c> (no checks at all) and <c>/health/ready</c>.</summary>
    public static IEndpointRouteBuilder MapMonitorGridHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) });
        return endpoints;
    }

    /// <summary>Ready when a grain call round-trips through the silo.</summary>
    private sealed class SiloHealthCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await grains.City().GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("The silo did not answer.", ex);
            }
        }
    }

    /// <summary>Ready only while PostgreSQL answers.</summary>
    private sealed class PostgresHealthCheck(NpgsqlDataSource db) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                await using var command = db.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(timeout.Token);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL did not answer.", ex);
            }
        }
    }
}
