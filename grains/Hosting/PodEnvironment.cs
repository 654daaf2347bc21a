namespace MonitorGrid.Hosting;

/// <summary>
/// The environment variables a pod sets from the Kubernetes downward API, read by the silo configuration
/// (<see cref="GridSiloExtensions.AddMonitorGridSilo"/>). Outside Kubernetes none is set and the silo keeps
/// its local defaults.
/// </summary>
public static class PodEnvironment
{
    /// <summary>The pod's name (<c>metadata.name</c>): the silo's name, so membership rows name the pod.</summary>
    public const string PodName = "POD_NAME";

    /// <summary>The pod's IP address (<c>status.podIP</c>): the address the silo advertises to the cluster.</summary>
    public const string PodIp = "POD_IP";

    /// <summary>The pod's namespace (<c>metadata.namespace</c>), named in exported telemetry.</summary>
    public const string PodNamespace = "POD_NAMESPACE";

    /// <summary>The Orleans cluster id (the pod label <c>orleans/clusterId</c>): silos with the same one form one cluster.</summary>
    public const string ClusterId = "ORLEANS_CLUSTER_ID";

    /// <summary>The Orleans service id (the pod label <c>orleans/serviceId</c>): part of every stored grain state and reminder row.</summary>
    public const string ServiceId = "ORLEANS_SERVICE_ID";
}
