using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace MonitorGrid.Bench;

/// <summary>What the latency phase measured.</summary>
internal sealed record LatencyReport(
    PhaseResult Background, PhaseResult Probes, Percentiles School, Percentiles District, Percentiles City,
    long Expected, long Missed, IReadOnlyList<string> Lines, object Json);

/// <summary>
/// M dashboards watch class, school, district and city boards while observations arrive at a steady rate.
/// Alongside, probes: a <c>SelfHarm</c> observation (Red at once, an alert) on a student never observed
/// before, in a school with school boards. From the moment each probe is sent: to its <c>alert</c> on every
/// school and district board that watches it, and to the first city <c>status</c> that includes it.
/// </summary>
internal static class LatencyPhase
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public static async Task<LatencyReport> RunAsync(
        BenchOptions options, City city, Uri baseAddress, HttpClient http, Func<string, Task<string>> tokenFor,
        Func<long, HttpRequestMessage> observation, Func<double> serverCpu, Func<string> status)
    {
        var boards = Dashboards.Plan(city, options.Dashboards);
        await using var dashboards = new Dashboards();
        await dashboards.ConnectAsync(baseAddress, boards, tokenFor, status);

        // Probe students: the reserved ones of every class in the watched schools.
        var watched = Dashboards.WatchedSchools(city, options.Dashboards);
        var probeStudents = Enumerable.Range(0, Math.Min(city.Classes, watched * city.ClassesPerSchool))
            .SelectMany(c => city.Probes(c).Select(s => (Student: s, Class: c)))
            .ToArray();
        var probeTokens = await Task.WhenAll(probeStudents.Select(p => p.Class).Distinct().Select(async c => (c, await tokenFor(City.HeadTeacher(c)))));
        var tokenOfClass = probeTokens.ToDictionary(t => t.c, t => t.Item2);
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);

        // The background load runs alone for a warm-up first (connections opened, code jitted, the first
        // students activated), then probes run alongside it for the phase.
        var warmUp = TimeSpan.FromSeconds(options.Mode == "quick" ? 2 : 5);
        var probeRate = Math.Min(options.ProbesPerSecond, probeStudents.Length / options.Duration.TotalSeconds);
        var probes = Task.Delay(warmUp).ContinueWith(_ => Load.OpenLoopAsync("latency probes (SelfHarm on a new student each)", probeRate, options.Duration, async n =>
        {
            var (student, c) = probeStudents[n];
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/observations")
            {
                Content = City.Json(new { studentId = City.Student(student), category = "SelfHarm", severity = 2, idempotencyKey = $"probe-{student}" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokenOfClass[c]);
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                // Refused (e.g. 503 under overload): nothing was raised, so no delivery is owed; the
                // refusal shows in the probes' error count.
                return $"HTTP {(int)response.StatusCode}";
            }

            sent[City.Student(student)] = start;
            return null;
        }, () => 0, () => string.Empty), TaskScheduler.Default).Unwrap();
        var background = await Load.OpenLoopAsync("latency background load (POST /api/observations)", options.Rate, options.Duration + warmUp, async n =>
        {
            using var request = observation(n);
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.Created ? null : $"HTTP {(int)response.StatusCode}";
        }, serverCpu, status);
        var probeResult = await probes;

        // Deliveries still on their way get a grace period; whatever has not arrived then is missed.
        var schoolBoards = boards.Where(b => b.Level == "school").ToLookup(b => b.Scope);
        var districtBoards = boards.Where(b => b.Level == "district").ToLookup(b => b.Scope);
        var cityBoards = boards.Count(b => b.Level == "city");
        var expected = sent.Keys.ToDictionary(s => s, s => Expected(city, s, schoolBoards, districtBoards), StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Grace && expected.Any(e => Received(dashboards, e.Key) < e.Value))
        {
            await Task.Delay(200);
        }

        var school = new List<double>();
        var district = new List<double>();
        var cityLatency = new List<double>();
        var raisedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var (student, start) in sent)
        {
            foreach (var arrival in dashboards.Alerts.TryGetValue(student, out var q) ? q.Where(a => a.Tier == "Red") : [])
            {
                var ms = Stopwatch.GetElapsedTime(start, arrival.Timestamp).TotalMilliseconds;
                (arrival.Board.Level == "school" ? school : district).Add(ms);
                raisedAt[student] = arrival.RaisedAt;
            }
        }

        // City: for each probe and city board, the first status whose updatedAt covers the alert's raisedAt.
        var statuses = dashboards.CityStatuses.ToArray().GroupBy(s => s.Board.Index).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Timestamp).ToArray());
        foreach (var (student, at) in raisedAt)
        {
            foreach (var board in statuses.Values)
            {
                if (board.FirstOrDefault(s => s.UpdatedAt >= at) is { } first)
                {
                    cityLatency.Add(Stopwatch.GetElapsedTime(sent[student], first.Timestamp).TotalMilliseconds);
                }
            }
        }

        var expectedTotal = expected.Values.Sum();
        var received = expected.Keys.Sum(s => Math.Min(expected[s], Received(dashboards, s)));
        var missed = expectedTotal - received;
        var schoolP = Percentiles.Of(school);
        var districtP = Percentiles.Of(district);
        var cityP = Percentiles.Of(cityLatency);
        var lines = new List<string>
        {
            string.Empty,
            FormattableString.Invariant($"Latency at {options.Rate:N0} obs/s with {options.Dashboards - dashboards.Failed:N0} dashboards connected ({cityBoards} city, {districtBoards.Sum(g => g.Count())} district, {schoolBoards.Sum(g => g.Count())} school boards); {sent.Count:N0} probes; measured from the POST being sent:"),
            string.Empty,
            "| delivery | samples | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|",
            $"| POST → school board `alert` | {schoolP.Count:N0} | {schoolP.Row} |",
            $"| POST → district board `alert` | {districtP.Count:N0} | {districtP.Row} |",
            $"| POST → city board `status` including it | {cityP.Count:N0} | {cityP.Row} |",
            string.Empty,
            $"- deliveries owed for the {sent.Count:N0} probes answered 201: {expectedTotal:N0}, missed {missed:N0} (not received within {Grace.TotalSeconds:F0} s of the phase's end); dashboards failed to connect: {dashboards.Failed}",
        };
        return new LatencyReport(background, probeResult, schoolP, districtP, cityP, expectedTotal, missed, lines, new
        {
            dashboards = options.Dashboards,
            connected = options.Dashboards - dashboards.Failed,
            probes = sent.Count,
            school = schoolP,
            district = districtP,
            city = cityP,
            expected = expectedTotal,
            missed,
        });
    }

    private static int Expected(City city, string student, ILookup<string, Board> schools, ILookup<string, Board> districts)
    {
        var s = int.Parse(student.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
        var h = city.SchoolOf(city.ClassOf(s));
        return schools[$"school:bh{h}"].Count() + districts[$"district:bd{city.DistrictOf(h)}"].Count();
    }

    private static int Received(Dashboards dashboards, string student) =>
        dashboards.Alerts.TryGetValue(student, out var q) ? q.Count(a => a.Tier == "Red" && a.Board.Level is "school" or "district") : 0;
}
