using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MonitorGrid.Bench;
using MonitorGrid.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

// Durable observations/s through the real API, next to raw INSERTs of the same rows into the same
// PostgreSQL at the same concurrency, measured in one run.
var options = BenchOptions.Parse(args);
var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
Console.WriteLine($"MonitorGrid bench ({configuration}): {options.Students:N0} students, {options.Observers} observers, {options.Duration.TotalSeconds:F0} s per phase");

await using var postgres = options.Connection is null ? new PostgresServer() : null;
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
await using var grid = await GridProcess.StartAsync(connection, configuration);
var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
using var http = new HttpClient(handler) { BaseAddress = grid.Address, Timeout = TimeSpan.FromSeconds(60) };
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

async Task<string> TokenAsync(string user, string password)
{
    var response = await http.PostAsJsonAsync("/api/auth/token", new { userId = user, password });
    response.EnsureSuccessStatusCode();
    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
}

// Roster: one district, schools of 24 classes, one head teacher per class as an observer.
var classes = (options.Students + options.StudentsPerClass - 1) / options.StudentsPerClass;
var admin = await TokenAsync("admin", GridProcess.AdminPassword);
var registerWatch = Stopwatch.StartNew();
const int chunk = 2_000;
for (var first = 0; first < options.Students; first += chunk)
{
    var count = Math.Min(chunk, options.Students - first);
    var classIds = Enumerable.Range(first / options.StudentsPerClass, (count + options.StudentsPerClass - 1) / options.StudentsPerClass + 1)
        .Where(c => c < classes).ToArray();
    var body = new
    {
        districts = first == 0 ? new[] { new { id = "bench-d", name = "基准区" } } : [],
        schools = classIds.Select(c => c / 24).Distinct().Select(s => new { id = $"bench-h{s}", districtId = "bench-d", name = $"基准{s}中学" }).ToArray(),
        classes = classIds.Select(c => new { id = $"bench-c{c}", schoolId = $"bench-h{c / 24}", grade = 7, name = $"七({c})班" }).ToArray(),
        students = Enumerable.Range(first, count).Select(s => new { id = $"bench-s{s}", classId = $"bench-c{s / options.StudentsPerClass}", name = $"学生{s}" }).ToArray(),
        staff = classIds.Select(c => new { id = $"bench-t{c}", name = "班主任", role = "HeadTeacher", scope = $"class:bench-c{c}", password = "bench-pass" }).ToArray(),
    };
    using var request = new HttpRequestMessage(HttpMethod.Put, "/api/roster") { Content = JsonContent.Create(body) };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
    var response = await http.SendAsync(request);
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"Roster upload failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    Console.Write($"\r· roster: {first + count:N0}/{options.Students:N0} students");
}

registerWatch.Stop();
Console.WriteLine($" in {registerWatch.Elapsed.TotalSeconds:F1} s");

// Phase 1: the grid, flat out, through HTTP.
var observerCount = Math.Min(options.Observers, classes);
var tokens = await Task.WhenAll(Enumerable.Range(0, observerCount).Select(c => TokenAsync($"bench-t{c}", "bench-pass")));
var categories = new[] { "Mood", "Anxiety", "Withdrawal", "Behavior", "Academic", "Attendance", "SleepAppetite", "Bullying", "Family", "Other" };
var gridResult = await RunAsync("grid API (POST /api/observations, durable)", options.Observers, options.Duration, async (worker, n) =>
{
    var c = worker % observerCount;
    var studentInClass = (int)(n % options.StudentsPerClass);
    var student = Math.Min(c * options.StudentsPerClass + studentInClass, options.Students - 1);
    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/observations")
    {
        Content = JsonContent.Create(new
        {
            studentId = $"bench-s{student}",
            category = categories[n % categories.Length],
            severity = 1,
            idempotencyKey = $"w{worker}-{n}",
        }),
    };
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[c]);
    using var response = await http.SendAsync(request);
    return response.StatusCode == System.Net.HttpStatusCode.Created;
});
var serverRss = grid.ResidentBytes();

// Phases 2 and 3: the same rows straight into PostgreSQL, single-row and 100-row batches.
await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connection) { MaxPoolSize = options.Observers + 8 }.ConnectionString);
await using (var create = db.CreateCommand("CREATE TABLE bench_raw_events (LIKE grid_student_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)"))
{
    await create.ExecuteNonQueryAsync();
}

const string insertRow = """
    INSERT INTO bench_raw_events (student_id, version, kind, recorded_at, tier_after, observation_id, observer_id, observer_role,
        category, severity, observed_at, idempotency_key, client_address)
    VALUES ($1, $2, 'Observation', now(), 1, $3, $4, 'HeadTeacher', $5, 1, now(), $6, '127.0.0.1')
    """;
var rawSingle = await RunAsync("raw single-row INSERT (same rows, same concurrency)", options.Observers, options.Duration, async (worker, n) =>
{
    await using var command = db.CreateCommand(insertRow);
    command.Parameters.Add(new NpgsqlParameter { Value = $"raw-{worker}" });
    command.Parameters.Add(new NpgsqlParameter { Value = n });
    command.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7().ToString("N") });
    command.Parameters.Add(new NpgsqlParameter { Value = $"bench-t{worker}" });
    command.Parameters.Add(new NpgsqlParameter { Value = categories[n % categories.Length] });
    command.Parameters.Add(new NpgsqlParameter { Value = $"single-{worker}-{n}" });
    return await command.ExecuteNonQueryAsync() == 1;
});

