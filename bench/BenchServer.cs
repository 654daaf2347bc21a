using System.Globalization;
using MonitorGrid.Tests.Infrastructure;

namespace MonitorGrid.Bench;

/// <summary>
/// The real web host (with its co-hosted silo) in persistent mode as a child process, started the way the
/// process-cluster tests start a node (<see cref="GridProcess"/>), plus what the benchmark samples of it.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    public const string AdminPassword = "bench-admin";

    private readonly GridProcess _node;

    private BenchServer(GridProcess node) => _node = node;

    public Uri Address => _node.BaseAddress;

    /// <summary>Starts the web host built in the benchmark's own configuration and waits until it is ready.</summary>
    public static async Task<BenchServer> StartAsync(string connectionString)
    {
        var node = GridProcess.Start("web", "bench", new Dictionary<string, string>
        {
            ["ConnectionStrings__MonitorGrid"] = connectionString,
            ["Grid__Demo"] = "false",
            ["Grid__AdminPassword"] = AdminPassword,
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(33)),
            ["Auth__PasswordIterations"] = "1000",
        }, echo: line => Console.Error.WriteLine("  " + line));
        try
        {
            await node.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
            return new BenchServer(node);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>CPU time the server process has used (user + system), from /proc.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_node.ProcessId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
