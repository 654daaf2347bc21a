using Xunit.Abstractions;

namespace MonitorGrid.Tests.Durability;

/// <summary>
/// Escalation on PostgreSQL through the real durable reminder (AdoNet), with the Red deadline shortened
/// to seconds: it fires after the host that raised the alert is gone, and each step is taken once even
/// when the student moves to another node.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class EscalationReminderTests(PostgresServer postgres, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> ShortRed = new()
    {
        ["Grid:Sla:Red"] = "00:00:03",
        ["Grid:Sla:ReminderPeriod"] = "00:00:01",
    };

    [Fact]
    public async Task An_escalation_due_while_the_host_was_down_is_made_by_the_reminder_after_the_restart_without_any_request()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("remind", districts: 1, schoolsPerDistrict: 1, classesPerSchool: 1, studentsPerClass: 2);
        // Long enough for the host to be gone before the deadline, short enough for a test.
        var settings = new Dictionary<string, string>(ShortRed) { ["Grid:Sla:Red"] = "00:00:08" };
        var host = await DurableGridHost.StartAsync(connectionString, settings: settings);
        try
        {
            await city.CreateAsync(host);
            var student = city.Students[0];
            using (var admin = await host.AdminClientAsync())
            {
                await DurableCity.ObserveAsync(admin, student, "SelfHarm", 1);
            }

            await Eventually.HoldsAsync(
                async () => await Sql.ScalarAsync<long>(connectionString,
                    "SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = 'deadlines' AND GrainId LIKE '%' || $1", student) == 1,
                "the student's reminder");

            // Gone before the deadline; nothing asks for the student after the restart, so only the reminder can wake it.
            await host.DisposeAsync();
            Assert.Equal(0L, await EscalationsAsync(connectionString));
            host = await DurableGridHost.StartAsync(connectionString, settings: settings);
            await Eventually.HoldsAsync(
                async () => await EscalationsAsync(connectionString) >= 1, "the first escalation after the restart", TimeSpan.FromSeconds(30));

            using var client = await host.AdminClientAsync();
            var alert = (await DurableCity.GetJsonAsync(client, $"/api/students/{student}")).GetProperty("alerts")[0];
            Assert.True(alert.GetProperty("escalationLevel").GetInt32() >= 1);
            await AssertEachLevelOnceAsync(connectionString);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_two_nodes_each_escalation_step_is_taken_once_when_the_node_holding_the_student_goes_away()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("failover", districts: 1, schoolsPerDistrict: 1, classesPerSchool: 1, studentsPerClass: 2);
        var first = await DurableGridHost.StartAsync(connectionString, settings: ShortRed);
        DurableGridHost? second = null;
        try
        {
            second = await DurableGridHost.StartAsync(connectionString, settings: ShortRed);
            await city.CreateAsync(first);
            await using var board = await second.BoardForAsync(DurableGridHost.AdminId, DurableGridHost.AdminPassword);
            await board.WatchAsync("school:failover-d1-h1");
            await board.WatchAsync("district:failover-d1");
            using (var admin = await first.AdminClientAsync())
            {
                await DurableCity.ObserveAsync(admin, city.Students[0], "SelfHarm", 1);
            }

            await Eventually.HoldsAsync(
                async () => await EscalationsAsync(connectionString) >= 1, "the first escalation", TimeSpan.FromSeconds(30));
            await first.DisposeAsync();
            var firstGone = DateTimeOffset.UtcNow;

            // The other node takes the reminder and the student over and finishes the steps.
            await Eventually.HoldsAsync(
                async () => await EscalationsAsync(connectionString) >= 3, "the third escalation on the remaining node", TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(3L, await EscalationsAsync(connectionString));
            var levels = await AssertEachLevelOnceAsync(connectionString);
            using var client = await second.AdminClientAsync();
            var status = await DurableCity.GetJsonAsync(client, "/api/scopes/city");
            Assert.Equal(1, status.GetProperty("escalated").GetInt32());

            // Boards on the remaining node hear the first step (before the handover) and every step taken once
            // the first node was gone, at the level it reached, once; whatever fell in the handover itself
            // reaches them as the snapshot sent when their subscriptions were renewed.
            var expected = levels.Where(l => l.Level == 1 || l.At > firstGone + TimeSpan.FromSeconds(1))
                .Select(l => (l.Level, l.Level == 1 ? "school:failover-d1-h1" : "district:failover-d1")).Where(l => l.Level < 3).ToList();
            output.WriteLine($"first node gone at {firstGone:HH:mm:ss.fff}; expecting {string.Join(", ", expected)}");
            await board.WaitUntilAsync(b => expected.All(e => b.Escalations.Any(x => (x.Level, x.EscalatedTo) == e)), what: "the escalations after the handover");
            output.WriteLine("escalations heard: " + string.Join(", ", board.Escalations.Select(e => $"{e.Level} {e.EscalatedTo}")));
            Assert.Equal(board.Escalations.Count, board.Escalations.Distinct().Count());
            await board.WaitUntilAsync(
                b => b.Statuses.LastOrDefault(s => s.Scope == "district:failover-d1") is { Escalated: 1, OpenAlerts: [{ EscalationLevel: 3 }] },
                what: "the district's status with the alert at the top level");
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task In_memory_mode_the_reminder_escalates_too()
    {
        await using var web = new GridWebFactory(null, ShortRed);
        await web.InitializeAsync();
        using var admin = await web.ClientForAsync("admin");
        var observed = await admin.PostAsJsonAsync("/api/observations", new { studentId = "S000001", category = "SelfHarm", severity = 1 });
        Assert.Equal(HttpStatusCode.Created, observed.StatusCode);

        // Only the reminder checks deadlines; reading the archive does not.
        await Eventually.HoldsAsync(
            async () => (await DurableCity.GetJsonAsync(admin, "/api/students/S000001")).GetProperty("alerts")[0].GetProperty("escalationLevel").GetInt32() >= 1,
            "the in-memory reminder's escalation", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_follow_up_deadline_beyond_what_a_reminder_takes_at_once_is_reached_in_hops()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("hops", districts: 1, schoolsPerDistrict: 1, classesPerSchool: 1, studentsPerClass: 1);
        var settings = new Dictionary<string, string>(ShortRed) { ["Grid:FollowUp:TrackedEvery"] = "90.00:00:00" };
        await using var host = await DurableGridHost.StartAsync(connectionString, settings: settings);
        await city.CreateAsync(host);
        using var admin = await host.AdminClientAsync();
        var alertId = DurableCity.Text(await DurableCity.ObserveAsync(admin, city.Students[0], "SelfHarm", 1), "alertId");

        // Acknowledged in time: what is left is the case's follow-up, ninety days away. The reminder still set
        // for the Red deadline ticks, finds nothing due, and sets the first hop of twenty days.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/alerts/{alertId}/acknowledge", null)).StatusCode);
        var dueIn = TimeSpan.Zero;
        await Eventually.HoldsAsync(async () =>
        {
            var startTime = await Sql.ScalarAsync<DateTime>(connectionString,
                "SELECT StartTime FROM OrleansRemindersTable WHERE ReminderName = 'deadlines' AND GrainId LIKE '%' || $1", city.Students[0]);
            dueIn = new DateTimeOffset(startTime, TimeSpan.Zero) - DateTimeOffset.UtcNow;
            return dueIn > TimeSpan.FromDays(1);
        }, "the reminder moved on to the follow-up", TimeSpan.FromSeconds(30));
        output.WriteLine($"the reminder is due in {dueIn.TotalDays:0.0} days");
        Assert.InRange(dueIn.TotalDays, 19, 20.1);
        Assert.Equal(0L, await EscalationsAsync(connectionString));
    }

    private static Task<long> EscalationsAsync(string connectionString) =>
        Sql.ScalarAsync<long>(connectionString, "SELECT count(*) FROM grid_student_events WHERE kind = 'Escalate'");

    private async Task<List<(int Level, DateTimeOffset At)>> AssertEachLevelOnceAsync(string connectionString)
    {
        var rows = await Sql.RowsAsync(connectionString,
            "SELECT (alert->>'escalationLevel')::int, recorded_at FROM grid_student_events WHERE kind = 'Escalate' ORDER BY version");
        var levels = rows.Select(r => ((int)r[0]!, new DateTimeOffset((DateTime)r[1]!, TimeSpan.Zero))).ToList();
        output.WriteLine(string.Join(", ", levels.Select(l => $"level {l.Item1} at {l.Item2:HH:mm:ss.fff}")));
        Assert.Equal(Enumerable.Range(1, levels.Count), levels.Select(l => l.Item1));
        return levels;
    }
}