const int batchRows = 100;
var rawBatched = await RunAsync($"raw {batchRows}-row batched INSERT (same rows, same concurrency)", options.Observers, options.Duration, async (worker, n) =>
{
    var rows = Enumerable.Range(0, batchRows).Select(i => n * batchRows + i).ToArray();
    await using var command = db.CreateCommand("""
        INSERT INTO bench_raw_events (student_id, version, kind, recorded_at, tier_after, observation_id, observer_id, observer_role,
            category, severity, observed_at, idempotency_key, client_address)
        SELECT $1, v, 'Observation', now(), 1, o, $2, 'HeadTeacher', c, 1, now(), k, '127.0.0.1'
        FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS t(v, o, c, k)
        """);
    command.Parameters.Add(new NpgsqlParameter { Value = $"batch-{worker}" });
    command.Parameters.Add(new NpgsqlParameter { Value = $"bench-t{worker}" });
    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = rows.Select(r => (long)r).ToArray() });
    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(_ => Guid.CreateVersion7().ToString("N")).ToArray() });
    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => categories[r % categories.Length]).ToArray() });
    command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(r => $"batch-{worker}-{r}").ToArray() });
    return await command.ExecuteNonQueryAsync() == batchRows;
}, rowsPerOperation: batchRows);

// Every 201 must be in the journal: count them.
await using (var count = db.CreateCommand("SELECT count(*) FROM grid_student_events"))
{
    var journaled = (long)(await count.ExecuteScalarAsync())!;
    Console.WriteLine($"· journal holds {journaled:N0} observations; the grid answered {gridResult.Succeeded:N0} with 201");
    if (journaled < gridResult.Succeeded)
    {
        throw new InvalidOperationException("Fewer observations in the journal than 201s: durability broken.");
    }
}

Console.WriteLine();
Console.WriteLine("| measurement | per second | p50 ms | p99 ms | errors |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach (var r in new[] { gridResult, rawSingle, rawBatched })
{
    Console.WriteLine(FormattableString.Invariant($"| {r.Name} | {r.RowsPerSecond:N0} | {r.P50:F1} | {r.P99:F1} | {r.Failed} |"));
}

Console.WriteLine();
Console.WriteLine(FormattableString.Invariant($"grid / raw single-row: {gridResult.RowsPerSecond / rawSingle.RowsPerSecond:P0}; grid / raw batched: {gridResult.RowsPerSecond / rawBatched.RowsPerSecond:P0}; server RSS after load: {serverRss / 1048576.0:F0} MiB"));

Directory.CreateDirectory(options.Output);
var file = Path.Combine(options.Output, $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
{
    at = DateTimeOffset.UtcNow,
    machine = new { cores = Environment.ProcessorCount, os = Environment.OSVersion.ToString() },
    options = new { options.Students, options.Observers, seconds = options.Duration.TotalSeconds },
    rosterSeconds = registerWatch.Elapsed.TotalSeconds,
    results = new[] { gridResult, rawSingle, rawBatched },
    serverRssBytes = serverRss,
}, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"results written to {file}");

// Runs `operation` from `workers` concurrent loops for `duration`, showing progress each second.
static async Task<PhaseResult> RunAsync(string name, int workers, TimeSpan duration, Func<int, int, Task<bool>> operation, int rowsPerOperation = 1)
{
    Console.WriteLine($"· {name}");
    var latencies = new List<double>[workers];
    var succeeded = 0L;
    var failed = 0L;
    var stop = Stopwatch.StartNew();
    var loops = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
    {
        var mine = latencies[w] = new List<double>(4096);
        for (var n = 0; stop.Elapsed < duration; n++)
        {
            var started = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                ok = await operation(w, n);
            }
            catch (Exception) when (stop.Elapsed < duration * 2)
            {
                ok = false;
            }

            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Add(ref ok ? ref succeeded : ref failed, ok ? rowsPerOperation : 1);
        }
    })).ToArray();
    while (!Task.WhenAll(loops).IsCompleted)
    {
        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(1000));
        Console.Write(FormattableString.Invariant($"\r  {stop.Elapsed.TotalSeconds,5:F0} s  {Interlocked.Read(ref succeeded) / Math.Max(stop.Elapsed.TotalSeconds, 0.001),10:N0} rows/s  errors {Interlocked.Read(ref failed)}   "));
    }

    await Task.WhenAll(loops);
    var elapsed = stop.Elapsed.TotalSeconds;
    Console.WriteLine();
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(all.Length * p))];
    return new PhaseResult(name, succeeded, failed, elapsed, succeeded / elapsed, Percentile(0.5), Percentile(0.99));
}

internal sealed record PhaseResult(string Name, long Succeeded, long Failed, double Seconds, double RowsPerSecond, double P50, double P99);
