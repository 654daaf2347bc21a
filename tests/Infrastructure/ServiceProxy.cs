using System.Collections.Concurrent;
using System.Net.Sockets;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// A stand-in for a Kubernetes Service in front of web nodes: a TCP proxy on 127.0.0.1 that sends each new
/// connection to the first backend that accepts it, in the order given, and keeps no affinity. While the first
/// node lives every connection goes there; once it is gone a reconnecting client lands on the next one, as a
/// Service stops routing to a dead pod. A connection whose backend dies is closed on the client's side too.
/// </summary>
public sealed class ServiceProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<int> _backends;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, int> _connections = new();
    private readonly Task _accepting;

    public ServiceProxy(params int[] backendPorts)
    {
        _backends = backendPorts;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>How many connections went to the backend on <paramref name="port"/>.</summary>
    public int ConnectionsTo(int port) => _connections.GetValueOrDefault(port);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        {
            using var backend = await ConnectAsync();
            if (backend is null)
            {
                return;
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = PumpAsync(client.GetStream(), backend.GetStream(), either.Token);
            var down = PumpAsync(backend.GetStream(), client.GetStream(), either.Token);

            // When one side ends (a killed node resets its sockets), end the other: the client sees its connection drop.
            await Task.WhenAny(up, down);
            await either.CancelAsync();
            client.Client.Close(0);
            backend.Client.Close(0);
            await Task.WhenAll(up, down);
        }
    }

    private async Task<TcpClient?> ConnectAsync()
    {
        foreach (var port in _backends)
        {
            var backend = new TcpClient();
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(1));
                await backend.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                _connections.AddOrUpdate(port, 1, (_, n) => n + 1);
                return backend;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                backend.Dispose();
            }
        }

        return null;
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The other side went away: the caller closes both.
        }
    }
}
