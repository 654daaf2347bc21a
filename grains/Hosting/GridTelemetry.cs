using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MonitorGrid.Infrastructure;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MonitorGrid.Hosting;

/// <summary>
/// Exports the grid's metrics over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured (the standard
/// OpenTelemetry variables choose protocol, interval and headers), for a collector to forward to whatever
/// the operators watch (docs/operations.md, "What to watch"). Without it nothing is exported and the meters
/// can still be read with <c>dotnet-counters</c>.
/// </summary>
public static class GridTelemetry
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The meters exported: the grid's own, Orleans', ASP.NET Core's, Kestrel's, SignalR's, the runtime's and Npgsql's.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        GridMetrics.MeterName,
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "System.Runtime",
        "Npgsql",
    ];

    public static IHostApplicationBuilder AddMonitorGridTelemetry(this IHostApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointKey]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(
                    serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName,
                    serviceInstanceId: builder.Configuration[PodEnvironment.PodName] ?? Environment.MachineName)
                .AddAttributes(PodAttributes(builder.Configuration)))
            .WithMetrics(metrics => metrics.AddMeter([.. Meters]).AddOtlpExporter());
        return builder;
    }

    /// <summary>The pod's name and namespace as the Kubernetes semantic conventions name them, when set.</summary>
    private static IEnumerable<KeyValuePair<string, object>> PodAttributes(IConfiguration configuration)
    {
        if (configuration[PodEnvironment.PodName] is { Length: > 0 } pod)
        {
            yield return new("k8s.pod.name", pod);
        }

        if (configuration[PodEnvironment.PodNamespace] is { Length: > 0 } ns)
        {
            yield return new("k8s.namespace.name", ns);
        }
    }
}
