using System.Diagnostics;
using System.Globalization;

namespace MonitorGrid.Bench;

/// <summary>The real web host (with its co-hosted silo) as a child process in persistent mode.</summary>
internal sealed class GridProcess : IAsyncDisposable
{
    public const string AdminPassword = "bench-admin";

    private readonly Process _process;

    private GridProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Id => _process.Id;

    public static async Task<GridProcess> StartAsync(string connectionString, string configuration)
    {
        var root = RepositoryRoot();
        var dll = Path.Combine(root, "web", "bin", configuration, "net10.0", "MonitorGrid.Web.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"Build the web host first ({configuration}): dotnet build -c {configuration} MonitorGrid.sln");
        }

        var port = Tests.Infrastructure.FreePorts.Next();
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.Combine(root, "web"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__MonitorGrid"] = connectionString;
        start.Environment["Grid__Demo"] = "false";
        start.Environment["Grid__AdminPassword"] = AdminPassword;
        start.Environment["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(33));
        start.Environment["Auth__PasswordIterations"] = "1000";
        start.Environment["Orleans__SiloPort"] = Tests.Infrastructure.FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__GatewayPort"] = Tests.Infrastructure.FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The web host did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("  [grid] " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var grid = new GridProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = grid.Address };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return grid;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        await grid.DisposeAsync();
        throw new InvalidOperationException("The web host did not become ready.");
    }

    /// <summary>Resident memory of the server process, from /proc.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU time the server process has used (user + system), from /proc.</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MonitorGrid.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }
}
