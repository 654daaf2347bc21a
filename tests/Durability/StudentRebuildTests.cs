using Microsoft.Extensions.DependencyInjection;
using MonitorGrid.Grains;
using Orleans.Core.Internal;

namespace MonitorGrid.Tests.Durability;

/// <summary>
/// A student grain keeps nothing of its own in OrleansStorage: every activation replays its journal, and the
/// student is exactly as before, after a deactivation or a whole restart.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StudentRebuildTests(PostgresServer postgres)
{
    private const string StudentRows = "SELECT count(*) FROM OrleansStorage WHERE GrainTypeString = 'student'";

    [Fact]
    public async Task A_reactivated_student_rebuilds_from_the_journal_with_the_same_tier_alerts_and_observations()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("rb", districts: 1, schoolsPerDistrict: 1, classesPerSchool: 1, studentsPerClass: 3)
            .WithStaff("rb-dc", "DistrictCenter", "district:rb-d1");
        const string student = "rb-d1-h1-c1-s1";
        await using var host = await DurableGridHost.StartAsync(connectionString);
        await city.CreateAsync(host);
        using var admin = await host.AdminClientAsync();
        using var dc = await host.ClientForAsync("rb-dc", DurableCity.StaffPassword);

        // A first alert raised Yellow, escalated to Orange, acknowledged, escalated to Red and resolved;
        // then a second alert, open, in the new episode.
        var first = DurableCity.Text(await DurableCity.ObserveAsync(dc, student, "Mood", 2, "rb-1"), "alertId");
        await DurableCity.ObserveAsync(admin, student, "Behavior", 3);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/alerts/{first}/acknowledge", null)).StatusCode);
        Assert.Equal("Red", DurableCity.Text(await DurableCity.ObserveAsync(dc, student, "SelfHarm", 1), "tier"));
        Assert.Equal(HttpStatusCode.OK, (await dc.PostAsJsonAsync($"/api/alerts/{first}/resolve", new { note = "转介" })).StatusCode);
        var second = await DurableCity.ObserveAsync(dc, student, "Anxiety", 2, "rb-2");
        Assert.Equal("Yellow", DurableCity.Text(second, "tier"));
        Assert.NotEqual(first, DurableCity.Text(second, "alertId"));
        await DurableCity.ObserveAsync(admin, "rb-d1-h1-c1-s2", "SelfHarm", 2);

        var scopes = new[] { $"student:{student}", "class:rb-d1-h1-c1", "school:rb-d1-h1", "district:rb-d1", "city" };
        var before = await DurableCity.CaptureAsync(host, scopes, city.Students);

        await DeactivateAsync(host, student);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString, StudentRows));

        // The next call activates the student again, from nothing but the journal.
        var after = await DurableCity.CaptureAsync(host, scopes, city.Students);
        DurableCity.AssertSame(before, after);
        var archive = JsonDocument.Parse(after.Archives[student]).RootElement;
        Assert.Equal("Yellow", DurableCity.Text(archive, "tier"));
        Assert.Equal(
            [(DurableCity.Text(second, "alertId"), "Yellow", "Open"), (first, "Red", "Resolved")],
            archive.GetProperty("alerts").EnumerateArray().Select(a => (DurableCity.Text(a, "alertId"), DurableCity.Text(a, "tier"), DurableCity.Text(a, "state"))));
        Assert.Equal(4, archive.GetProperty("observations").GetArrayLength());

        // It also goes on as before: the resolved episode stays closed (3 + 1 points: still Yellow, not Red),
        // the open alert is the one escalated, and a used key is still answered from the journal.
        var next = await DurableCity.ObserveAsync(dc, student, "Other", 1);
        Assert.Equal(("Yellow", DurableCity.Text(second, "alertId")), (DurableCity.Text(next, "tier"), DurableCity.Text(next, "alertId")));
        var replay = await dc.PostAsJsonAsync("/api/observations", new { studentId = student, category = "Anxiety", severity = 2, idempotencyKey = "rb-2" });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(second.GetRawText(), (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetRawText());
    }

    [Fact]
    public async Task A_restarted_host_rebuilds_every_student_and_count_from_the_journal_alone()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        var city = new DurableCity("wipe", districts: 1, schoolsPerDistrict: 2, classesPerSchool: 1, studentsPerClass: 3)
            .WithStaff("wipe-dc", "DistrictCenter", "district:wipe-d1");
        var host = await DurableGridHost.StartAsync(connectionString);
        try
        {
            await city.CreateAsync(host);
            using (var admin = await host.AdminClientAsync())
            using (var dc = await host.ClientForAsync("wipe-dc", DurableCity.StaffPassword))
            {
                await DurableCity.ObserveAsync(dc, "wipe-d1-h1-c1-s1", "Withdrawal", 2);
                await DurableCity.ObserveAsync(dc, "wipe-d1-h1-c1-s2", "Mood", 3);
                await DurableCity.ObserveAsync(admin, "wipe-d1-h1-c1-s2", "Anxiety", 1);
                var red = DurableCity.Text(await DurableCity.ObserveAsync(dc, "wipe-d1-h2-c1-s1", "SelfHarm", 1), "alertId");
                Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/alerts/{red}/acknowledge", null)).StatusCode);
                var resolved = DurableCity.Text(await DurableCity.ObserveAsync(admin, "wipe-d1-h2-c1-s2", "SelfHarm", 3), "alertId");
                Assert.Equal(HttpStatusCode.OK, (await dc.PostAsJsonAsync($"/api/alerts/{resolved}/resolve", new { })).StatusCode);
            }

            var scopes = city.AggregateScopes.Concat(city.Students.Select(s => $"student:{s}")).ToList();
            var before = await DurableCity.CaptureAsync(host, scopes, city.Students);
            await host.DisposeAsync();

            Assert.Equal(0L, await Sql.ScalarAsync<long>(connectionString, StudentRows));
            host = await DurableGridHost.StartAsync(connectionString);

            DurableCity.AssertSame(before, await DurableCity.CaptureAsync(host, scopes, city.Students));
            await city.AssertCountsMatchProjectionAsync(host, connectionString);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>Deactivates the student's grain and waits until the activation is gone.</summary>
    private static async Task DeactivateAsync(DurableGridHost host, string studentId)
    {
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var student = grains.Student(studentId);
        await student.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var management = grains.GetGrain<IManagementGrain>(0);
        var id = student.GetGrainId();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await management.GetDetailedGrainStatistics()).Any(g => g.GrainId == id))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The grain of student {studentId} did not deactivate in time.");
            await Task.Delay(50);
        }
    }
}
