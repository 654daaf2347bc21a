using System.Net.Sockets;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>Ports nobody is listening on, so that test hosts running side by side do not collide.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
