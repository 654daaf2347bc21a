using System.Globalization;

namespace MonitorGrid.Bench;

/// <summary>
/// Command-line settings. <c>--quick</c> runs end to end in about a minute and a half; the defaults are
/// the full run (200,000 students); <c>--city</c> is the scale run (2,000,000 students, 200,000 activated).
/// <c>--screening</c> adds the screening import of every student; <c>--import-only</c> runs the roster and
/// that import alone.
/// </summary>
internal sealed record BenchOptions(
    int Students,
    int StudentsPerClass,
    int ClassesPerSchool,
    int Observers,
    int Dashboards,
    double Rate,
    double ProbesPerSecond,
    TimeSpan Duration,
    int Activate,
    int Chunk,
    bool SkipRaw,
    bool SkipLatency,
    bool SkipThroughput,
    string Mode,
    string? Connection,
    string Output,
    bool Screening = false)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--quick")
            ? new BenchOptions(5_000, 40, 30, 64, 100, 500, 10, TimeSpan.FromSeconds(8), 5_000, 5_000, false, false, false, "quick", null, "bench/results")
            : new BenchOptions(200_000, 40, 30, 256, 1_000, 1_000, 20, TimeSpan.FromSeconds(30), 200_000, 20_000, false, false, false, "full", null, "bench/results");
        if (args.Contains("--city"))
        {
            options = options with { Students = 2_000_000, Activate = 200_000, Mode = "city" };
        }

        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : string.Empty;
            options = args[i] switch
            {
                "--students" => options with { Students = Int(value) },
                "--observers" => options with { Observers = Int(value) },
                "--dashboards" => options with { Dashboards = Int(value) },
                "--rate" => options with { Rate = double.Parse(value, CultureInfo.InvariantCulture) },
                "--probes" => options with { ProbesPerSecond = double.Parse(value, CultureInfo.InvariantCulture) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--activate" => options with { Activate = Int(value) },
                "--chunk" => options with { Chunk = Int(value) },
                "--connection" => options with { Connection = value },
                "--output" => options with { Output = value },
                "--skip-raw" => options with { SkipRaw = true },
                "--skip-latency" => options with { SkipLatency = true },
                "--skip-throughput" => options with { SkipThroughput = true },
                "--screening" => options with { Screening = true },
                "--import-only" => options with { Screening = true, SkipRaw = true, SkipLatency = true, SkipThroughput = true, Activate = 0 },
                _ => options,
            };
        }

        return options with { Activate = Math.Min(options.Activate, options.Students) };
    }

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);
}
