using System.Globalization;

namespace MonitorGrid.Bench;

/// <summary>Command-line settings. <c>--quick</c> fits in about a minute; the defaults are the full run.</summary>
internal sealed record BenchOptions(int Students, int StudentsPerClass, int Observers, TimeSpan Duration, string? Connection, string Output)
{
    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick
            ? new BenchOptions(2_000, 40, 32, TimeSpan.FromSeconds(10), null, "bench/results")
            : new BenchOptions(20_000, 40, 64, TimeSpan.FromSeconds(30), null, "bench/results");
        for (var i = 0; i < args.Length - 1; i++)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--students" => options with { Students = int.Parse(value, CultureInfo.InvariantCulture) },
                "--observers" => options with { Observers = int.Parse(value, CultureInfo.InvariantCulture) },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--connection" => options with { Connection = value },
                "--output" => options with { Output = value },
                _ => options,
            };
        }

        return options;
    }
}
