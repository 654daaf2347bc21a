using Microsoft.Extensions.Time.Testing;
using MonitorGrid.Grains;
using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Durability;

/// <summary>
/// Thirty days on a host of its own whose clock the test moves, in memory and on PostgreSQL: the follow-up
/// board's overdue flag, the follow-up alert on the district's board, the mentoring list, and (on
/// PostgreSQL) the same board after a restart.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class Follow_up_falls_overdue_after_thirty_days_without_a_talk(PostgresServer postgres)
{
    public static TheoryData<string> Stores => new() { "memory", "postgres" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_tracked_student_without_a_talk_is_overdue_a_minute_after_thirty_days_and_a_talk_clears_it(string store)
    {
        // Whole seconds: PostgreSQL keeps microseconds, and the case's times come back from it.
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        var p = $"fu{store[0]}";
        var host = await ClockedHost.StartAsync(store, postgres, time);
        try
        {
            using (var admin = await host.AdminAsync())
            {
                var roster = await admin.PutAsJsonAsync("/api/roster", Roster(
                    districts: [District($"{p}-d")],
                    schools: [School($"{p}-h", $"{p}-d")],
                    classes: [Class($"{p}-c", $"{p}-h")],
                    students: [Student($"{p}-s1", $"{p}-c", "周一"), Student($"{p}-s2", $"{p}-c", "周二", focusGroups: ["Migrant"], mentorId: $"{p}-mentor")],
                    staff:
                    [
                        Staff($"{p}-ht", "HeadTeacher", $"class:{p}-c"), Staff($"{p}-mentor", "Mentor", $"school:{p}-h"),
                        Staff($"{p}-psy", "PsychTeacher", $"school:{p}-h"), Staff($"{p}-dc", "DistrictCenter", $"district:{p}-d"),
                    ]));
                Assert.Equal(HttpStatusCode.OK, roster.StatusCode);
            }

            var opened = time.GetUtcNow();
            using (var teacher = await host.ClientForAsync($"{p}-ht"))
            {
                var red = await teacher.PostAsJsonAsync("/api/observations", new { studentId = $"{p}-s1", category = "SelfHarm", severity = 2 });
                Assert.Equal(HttpStatusCode.Created, red.StatusCode);
            }

            await using var board = await host.BoardForAsync($"{p}-dc");
            await board.WatchAsync($"district:{p}-d");

            // A minute before the thirty days: due, not overdue; the mentee who never had a talk is overdue already.
            time.SetUtcNow(opened + TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
            var before = await FollowUpAsync(host, p);
            Assert.Equal((false, opened + TimeSpan.FromDays(30)), (before.GetProperty("overdue").GetBoolean(), FollowUpDue(before)));
            Assert.True((await MenteeAsync(host, p)).GetProperty("overdue").GetBoolean());
            using (var mentor = await host.ClientForAsync($"{p}-mentor"))
            {
                var talk = await mentor.PostAsJsonAsync($"/api/students/{p}-s2/case-entries", new { kind = "Talk", note = "随迁子女月度谈心" });
                Assert.Equal(HttpStatusCode.Created, talk.StatusCode);
            }

            Assert.False((await MenteeAsync(host, p)).GetProperty("overdue").GetBoolean());

            // A minute after: overdue on the board, and the reminder's check raises the follow-up alert live.
            time.SetUtcNow(opened + TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
            Assert.True((await FollowUpAsync(host, p)).GetProperty("overdue").GetBoolean());
            await host.Grains.Student($"{p}-s1").CheckDeadlinesAsync();
            await board.WaitUntilAsync(b => b.Cases.Any(c => c.Change == CaseChange.Overdue), what: "the follow-up alert at the district");
            Assert.Equal($"{p}-s1", board.Cases.Single(c => c.Change == CaseChange.Overdue).Case.StudentId);

            if (store == "postgres")
            {
                await board.DisposeAsync();
                host = await host.RestartAsync();
                var after = await FollowUpAsync(host, p);
                Assert.Equal((true, opened + TimeSpan.FromDays(30)), (after.GetProperty("overdue").GetBoolean(), FollowUpDue(after)));
            }

            // A talk clears it and moves the deadline thirty days on from the talk.
            using var psych = await host.ClientForAsync($"{p}-psy");
            var clearing = await psych.PostAsJsonAsync($"/api/students/{p}-s1/case-entries", new { kind = "Talk", note = "随访谈话：情绪好转" });
            Assert.Equal(HttpStatusCode.Created, clearing.StatusCode);
            var cleared = await FollowUpAsync(host, p);
            Assert.Equal((false, time.GetUtcNow() + TimeSpan.FromDays(30)), (cleared.GetProperty("overdue").GetBoolean(), FollowUpDue(cleared)));
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static DateTimeOffset FollowUpDue(JsonElement row) => row.GetProperty("case").GetProperty("followUpDueAt").GetDateTimeOffset();

    private static async Task<JsonElement> FollowUpAsync(ClockedHost host, string p)
    {
        using var district = await host.ClientForAsync($"{p}-dc");
        var board = await DurableCity.GetJsonAsync(district, $"/api/scopes/district:{p}-d/follow-ups");
        return Assert.Single(board.GetProperty("cases").EnumerateArray());
    }

    private static async Task<JsonElement> MenteeAsync(ClockedHost host, string p)
    {
        using var psych = await host.ClientForAsync($"{p}-psy");
        var list = await DurableCity.GetJsonAsync(psych, $"/api/scopes/school:{p}-h/mentoring");
        return Assert.Single(list.GetProperty("students").EnumerateArray());
    }
}
