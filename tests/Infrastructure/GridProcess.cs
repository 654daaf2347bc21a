using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using MonitorGrid.Hosting;
using MonitorGrid.Persistence;

namespace MonitorGrid.Tests.Infrastructure;

/// <summary>
/// A grid node as a process of its own, the way a pod runs it: <c>dotnet MonitorGrid.Web.dll</c> (web host with its
/// co-hosted silo) or <c>dotnet MonitorGrid.Silo.dll</c> (headless silo), from the solution's build output, on
/// 127.0.0.1 with ports of its own, configured only through environment variables, with the pod identity a
/// Kubernetes downward API would give it (<see cref="PodEnvironment"/>). <see cref="Kill"/> is <c>kill -9</c>.
/// </summary>
public sealed class GridProcess : IAsyncDisposable
{
    private const int OutputLines = 400;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Action<string>? _echo;

    private GridProcess(string name, string project, int httpPort, int siloPort, int gatewayPort, Process process, Action<string>? echo)
    {
        _echo = echo;
        Name = name;
        Project = project;
        HttpPort = httpPort;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/");
    }

    /// <summary>The node's name: its pod name and silo name.</summary>
    public string Name { get; }

    /// <summary><c>web</c> or <c>silo</c>.</summary>
    public string Project { get; }

    public int HttpPort { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts the web host (<paramref name="project"/> <c>web</c>) or the headless silo (<c>silo</c>) as <paramref name="name"/>;
    /// every line it writes is kept for <see cref="Tail"/> and also given to <paramref name="echo"/>.
    /// </summary>
    public static GridProcess Start(string project, string name, IReadOnlyDictionary<string, string> environment, Action<string>? echo = null)
    {
        var httpPort = FreePorts.Next();
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var start = StartInfo(project, []);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        start.Environment[PodEnvironment.PodName] = name;
        start.Environment[PodEnvironment.PodIp] = "127.0.0.1";
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var node = new GridProcess(name, project, httpPort, siloPort, gatewayPort, process, echo);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Runs <c>silo migrate</c> (what the Kubernetes Job runs) to its end; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> MigrateAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = StartInfo("silo", [MigrateCommand.Name]);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var result = await ChildProcess.RunAsync(start, timeout);
        return (result.ExitCode, result.All);
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200; fails at once, with the node's output, if the process ends.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready:\n{Tail()}");
            }

            try
            {
                using var response = await client.GetAsync(GridHealth.ReadyPath);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} was not ready in {timeout.TotalSeconds:0} s (last: {last}):\n{Tail()}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Ends the process at once, as <c>kill -9</c> does: no shutdown, no hand-over, sockets reset.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            // On Unix Process.Kill sends SIGKILL.
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit();
    }

    /// <summary>The last lines the node wrote, for failure messages.</summary>
    public string Tail() => string.Join('\n', _output);

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ProcessStartInfo StartInfo(string project, IEnumerable<string> arguments)
    {
        var folder = RepositoryPaths.OutputOf(project);
        var assembly = Path.Combine(folder, project == "silo" ? "MonitorGrid.Silo.dll" : "MonitorGrid.Web.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is missing: build the solution (dotnet test MonitorGrid.sln builds it).");
        }

        var start = new ProcessStartInfo(DotNet(), [assembly, .. arguments])
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Only what a pod would be given: nothing of the test runner's own host settings.
        foreach (var inherited in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        return start;
    }

    /// <summary>The <c>dotnet</c> the tests run under when it is the muxer, else the one on PATH.</summary>
    private static string DotNet() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue($"[{Name}] {line}");
        _echo?.Invoke($"[{Name}] {line}");
        while (_output.Count > OutputLines && _output.TryDequeue(out _))
        {
        }
    }
}
