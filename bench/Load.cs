using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace MonitorGrid.Bench;

/// <summary>Latency figures in milliseconds.</summary>
internal sealed record Percentiles(long Count, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> samples)
    {
        var all = samples.Order().ToArray();
        double At(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(all.Length * p) - 1)];
        return new Percentiles(all.Length, At(0.50), At(0.95), At(0.99), all.Length == 0 ? 0 : all[^1]);
    }

    public string Row => FormattableString.Invariant($"{P50:F1} | {P95:F1} | {P99:F1} | {Max:F1}");
}

/// <summary>One measured phase: successes per second, latency, failures by cause, and the server's CPU per success.</summary>
internal sealed record PhaseResult(
    string Name, long Succeeded, long Failed, double Seconds, double PerSecond, Percentiles Latency,
    IReadOnlyDictionary<string, long> Failures, double ServerCpuMicrosPerOp);

/// <summary>Runs an operation closed-loop (each worker waits for its answer) or open-loop (at a fixed rate).</summary>
internal static class Load
{
    /// <summary>
    /// <paramref name="workers"/> loops, flat out, for <paramref name="duration"/> after <paramref name="warmUp"/>
    /// (not counted). The operation returns null on success, or the failure's cause.
    /// </summary>
    public static async Task<PhaseResult> ClosedLoopAsync(
        string name, int workers, TimeSpan warmUp, TimeSpan duration, Func<int, long, Task<string?>> operation,
        Func<double> serverCpu, Func<string> status, int rowsPerOperation = 1)
    {
        Console.WriteLine($"· {name}: {workers} clients flat out, {duration.TotalSeconds:F0} s (+{warmUp.TotalSeconds:F0} s warm-up)");
        var measuring = false;
        var latencies = new ConcurrentBag<List<double>>();
        var failures = new ConcurrentDictionary<string, long>();
        long succeeded = 0, failed = 0;
        var clock = Stopwatch.StartNew();
        var end = warmUp + duration;
        var loops = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = new List<double>(4096);
            latencies.Add(mine);
            for (long n = 0; clock.Elapsed < end; n++)
            {
                var started = Stopwatch.GetTimestamp();
                var failure = await Guard(() => operation(w, n));
                if (!Volatile.Read(ref measuring))
                {
                    continue;
                }

                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Count(failure, rowsPerOperation, ref succeeded, ref failed, failures);
            }
        })).ToArray();

        await Task.Delay(warmUp);
        var cpuBefore = serverCpu();
        var window = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await ShowProgressAsync(Task.WhenAll(loops), window, () => Interlocked.Read(ref succeeded), () => Interlocked.Read(ref failed), status);
        var seconds = Math.Min(window.Elapsed.TotalSeconds, duration.TotalSeconds);
        var cpu = serverCpu() - cpuBefore;
        return new PhaseResult(name, succeeded, failed, seconds, succeeded / seconds,
            Percentiles.Of(latencies.SelectMany(l => l)), failures, succeeded == 0 ? 0 : cpu * 1e6 / succeeded);
    }

    /// <summary>
    /// Starts operations at <paramref name="rate"/> per second for <paramref name="duration"/>, each at its
    /// intended time whether or not earlier ones have answered, and measures from that intended time, so a
    /// slow server cannot hide its latency by slowing the load down.
    /// </summary>
    public static async Task<PhaseResult> OpenLoopAsync(
        string name, double rate, TimeSpan duration, Func<long, Task<string?>> operation, Func<double> serverCpu, Func<string> status)
    {
        Console.WriteLine(FormattableString.Invariant($"· {name}: {rate:N0} per second, open loop, {duration.TotalSeconds:F0} s"));
        var latencies = new ConcurrentQueue<double>();
        var failures = new ConcurrentDictionary<string, long>();
        long succeeded = 0, failed = 0;
        var cpuBefore = serverCpu();
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>();
        var scheduler = Task.Run(async () =>
        {
            var total = (long)(rate * duration.TotalSeconds);
            for (long n = 0; n < total; n++)
            {
                var due = TimeSpan.FromSeconds(n / rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait);
                }

                var intended = due;
                var index = n;
                inFlight.Add(Task.Run(async () =>
                {
                    var failure = await Guard(() => operation(index));
                    latencies.Enqueue((clock.Elapsed - intended).TotalMilliseconds);
                    Count(failure, 1, ref succeeded, ref failed, failures);
                }));
            }
        });
        await ShowProgressAsync(scheduler, clock, () => Interlocked.Read(ref succeeded), () => Interlocked.Read(ref failed), status);
        await Task.WhenAll(inFlight);
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = serverCpu() - cpuBefore;
        return new PhaseResult(name, succeeded, failed, seconds, succeeded / seconds, Percentiles.Of(latencies), failures,
            succeeded == 0 ? 0 : cpu * 1e6 / succeeded);
    }

    public static async Task ShowProgressAsync(Task work, Stopwatch clock, Func<long> done, Func<long> failed, Func<string> status)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(1000));
            var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            Console.Write(string.Create(CultureInfo.InvariantCulture,
                $"\r  {seconds,5:F0} s  {done() / seconds,9:N0}/s  errors {failed(),-6} {status()}   "));
        }

        await work;
        Console.WriteLine();
    }

    private static async Task<string?> Guard(Func<Task<string?>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex)
        {
            return ex.GetType().Name;
        }
    }

    private static void Count(string? failure, int rows, ref long succeeded, ref long failed, ConcurrentDictionary<string, long> failures)
    {
        if (failure is null)
        {
            Interlocked.Add(ref succeeded, rows);
        }
        else
        {
            Interlocked.Increment(ref failed);
            failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
        }
    }
}
