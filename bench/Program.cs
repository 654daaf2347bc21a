using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using MonitorGrid.Bench;
using MonitorGrid.Tests.Infrastructure;
using Npgsql;

// The measuring instrument: drives the real web host over HTTP and SignalR only, next to the limits of
// the same machine (raw INSERTs into the same PostgreSQL, an HTTP no-op through the same host).
var options = BenchOptions.Parse(args);
var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
var city = new City(options);
var wall = Stopwatch.StartNew();
Console.WriteLine(FormattableString.Invariant(
    $"MonitorGrid bench, {options.Mode} ({configuration}): {options.Students:N0} students in {city.Classes:N0} classes, {city.Schools:N0} schools, {city.Districts} districts; {options.Observers} clients; {options.Dashboards:N0} dashboards at {options.Rate:N0} obs/s; {options.Duration.TotalSeconds:F0} s phases"));

// A quarter of memory would be usual; a gigabyte keeps the 2,000,000-student projection cached here.
await using var postgres = options.Connection is null
    ? new PostgresServer { SharedBuffers = "1GB", MaxConnections = Math.Max(300, options.Observers + 200) }
    : null;
string connection;
if (postgres is not null)
{
    Console.WriteLine("· starting a throwaway PostgreSQL 15 (fsync on, synchronous_commit on)");
    await postgres.InitializeAsync();
    connection = await postgres.CreateDatabaseAsync("bench");
}
else
{
    connection = options.Connection!;
}

Console.WriteLine("· starting the grid (web host with co-hosted silo) in persistent mode");
await using var grid = await BenchServer.StartAsync(connection);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 4096, PooledConnectionLifetime = TimeSpan.FromHours(1) })
{
    BaseAddress = grid.Address,
    Timeout = TimeSpan.FromMinutes(10),
};
var admin = await City.TokenAsync(http, "admin", BenchServer.AdminPassword);
await using var sampler = new Sampler(http, admin);
sampler.Start();
var results = new List<PhaseResult>();

// Roster.
sampler.Phase = "roster";
var registerClock = Stopwatch.StartNew();
Console.WriteLine($"· roster: {options.Students:N0} students, {options.Chunk:N0} a request");
await city.UploadAsync(http, admin, options.Chunk, done => Console.Write(string.Create(CultureInfo.InvariantCulture,
    $"\r  {done,10:N0} students  {done / registerClock.Elapsed.TotalSeconds,7:N0}/s  {sampler.Status()}   ")));
registerClock.Stop();
var registered = await sampler.SampleAsync();
Console.WriteLine(FormattableString.Invariant(
    $"\n  registered in {registerClock.Elapsed.TotalSeconds:F1} s ({options.Students / registerClock.Elapsed.TotalSeconds:N0}/s); server RSS {registered.ResidentBytes / 1048576.0:N0} MiB, {registered.StudentActivations:N0} student grains active"));

// A city's roster is loaded once; what follows is the grid's everyday life. Let PostgreSQL settle the
// bulk load first (statistics for the planner, dirty pages written) so that autovacuum and a
// checkpoint of the load do not land inside the measurements; the time it takes is reported.
Console.WriteLine("· settling the database after the bulk load (VACUUM ANALYZE, CHECKPOINT)");
var settleClock = Stopwatch.StartNew();
await ExecuteAsync(connection, "VACUUM (ANALYZE)");
await ExecuteAsync(connection, "CHECKPOINT");
settleClock.Stop();
Console.WriteLine(FormattableString.Invariant($"  settled in {settleClock.Elapsed.TotalSeconds:F1} s"));

// The screening import of the whole city, on the freshly loaded roster.
ImportReport? import = null;
if (options.Screening)
{
    import = await ImportPhase.RunAsync(http, admin, city, sampler);
}

// Observers: head teachers of classes spread over the city; each posts for the students of its class.
var observerClasses = Enumerable.Range(0, Math.Min(options.Observers, city.Classes)).Select(i => (int)((long)i * city.Classes / Math.Min(options.Observers, city.Classes))).ToArray();
var tokens = new Dictionary<string, Task<string>>(StringComparer.Ordinal);
Task<string> TokenFor(string user)
{
    lock (tokens)
    {
        return tokens.TryGetValue(user, out var t) ? t : tokens[user] = City.TokenAsync(http, user, City.StaffPassword);
    }
}

