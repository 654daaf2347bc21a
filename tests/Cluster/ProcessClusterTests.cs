using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Tests.Durability;
using Xunit.Abstractions;

namespace MonitorGrid.Tests.Cluster;

/// <summary>
/// The grid as a Kubernetes rollout runs it, on this machine: a migration job (<c>silo migrate</c>) and then four
/// processes sharing one PostgreSQL through AdoNet clustering, three web nodes (A, B, C, each with its co-hosted
/// silo) and one headless silo (D), each configured from environment variables with its pod identity. Boards
/// reach their node through a stand-in for a Service (<see cref="ServiceProxy"/>) with WebSockets and no
/// negotiation, so no stickiness is needed. Then one web node is killed with <c>kill -9</c> under load.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProcessClusterTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan RedSla = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private static readonly string[] Categories = ["Mood", "Anxiety", "Withdrawal", "Behavior", "Academic", "Attendance"];

    [Fact]
    public async Task Boards_on_every_node_hear_alerts_raised_anywhere_and_a_node_killed_under_load_loses_no_acknowledged_signal()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("k8s", districts: 1, schoolsPerDistrict: 2, classesPerSchool: 2, studentsPerClass: 8);
        string[] scopes = ["city", $"district:{city.Districts[0]}", .. city.Schools.Select(s => $"school:{s.Id}")];
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__MonitorGrid"] = connectionString,
            ["Grid__Demo"] = "false",
            ["Grid__AdminPassword"] = DurableGridHost.AdminPassword,
            ["Auth__SigningKey"] = DurableGridHost.SigningKey,
            ["Auth__PasswordIterations"] = "1000",
            ["Grid__Schema__ApplyAtStart"] = "false",
            ["Grid__Sla__Red"] = RedSla.ToString(),
            ["Grid__Sla__ReminderPeriod"] = "00:00:02",
            ["ORLEANS_CLUSTER_ID"] = "process-cluster",
            ["ORLEANS_SERVICE_ID"] = "process-cluster",
        };

        var nodes = new List<GridProcess>();
        var boards = new List<BoardClient>();
        var proxies = new List<ServiceProxy>();
        var clock = Stopwatch.StartNew();
        void Log(string line)
        {
            try
            {
                output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {line}");
            }
            catch (InvalidOperationException)
            {
                // A board's connection event after the test ended has nowhere to go.
            }
        }
        try
        {
            // The pods start first and wait for the schema; the migration job then runs once and they go on.
            foreach (var (project, name) in new[] { ("silo", "node-d"), ("web", "node-a"), ("web", "node-b"), ("web", "node-c") })
            {
                nodes.Add(GridProcess.Start(project, name, environment));
            }

            var (d, a, b, c) = (nodes[0], nodes[1], nodes[2], nodes[3]);
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.All(nodes, n => Assert.False(n.HasExited, $"{n.Name} exited while waiting for the schema:\n{n.Tail()}"));
            Assert.Equal(0L, await Sql.ScalarAsync<long>(
                connectionString, "SELECT count(*) FROM pg_tables WHERE tablename = 'orleansmembershiptable'"));
            var migrate = await GridProcess.MigrateAsync(environment, TimeSpan.FromMinutes(2));
            Assert.True(migrate.ExitCode == 0, $"silo migrate failed with {migrate.ExitCode}:\n{migrate.Output}");
            await Task.WhenAll(nodes.Select(n => n.WaitUntilReadyAsync(ReadyTimeout)));
            Log("migrated; four nodes ready");
            Assert.Equal(
                ["node-a", "node-b", "node-c", "node-d"],
                (await Sql.RowsAsync(connectionString,
                    "SELECT siloname FROM OrleansMembershipTable WHERE deploymentid = 'process-cluster' AND status = 3 AND address = '127.0.0.1' ORDER BY siloname"))
                .Select(r => (string)r[0]!));

            using var adminA = await SignInAsync(a);
            using var adminB = await SignInAsync(b);
            using var adminC = await SignInAsync(c);
            await city.CreateAsync(adminA);

            // Each board reaches its node through a Service: while B (or C) lives, its connections go there.
            var proxyB = new ServiceProxy(b.HttpPort, a.HttpPort, c.HttpPort);
            var proxyC = new ServiceProxy(c.HttpPort, a.HttpPort, b.HttpPort);
            proxies.AddRange([proxyB, proxyC]);
            var boardB = await BoardAsync(proxyB.Address, adminB, scopes, line => Log("board on B: " + line));
            var boardC = await BoardAsync(proxyC.Address, adminC, scopes, line => Log("board on C: " + line));
            boards.AddRange([boardB, boardC]);
            Assert.Equal((1, 0), (proxyB.ConnectionsTo(b.HttpPort), proxyB.ConnectionsTo(a.HttpPort)));
            Assert.Equal((1, 0), (proxyC.ConnectionsTo(c.HttpPort), proxyC.ConnectionsTo(a.HttpPort)));

            // Red alerts raised through A reach the boards on B and C, wherever the students' grains are.
            var crisis = city.Classes.SelectMany(k => city.Students.Where(s => city.Lineage[s].Class == k.Id).Take(2)).ToList();
            var alertIds = new List<string>();
            foreach (var student in crisis)
            {
                alertIds.Add(DurableCity.Text(await DurableCity.ObserveAsync(adminA, student, "SelfHarm", 1), "alertId"));
            }

            var raisedAt = DateTimeOffset.UtcNow;
            foreach (var board in boards)
            {
                await board.WaitUntilAsync(
                    x => alertIds.All(id => x.Alerts.Count(e => e.AlertId == id && e.Tier == Tier.Red) >= 2),
                    TimeSpan.FromSeconds(20), "every Red alert raised through A, for its school and the district (the city only counts)");
            }

            Log($"{crisis.Count} Red alerts raised through A reached the boards on B and C");
            foreach (var (node, client) in new[] { (a, adminA), (b, adminB), (c, adminC) })
            {
                var runtime = await DurableCity.GetJsonAsync(client, "/api/diagnostics/runtime");
                Log($"{node.Name}: {runtime.GetProperty("totalActivations").GetInt32()} activations");
            }

            // Load from phones on every web node; then kill -9 node B, which holds boards, grains and reminders.
            var (victim, survivor, victimBoard, survivorBoard, victimProxy) = (b, c, boardB, boardC, proxyB);
            using var load = new ObservationLoad(city.Students, [(a, adminA), (b, adminB), (c, adminC)]);
            await Task.Delay(TimeSpan.FromSeconds(4));
            var acceptedBeforeKill = load.Accepted.Count;
            var resyncsBeforeKill = victimBoard.Resyncs;
            victim.Kill();
            var killedAt = DateTimeOffset.UtcNow;
            Log($"killed {victim.Name} (kill -9) after {acceptedBeforeKill} acknowledged observations");
            Assert.True(acceptedBeforeKill > 0, "No observation was acknowledged before the kill.");

            // The survivors declare it dead through the membership table and take its grains and reminders over.
            await Eventually.HoldsAsync(
                async () => await Sql.ScalarAsync<long>(connectionString,
                    "SELECT count(*) FROM OrleansMembershipTable WHERE siloname = $1 AND status = 6", victim.Name) == 1,
                $"{victim.Name} declared dead", TimeSpan.FromSeconds(120));
            Log($"{victim.Name} declared dead {(DateTimeOffset.UtcNow - killedAt).TotalSeconds:0.0} s after the kill");
            await Task.Delay(TimeSpan.FromSeconds(5));
            var accepted = await load.StopAsync();
            Log($"load stopped: {accepted.Count} acknowledged (201), failures by node: {load.Failures()}");
            Assert.True(accepted.Count > acceptedBeforeKill, "Nothing was acknowledged after the kill: the survivors did not take the load.");

            // Every observation that got a 201 is in the journal, whichever node it went through.
            var stored = (await Sql.RowsAsync(connectionString,
                    "SELECT observation_id FROM grid_student_events WHERE observation_id = ANY($1)", (object)accepted.ToArray()))
                .Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
            var lost = accepted.Where(id => !stored.Contains(id)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} acknowledged observation(s) are not in the journal: {string.Join(", ", lost.Take(10))}");

            // Every student answers on the survivors, including those whose grains were on the killed node.
            var remaining = new[] { adminA, survivor == b ? adminB : adminC };
            foreach (var (student, i) in city.Students.Select((s, i) => (s, i)))
            {
                var client = remaining[i % 2];
                await DurableCity.ObserveAsync(client, student, "Mood", 1, key: $"after-kill-{student}");
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/students/{student}")).StatusCode);
            }

            // Each crisis alert is escalated school → district → city, the steps due after the kill taken by the
            // survivors' reminders; no alert (the load raised more) has any step twice.
            await Eventually.HoldsAsync(
                async () => await Sql.ScalarAsync<long>(connectionString,
                    "SELECT count(*) FROM grid_student_events WHERE kind = 'Escalate' AND (alert->>'escalationLevel')::int = 3 AND alert->>'alertId' = ANY($1)",
                    (object)alertIds.ToArray()) == alertIds.Count,
                "every crisis alert's third escalation", raisedAt + 3 * RedSla + TimeSpan.FromSeconds(60) - DateTimeOffset.UtcNow);
            await Task.Delay(TimeSpan.FromSeconds(3 * 2 + 1));
            var steps = (await Sql.RowsAsync(connectionString,
                    "SELECT student_id, alert->>'alertId', (alert->>'escalationLevel')::int FROM grid_student_events WHERE kind = 'Escalate' ORDER BY student_id, version"))
                .Select(r => (Student: (string)r[0]!, Alert: (string)r[1]!, Level: (int)r[2]!)).ToList();
            foreach (var alert in steps.GroupBy(s => (s.Student, s.Alert)))
            {
                Assert.Equal($"{alert.Key}: {string.Join(' ', Enumerable.Range(1, alert.Count()))}", $"{alert.Key}: {string.Join(' ', alert.Select(s => s.Level))}");
            }

            Assert.All(alertIds, id => Assert.Equal(3, steps.Count(s => s.Alert == id && crisis.Contains(s.Student))));
            Assert.Equal(
                ["process-cluster"],
                (await Sql.RowsAsync(connectionString, "SELECT DISTINCT serviceid FROM OrleansRemindersTable")).Select(r => (string)r[0]!));
            Log($"{steps.Count} escalation steps over {steps.Select(s => (s.Student, s.Alert)).Distinct().Count()} alerts, each step once");

            // Counts agree at every level, read through each surviving web node.
            await city.AssertCountsMatchProjectionAsync(adminA, connectionString);
            await city.AssertCountsMatchProjectionAsync(remaining[1], connectionString);

            // The board on the killed node reconnected by itself through the Service to a survivor and resynced;
            // both boards end with what the API says for every scope.
            Assert.True(victimBoard.Resyncs > resyncsBeforeKill, "The board on the killed node did not resync.");
            Assert.Equal(HubConnectionState.Connected, victimBoard.Connection.State);
            Assert.True(victimProxy.ConnectionsTo(a.HttpPort) + victimProxy.ConnectionsTo(survivor.HttpPort) >= 1);
            foreach (var scope in scopes)
            {
                var expected = (await DurableCity.GetJsonAsync(adminA, $"/api/scopes/{scope}")).GetProperty("counts").Deserialize<TierCounts>(DurableCity.Wire);
                foreach (var board in new[] { victimBoard, survivorBoard })
                {
                    await board.WaitUntilAsync(
                        x => x.Latest(scope) is { } latest && latest.Counts == expected,
                        TimeSpan.FromSeconds(30), $"{scope}'s current counts on the board");
                }
            }

            Log($"boards agree; the killed node's board resynced {victimBoard.Resyncs - resyncsBeforeKill} time(s) after the kill, "
                + $"watching {victimBoard.WatchRetries} time(s) again while the cluster failed over");
            Assert.All(nodes.Where(n => n != victim), n => Assert.False(n.HasExited, $"{n.Name} exited:\n{n.Tail()}"));
        }
        catch
        {
            foreach (var node in nodes)
            {
                output.WriteLine(node.Tail());
            }

            throw;
        }
        finally
        {
            foreach (var board in boards)
            {
                await board.DisposeAsync();
            }

            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }

            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static async Task<HttpClient> SignInAsync(GridProcess node)
    {
        var sessions = new GridSessions(() => new HttpClient { BaseAddress = node.BaseAddress }, () => node.BaseAddress);
        var client = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await sessions.TokenForAsync(DurableGridHost.AdminId, DurableGridHost.AdminPassword));
        return client;
    }

    /// <summary>A board as the UI opens it: WebSockets without negotiation, reconnecting for ever, resyncing every scope after each reconnect.</summary>
    private static async Task<BoardClient> BoardAsync(Uri service, HttpClient signedIn, IReadOnlyList<string> scopes, Action<string> log)
    {
        var token = signedIn.DefaultRequestHeaders.Authorization!.Parameter!;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(service, "/hubs/grid"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .WithAutomaticReconnect(new KeepTrying())
            .AddJsonProtocol(o => MonitorGrid.Web.Infrastructure.GridJson.Configure(o.PayloadSerializerOptions))
            .Build();
        var board = new BoardClient(connection);
        connection.Reconnecting += error =>
        {
            log($"connection lost ({error?.GetType().Name}), reconnecting");
            return Task.CompletedTask;
        };
        connection.Reconnected += async _ =>
        {
            log("reconnected, resyncing");
            await board.ResyncAsync(scopes, retryEvery: TimeSpan.FromSeconds(2));
            log($"resynced ({board.WatchRetries} watch(es) tried again)");
        };
        await connection.StartAsync();
        await board.ResyncAsync(scopes);
        return board;
    }

    /// <summary>The UI's reconnect policy in short: at once, then every half second, for as long as the page is open.</summary>
    private sealed class KeepTrying : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.PreviousRetryCount == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(500);
    }

    /// <summary>
    /// Phones posting observations to every web node at once, two at a time per node, each with its own idempotency
    /// key; keeps the id of every observation acknowledged with 201 and counts the failures per node.
    /// </summary>
    private sealed class ObservationLoad : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<string> _accepted = new();
        private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
        private readonly Task[] _senders;

        public ObservationLoad(IReadOnlyList<string> students, IReadOnlyList<(GridProcess Node, HttpClient Client)> nodes)
        {
            _senders = [.. nodes.SelectMany(n => Enumerable.Range(0, 2).Select(i => Task.Run(() => SendAsync(students, n.Node, n.Client, i))))];
        }

        public IReadOnlyCollection<string> Accepted => _accepted;

        public string Failures() => string.Join(", ", _failures.Select(p => $"{p.Key} {p.Value}"));

        public async Task<IReadOnlyList<string>> StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_senders);
            return [.. _accepted];
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }

        private async Task SendAsync(IReadOnlyList<string> students, GridProcess node, HttpClient client, int sender)
        {
            var random = new Random(HashCode.Combine(node.Name, sender));
            for (var n = 0; !_stop.IsCancellationRequested; n++)
            {
                var request = new
                {
                    studentId = students[random.Next(students.Count)],
                    category = Categories[random.Next(Categories.Length)],
                    severity = 1,
                    idempotencyKey = $"load-{node.Name}-{sender}-{n}",
                };
                try
                {
                    using var response = await client.PostAsJsonAsync("/api/observations", request, _stop.Token);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>(_stop.Token);
                        _accepted.Enqueue(receipt.GetProperty("observationId").GetString()!);
                        continue;
                    }

                    _failures.AddOrUpdate($"{node.Name}:{(int)response.StatusCode}", 1, (_, k) => k + 1);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    if (_stop.IsCancellationRequested)
                    {
                        return;
                    }

                    _failures.AddOrUpdate($"{node.Name}:{ex.GetType().Name}", 1, (_, k) => k + 1);
                }

                // A refused or failed request is retried as a phone's outbox does, not in a tight loop.
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }
}
