using Xunit.Abstractions;

namespace MonitorGrid.Tests.Live;

/// <summary>
/// Every one of a run of Red observations reaches the district board; the time from POST to the
/// district's <c>alert</c> is written to the test output as a measurement, not asserted (speed targets
/// live in benchmarks).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class AlertLatencyTests(GridWebFactory web, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_red_observation_reaches_the_district_board()
    {
        const string p = "latency";
        const int samples = 60;
        await RosterBuilder.CreateAsync(web, p, students: samples);
        await using var district = await web.BoardForAsync($"{p}-dc", RosterBuilder.StaffPassword);
        await district.WatchAsync($"district:{p}-d");
        using var teacher = await web.ClientForAsync($"{p}-ht", RosterBuilder.StaffPassword);

        var latencies = new List<double>();
        for (var i = 1; i <= samples; i++)
        {
            var sent = DateTimeOffset.UtcNow;
            var receipt = await RosterBuilder.ObserveAsync(teacher, $"{p}-s{i}", "SelfHarm", 1);
            var alertId = receipt.GetProperty("alertId").GetString();
            await district.WaitUntilAsync(b => b.Alerts.Any(a => a.AlertId == alertId), what: $"alert {alertId}");
            var arrived = district.TimedAlerts.First(a => a.Alert.AlertId == alertId).At;
            latencies.Add((arrived - sent).TotalMilliseconds);
        }

        Assert.Equal(samples, district.Alerts.Select(a => a.AlertId).Distinct().Count());
        latencies.Sort();
        output.WriteLine(
            $"POST → district alert over {samples} sequential Red observations: " +
            $"p50 {latencies[samples / 2]:F1} ms, p95 {latencies[(int)(samples * 0.95)]:F1} ms, max {latencies[^1]:F1} ms " +
            "(the first includes warming up)");
    }
}