var observerTokens = await Task.WhenAll(observerClasses.Select(c => TokenFor(City.HeadTeacher(c))));
var categories = new[] { "Mood", "Anxiety", "Withdrawal", "Behavior", "Academic", "Attendance", "SleepAppetite", "Bullying", "Family", "Other" };
HttpRequestMessage Observation(string path, int observer, long n, string? category = null, int? student = null)
{
    var c = observerClasses[observer % observerClasses.Length];
    var (first, count) = city.Observed(c);
    var request = new HttpRequestMessage(HttpMethod.Post, path)
    {
        Content = City.Json(new
        {
            studentId = City.Student(student ?? first + (int)(n % count)),
            category = category ?? categories[n % categories.Length],
            severity = 1,
            idempotencyKey = $"o{observer}-{n}",
        }),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", observerTokens[observer % observerTokens.Length]);
    return request;
}

async Task<string?> Expect(HttpRequestMessage request, HttpStatusCode expected)
{
    using (request)
    using (var response = await http.SendAsync(request))
    {
        return response.StatusCode == expected ? null : $"HTTP {(int)response.StatusCode}";
    }
}

var warmUp = TimeSpan.FromSeconds(options.Mode == "quick" ? 2 : 5);

PhaseResult? noop = null;
PhaseResult? gridResult = null;
var journalBefore = await CountAsync(connection, "SELECT count(*) FROM grid_student_events");
if (!options.SkipThroughput)
{
    // (b) the transport limit: the same requests, tokens and bodies through the same host, answered at once.
    sampler.Phase = "noop";
    noop = await Load.ClosedLoopAsync("HTTP no-op (POST /api/diagnostics/noop)", options.Observers, warmUp, options.Duration,
        (w, n) => Expect(Observation("/api/diagnostics/noop", w, n), HttpStatusCode.NoContent), grid.CpuSeconds, sampler.Status);
    results.Add(noop);

    // The grid, flat out: every 201 is durable in the journal.
    sampler.Phase = "grid";
    gridResult = await Load.ClosedLoopAsync("grid (POST /api/observations, durable before 201)", options.Observers, warmUp, options.Duration,
        (w, n) => Expect(Observation("/api/observations", w, n + 1_000_000_000L), HttpStatusCode.Created), grid.CpuSeconds, sampler.Status);
    results.Add(gridResult);
}

// Latency to the boards at a steady rate with M dashboards connected.
LatencyReport? latency = null;
if (!options.SkipLatency)
{
    sampler.Phase = "latency";
    // Everyday traffic: up to 1,000 head teachers of other classes than the grid phase's, each observing
    // the students of their class in turn, so most observations reach a student not seen for a while.
    var everyday = Math.Min(1_000, city.Classes);
    var everydayClasses = Enumerable.Range(0, everyday).Select(i => (int)(((long)i * city.Classes / everyday + city.Classes / (2 * everyday)) % city.Classes)).ToArray();
    var everydayTokens = await Task.WhenAll(everydayClasses.Select(c => TokenFor(City.HeadTeacher(c))));
    latency = await LatencyPhase.RunAsync(options, city, grid.Address, http, TokenFor, n =>
    {
        var i = (int)(n % everyday);
        var (first, count) = city.Observed(everydayClasses[i]);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/observations")
        {
            Content = City.Json(new { studentId = City.Student(first + (int)(n / everyday % count)), category = categories[n % categories.Length], severity = 1, idempotencyKey = $"e{i}-{n}" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", everydayTokens[i]);
        return request;
    }, grid.CpuSeconds, sampler.Status);
    results.Add(latency.Background);
    results.Add(latency.Probes);
}

// (a) the durability limit: the same rows straight into the same PostgreSQL at the same concurrency.
if (!options.SkipRaw)
{
    sampler.Phase = "raw";
    results.AddRange(await RawInserts.RunAsync(connection, options.Observers, warmUp, options.Duration, sampler.Status));
}

// Scale: activate K students nobody has touched yet, by reading them.
sampler.Phase = "activate";
var beforeActivation = await sampler.SampleAsync();
var activated = 0L;
var activationClock = Stopwatch.StartNew();
Console.WriteLine($"· activating {options.Activate:N0} student grains (GET /api/scopes/student:{{id}} as admin)");
var next = -1L;
var activation = Parallel.ForEachAsync(Enumerable.Range(0, 64), async (_, _) =>
{
    for (var i = Interlocked.Increment(ref next); i < options.Activate; i = Interlocked.Increment(ref next))
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/scopes/student:{City.Student(options.Students - 1 - (int)i)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Interlocked.Increment(ref activated);
    }
});
await Load.ShowProgressAsync(activation, activationClock, () => Interlocked.Read(ref activated), () => 0, sampler.Status);
await Task.Delay(2000);
var afterActivation = await sampler.SampleAsync();
var activationReport = new
{
    students = options.Activate,
    seconds = activationClock.Elapsed.TotalSeconds,
    perSecond = options.Activate / activationClock.Elapsed.TotalSeconds,
    studentGrainsActive = afterActivation.StudentActivations,
    rssBefore = beforeActivation.ResidentBytes,
    rssAfter = afterActivation.ResidentBytes,
    rssBytesPerActivatedStudent = (afterActivation.ResidentBytes - beforeActivation.ResidentBytes) / (double)Math.Max(1, options.Activate),
    heapBytesPerActivatedStudent = (afterActivation.GcHeapBytes - beforeActivation.GcHeapBytes) / (double)Math.Max(1, options.Activate),
};

// Every 201 must be in the journal.
sampler.Phase = "check";
var journaled = await CountAsync(connection, "SELECT count(*) FROM grid_student_events") - journalBefore;
var answered = (gridResult?.Succeeded ?? 0) + (latency is null ? 0 : latency.Background.Succeeded + latency.Probes.Succeeded);
if (journaled < answered)
{
    throw new InvalidOperationException($"Durability broken: {answered:N0} observations answered 201 but only {journaled:N0} are in the journal.");
}

var peakRss = sampler.Samples.Select(s => s.ResidentBytes).DefaultIfEmpty(afterActivation.ResidentBytes).Max();
var postgresVersion = await ScalarAsync(connection, "SELECT version()");
var rawSingle = results.FirstOrDefault(r => r.Name.StartsWith("raw single", StringComparison.Ordinal));
var rawBatched = results.FirstOrDefault(r => r.Name.StartsWith("raw batched", StringComparison.Ordinal));

// Summary.
var summary = new List<string>
{
    string.Empty,
    FormattableString.Invariant($"## MonitorGrid bench, {options.Mode}: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {postgresVersion.Split(',')[0]}"),
    string.Empty,
    "| phase | per second | p50 ms | p95 ms | p99 ms | max ms | errors | server CPU µs/op |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
};
summary.AddRange(results.Select(r => FormattableString.Invariant(
    $"| {r.Name} | {r.PerSecond:N0} | {r.Latency.Row} | {r.Failed}{(r.Failures.Count == 0 ? "" : " (" + string.Join(", ", r.Failures.Select(f => $"{f.Key}: {f.Value}")) + ")")} | {(r.ServerCpuMicrosPerOp == 0 ? "-" : r.ServerCpuMicrosPerOp.ToString("N0", CultureInfo.InvariantCulture))} |")));
summary.Add(string.Empty);
if (gridResult is not null && noop is not null)
{
    summary.Add(FormattableString.Invariant($"- grid / HTTP no-op: {gridResult.PerSecond / noop.PerSecond:P0}"));
}

if (gridResult is not null && rawSingle is not null && rawBatched is not null)
{
    summary.Add(FormattableString.Invariant($"- grid / raw single-row INSERT: {gridResult.PerSecond / rawSingle.PerSecond:P0}; grid / raw batched INSERT: {gridResult.PerSecond / rawBatched.PerSecond:P0}"));
}

summary.Add(FormattableString.Invariant($"- roster: {options.Students:N0} students in {registerClock.Elapsed.TotalSeconds:F1} s ({options.Students / registerClock.Elapsed.TotalSeconds:N0}/s), RSS after {registered.ResidentBytes / 1048576.0:N0} MiB; database settled (VACUUM ANALYZE, CHECKPOINT) in {settleClock.Elapsed.TotalSeconds:F1} s"));
summary.Add(FormattableString.Invariant($"- activation: {options.Activate:N0} students in {activationReport.seconds:F1} s ({activationReport.perSecond:N0}/s); RSS {beforeActivation.ResidentBytes / 1048576.0:N0} → {afterActivation.ResidentBytes / 1048576.0:N0} MiB, {activationReport.rssBytesPerActivatedStudent:N0} bytes of RSS and {activationReport.heapBytesPerActivatedStudent:N0} bytes of managed heap per activated student"));
summary.Add(FormattableString.Invariant($"- journal: {journaled:N0} observations added, {answered:N0} answered 201; peak server RSS {peakRss / 1048576.0:N0} MiB"));
if (latency is not null)
{
    summary.AddRange(latency.Lines);
}

if (import is not null)
{
    summary.Add(FormattableString.Invariant(
        $"- screening import: {import.Rows:N0} rows ({import.FileBytes / 1048576.0:N0} MiB) in {import.Seconds:F1} s (**{import.RowsPerSecond:N0} rows/s**): {import.Applied:N0} applied, {import.Failed:N0} refused, {import.TiersRaised:N0} tiers raised; server RSS {import.RssBeforeBytes / 1048576.0:N0} MiB before, **peak {import.PeakRssBytes / 1048576.0:N0} MiB** during; the same file again: {import.AgainUnchanged:N0} unchanged in {import.AgainSeconds:F1} s ({import.AgainRowsPerSecond:N0} rows/s)"));
}

summary.Add(string.Empty);
summary.Add("| target | measured | |");
summary.Add("|---|---|---|");
if (gridResult is not null)
{
    summary.Add(FormattableString.Invariant($"| ≥ 10,000 durable observations/s on {Environment.ProcessorCount} cores | {gridResult.PerSecond:N0}/s | {(gridResult.PerSecond >= 10_000 ? "met" : "missed")} |"));
}

if (gridResult is not null && rawSingle is not null)
{
    summary.Add(FormattableString.Invariant($"| ≥ 50 % of raw single-row INSERTs at the same concurrency | {gridResult.PerSecond / rawSingle.PerSecond:P0} | {(gridResult.PerSecond >= rawSingle.PerSecond / 2 ? "met" : "missed")} |"));
}

if (latency is not null)
{
    var atTarget = options.Rate >= 1_000 && options.Dashboards >= 1_000;
    summary.Add(FormattableString.Invariant($"| p99 POST → district `alert` ≤ 50 ms at 1,000 obs/s, 1,000 dashboards | {latency.District.P99:F1} ms at {options.Rate:N0}/s, {options.Dashboards:N0} dashboards, {latency.Missed} missed | {(!atTarget ? "not at target load" : latency.District.P99 <= 50 && latency.Missed == 0 ? "met" : "missed")} |"));
}

if (import is not null)
{
    summary.Add(FormattableString.Invariant($"| 2,000,000-row screening import in under 5 minutes, PostgreSQL durable | {import.Rows:N0} rows in {import.Seconds:F0} s | {(import.Rows < 2_000_000 ? "not at target size" : import.Seconds < 300 ? "met" : "missed")} |"));
}

summary.Add(FormattableString.Invariant($"| 2,000,000 students on one node, RSS ≤ 4 GiB | {options.Students:N0} registered, {options.Activate:N0} active, peak RSS {peakRss / 1073741824.0:F2} GiB | {(options.Students < 2_000_000 ? "not at target size" : peakRss <= 4L << 30 ? "met" : "missed")} |"));
summary.Add(FormattableString.Invariant($"\nwall time {wall.Elapsed.TotalSeconds:F0} s"));
foreach (var line in summary)
{
    Console.WriteLine(line);
}

Directory.CreateDirectory(options.Output);
var file = Path.Combine(options.Output, $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
{
    at = DateTimeOffset.UtcNow,
    commit = Git("rev-parse HEAD"),
    machine = new { cores = Environment.ProcessorCount, memoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, os = Environment.OSVersion.ToString(), dotnet = Environment.Version.ToString(), postgres = postgresVersion },
    options = new { options.Mode, options.Students, options.Observers, options.Dashboards, options.Rate, options.ProbesPerSecond, seconds = options.Duration.TotalSeconds, options.Activate, options.Chunk },
    city = new { city.Classes, city.Schools, city.Districts },
    roster = new { seconds = registerClock.Elapsed.TotalSeconds, perSecond = options.Students / registerClock.Elapsed.TotalSeconds, rssBytes = registered.ResidentBytes, settleSeconds = settleClock.Elapsed.TotalSeconds },
    phases = results,
    latency = latency?.Json,
    activation = activationReport,
    import,
    journal = new { added = journaled, answered },
    peakRssBytes = peakRss,
    samples = sampler.Samples,
    summary,
}, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
Console.WriteLine($"results written to {file}");

static async Task ExecuteAsync(string connection, string sql)
{
    await using var db = new NpgsqlConnection(connection);
    await db.OpenAsync();
    await using var command = new NpgsqlCommand(sql, db) { CommandTimeout = 0 };
    await command.ExecuteNonQueryAsync();
}

static async Task<long> CountAsync(string connection, string sql) => long.Parse(await ScalarAsync(connection, sql), CultureInfo.InvariantCulture);

static async Task<string> ScalarAsync(string connection, string sql)
{
    await using var db = new NpgsqlConnection(connection);
    await db.OpenAsync();
    await using var command = new NpgsqlCommand(sql, db);
    return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture)!;
}

static string? Git(string arguments)
{
    try
    {
        using var git = Process.Start(new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true });
        var output = git!.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return git.ExitCode == 0 ? output : null;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return null;
    }
}
