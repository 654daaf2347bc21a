using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MonitorGrid.Bench;

/// <summary>One reading of the server: memory, collections, CPU and grain activations.</summary>
internal sealed record RuntimeSample(
    double Seconds, string Phase, long ResidentBytes, long GcHeapBytes, int Gen2Collections, double CpuSeconds,
    int Activations, int StudentActivations);

/// <summary>Reads <c>GET /api/diagnostics/runtime</c> every second for the whole run; the latest reading feeds the progress line.</summary>
internal sealed class Sampler(HttpClient http, string adminToken) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<RuntimeSample> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task? _loop;

    public string Phase { get; set; } = "start";

    public RuntimeSample? Latest { get; private set; }

    public IReadOnlyList<RuntimeSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public void Start() => _loop = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(_stop.Token);
                await Task.Delay(1000, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException)
            {
                // A busy server may miss one reading; the next second tries again.
            }
        }
    });

    public async Task<RuntimeSample> SampleAsync(CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/diagnostics/runtime");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
        var activations = json.GetProperty("activations");
        var sample = new RuntimeSample(
            Math.Round(_clock.Elapsed.TotalSeconds, 1), Phase,
            json.GetProperty("residentBytes").GetInt64(),
            json.GetProperty("gcHeapBytes").GetInt64(),
            json.GetProperty("gen2Collections").GetInt32(),
            json.GetProperty("cpuSeconds").GetDouble(),
            json.GetProperty("totalActivations").GetInt32(),
            activations.TryGetProperty("student", out var students) ? students.GetInt32() : 0);
        lock (_samples)
        {
            _samples.Add(sample);
        }

        Latest = sample;
        return sample;
    }

    public string Status() => Latest is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"RSS {s.ResidentBytes / 1048576.0:N0} MiB  heap {s.GcHeapBytes / 1048576.0:N0} MiB  activations {s.Activations:N0}")
        : string.Empty;

    /// <summary>The highest RSS seen in a phase.</summary>
    public long PeakResidentBytes(string phase) => Samples.Where(s => s.Phase == phase).Select(s => s.ResidentBytes).DefaultIfEmpty(0).Max();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}
