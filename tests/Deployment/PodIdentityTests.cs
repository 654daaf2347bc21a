using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MonitorGrid.Hosting;
using Orleans.Configuration;

namespace MonitorGrid.Tests.Deployment;

/// <summary>
/// The silo configuration reads what the manifests' downward API gives a pod (<see cref="PodEnvironment"/>): the silo is
/// named after the pod, advertises the pod's address and listens on every address, and takes its cluster and
/// service ids from the pod's labels. (The process-cluster test runs real nodes with the same variables.)
/// </summary>
public sealed class PodIdentityTests
{
    [Fact]
    public void A_silo_in_a_pod_is_named_after_it_advertises_its_address_and_takes_its_cluster_and_service_ids_from_its_labels()
    {
        using var host = Build(new()
        {
            [PodEnvironment.PodName] = "monitorgrid-silo-5c7d9b-x2k4q",
            [PodEnvironment.PodIp] = "10.42.3.17",
            [PodEnvironment.ClusterId] = "city-a",
            [PodEnvironment.ServiceId] = "monitorgrid-city-a",
            ["Orleans:ShutdownTimeout"] = "00:01:45",
        });

        Assert.Equal("monitorgrid-silo-5c7d9b-x2k4q", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Parse("10.42.3.17"), endpoints.AdvertisedIPAddress);
        Assert.Equal((11111, 30000), (endpoints.SiloPort, endpoints.GatewayPort));
        Assert.Equal(IPAddress.Any, endpoints.SiloListeningEndpoint?.Address);
        Assert.Equal(IPAddress.Any, endpoints.GatewayListeningEndpoint?.Address);
        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal(("city-a", "monitorgrid-city-a"), (cluster.ClusterId, cluster.ServiceId));
        Assert.Equal(TimeSpan.FromSeconds(105), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public void Outside_a_pod_the_silo_keeps_the_deployment_defaults()
    {
        using var host = Build([]);

        var cluster = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value;
        Assert.Equal((GridSiloExtensions.DefaultClusterId, GridSiloExtensions.DefaultServiceId), (cluster.ClusterId, cluster.ServiceId));
        Assert.Equal(GridSiloExtensions.DefaultShutdownTimeout, host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.NotEqual(IPAddress.Any, host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.SiloListeningEndpoint?.Address);
    }

    [Fact]
    public void A_pod_address_that_is_not_an_ip_address_stops_the_start_with_the_variable_named()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new() { [PodEnvironment.PodIp] = "monitorgrid-web" }));

        Assert.Contains(PodEnvironment.PodIp, error.Message, StringComparison.Ordinal);
    }

    /// <summary>A host configured as a pod would be, built but not started (nothing connects to the database).</summary>
    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:MonitorGrid"] = "Host=127.0.0.1;Database=never_opened",
        });
        builder.AddMonitorGridSilo();
        return builder.Build();
    }
}
