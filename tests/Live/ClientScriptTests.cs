using System.Diagnostics;

namespace MonitorGrid.Tests.Live;

/// <summary>
/// The browser client's own unit tests (<c>web/client/test</c>, node's test runner, a stand-in for the SignalR
/// connection), run inside the suite: how a screen watches again after a reconnect or a failover.
/// </summary>
public sealed class ClientScriptTests
{
    [Fact]
    public async Task The_clients_hub_tests_pass()
    {
        var client = Path.Combine(RepositoryPaths.Root(), "web", "client");
        Assert.True(Directory.Exists(Path.Combine(client, "node_modules", "@microsoft", "signalr")),
            "web/client/node_modules is missing: build the web project with its client (the README's test command does).");
        var node = await ChildProcess.RunAsync(new ProcessStartInfo("node", ["--test", "test/"]) { WorkingDirectory = client }, TimeSpan.FromMinutes(2));
        var text = node.All;

        Assert.True(node.ExitCode == 0, text);
        Assert.Matches(@"# pass [1-9]", text);
        Assert.Contains("# fail 0", text, StringComparison.Ordinal);
    }
}
