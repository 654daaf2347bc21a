using System.Text;
using Microsoft.Extensions.Time.Testing;
using MonitorGrid.Grains;
using MonitorGrid.Reports;
using MonitorGrid.Tests.Durability;
using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Reports;

/// <summary>
/// March 2026 (Beijing time) lived through the API on a host whose clock the test moves, in memory and on
/// PostgreSQL: real observations, acknowledgements, case entries, and the reminder's deadline check at each
/// step. Both stores must give the hand-computed figures. Tree: district <c>{p}-d</c> → school <c>{p}-h1</c>
/// → class <c>{p}-c1</c> (s1, s2, s3, s5) and school <c>{p}-h2</c> → class <c>{p}-c2</c> (s4, s7).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class Monthly_report_over_http_matches_a_month_driven_through_the_api(PostgresServer postgres)
{
    public static TheoryData<string> Stores => new() { "memory", "postgres" };

    /// <summary>An instant in Beijing time, 2026.</summary>
    private static DateTimeOffset Bj(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(8));

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Both_stores_report_the_hand_computed_figures_for_the_school_and_the_district(string store)
    {
        // The clock is given UTC instants, as the system clock gives them (Npgsql takes no other offset).
        var time = new FakeTimeProvider(Bj(2, 28, 23, 59).ToUniversalTime());
        var p = $"mr{store[0]}";
        var host = await ClockedHost.StartAsync(store, postgres, time);
        try
        {
            var month = new Month(host, time, p);
            await month.RosterAsync();

            // 28 February 23:59: s1 Mood (Green, 1 point); s4 SelfHarm: Red, alert and case in February.
            await month.ObserveAsync("ht", "s1", "Mood", 1);
            var a4 = await month.ObserveAsync("ht2", "s4", "SelfHarm", 1);
            // 1 March 00:00: s1 SelfHarm: Red, alert due 00:15, case opened.
            await month.AtAsync(Bj(3, 1, 0, 0));
            var a1 = await month.ObserveAsync("ht", "s1", "SelfHarm", 1);
            // 00:01: s2 Family 6 points (Yellow) then 9 (Orange): the alert climbs, due 2 March 00:01; case opened.
            await month.AtAsync(Bj(3, 1, 0, 1));
            await month.ObserveAsync("ht", "s2", "Family", 3);
            var a2 = await month.ObserveAsync("ht", "s2", "Family", 2);
            await month.AtAsync(Bj(3, 1, 0, 5));
            await month.AcknowledgeAsync("psy2", a4);
            await month.AtAsync(Bj(3, 1, 0, 10));
            await month.AcknowledgeAsync("psy", a1); // within 15 minutes
            await month.AtAsync(Bj(3, 2, 0, 1)); // s2 escalated to the school
            await month.AtAsync(Bj(3, 2, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Plan", goals = "稳定情绪，恢复学习", owner = $"{p}-psy", nextContactOn = "2026-03-09" });
            await month.AtAsync(Bj(3, 3, 0, 1)); // s2 escalated to the district
            await month.AtAsync(Bj(3, 3, 9, 0));
            await month.AcknowledgeAsync("psy", a2); // late
            await month.AtAsync(Bj(3, 3, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Talk", note = "首次谈心" });
            await month.AtAsync(Bj(3, 4, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Referral", referral = "Proposed", hospital = "市第八人民医院" });
            await month.AtAsync(Bj(3, 5, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Referral", referral = "Referred", hospital = "市第八人民医院" });
            await month.AtAsync(Bj(3, 8, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Referral", referral = "Seen" });
            // 10 March 08:00: s3 Withdrawal 3 points, Yellow, due 13 March 08:00; s2's referral proposed.
            await month.AtAsync(Bj(3, 10, 8, 0));
            await month.ObserveAsync("ht", "s3", "Withdrawal", 2);
            await month.EntryAsync("psy", "s2", new { kind = "Referral", referral = "Proposed" });
            await month.AtAsync(Bj(3, 12, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Leave", note = "休学治疗" });
            await month.AtAsync(Bj(3, 13, 8, 0)); // s3 level 1
            await month.AtAsync(Bj(3, 15, 10, 0));
            await month.EntryAsync("psy", "s2", new { kind = "Referral", referral = "Referred" });
            await month.AtAsync(Bj(3, 16, 8, 0)); // s3 level 2
            await month.AtAsync(Bj(3, 18, 10, 0));
            await month.EntryAsync("psy", "s2", new { kind = "Leave" });
            await month.AtAsync(Bj(3, 19, 8, 0)); // s3 level 3
            await month.AtAsync(Bj(3, 20, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Return" });
            await month.AtAsync(Bj(3, 21, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Referral", referral = "Returned" });
            await month.AtAsync(Bj(3, 22, 10, 0));
            await month.ResolveAsync("psy", a1);
            await month.AtAsync(Bj(3, 25, 10, 0));
            await month.EntryAsync("psy", "s1", new { kind = "Close", note = "情况稳定，结案" });
            await month.AtAsync(Bj(3, 31, 0, 0)); // s4's follow-up (due 30 March 23:59) falls overdue
            await month.AtAsync(Bj(3, 31, 0, 2)); // s2's (due 31 March 00:01) too
            // 31 March 23:59: a talk with s4, an observation of s4 and a Yellow alert for s5.
            await month.AtAsync(Bj(3, 31, 23, 59));
            await month.EntryAsync("psy2", "s4", new { kind = "Talk", note = "月末随访" });
            await month.ObserveAsync("ht2", "s4", "Mood", 1);
            var a5 = await month.ObserveAsync("ht", "s5", "Bullying", 2);

            // Still March: the report is incomplete, and April has not begun.
            var current = await month.ReportAsync("dc", $"district:{p}-d", "2026-03");
            Assert.False(current.Complete);
            Assert.Equal(Bj(3, 31, 23, 59), current.AsOf);
            using (var dc = await host.ClientForAsync($"{p}-dc"))
            {
                await (await dc.GetAsync($"/api/reports/monthly?scope=district:{p}-d&month=2026-04")).AssertFieldErrorAsync("month", "April is still to come");
            }

            // 1 April 00:00: nothing of this belongs to March.
            await month.AtAsync(Bj(4, 1, 0, 0));
            await month.ObserveAsync("ht2", "s4", "Anxiety", 1);
            await month.AcknowledgeAsync("psy", a5);
            await month.AtAsync(Bj(4, 1, 9, 0));

            var school = await month.ReportAsync("psy", $"school:{p}-h1", "2026-03");
            var district = await month.ReportAsync("dc", $"district:{p}-d", "2026-03");
            Assert.Equal((true, Bj(4, 1, 0, 0)), (school.Complete, school.AsOf));
            Assert.Equal(($"school:{p}-h1", $"{p}-h1 中学"), (school.Scope, school.Name));

            // School h1: s1, s2, s3, s5.
            // Tiers at the end: s1 Green (resolved), s2 Orange, s3 Yellow, s5 Yellow.
            // Observations: s1 SelfHarm, s2 Family ×2, s3 Withdrawal, s5 Bullying (s1's Mood was in February).
            // Alerts raised: s1 Red, s2 Orange, s3 Yellow, s5 Yellow = 4; within: s1; late: s2; never: s3, s5 (April) → 1/4.
            // Escalations: s2 levels 1, 2; s3 levels 1, 2, 3. Open cases at the end: s2 only, overdue, referred, on leave.
            // Talks: s1. Opened: s1, s2. Closed: s1. Follow-up alerts: s2. Referrals: s1 all four, s2 Proposed and Referred.
            // Leaves: s1, s2; returns: s1.
            AssertFigures(
                school,
                students: 4,
                tiers: new TierCounts(1, 2, 1, 0),
                categories: new() { [Category.SelfHarm] = 1, [Category.Family] = 2, [Category.Withdrawal] = 1, [Category.Bullying] = 1 },
                alerts: new AlertFigures(4, new TierCounts(0, 2, 1, 1), WithinSla: 1, Late: 1, NotAcknowledged: 2, ShareWithinSla: 0.25),
                escalations: (2, 2, 1),
                followUps: new FollowUpFigures(Tracked: 1, OnSchedule: 0, Overdue: 1, Talks: 1, CasesOpened: 2, CasesClosed: 1, OverdueAlerts: 1),
                referrals: [(2, 0), (2, 1), (1, 0), (1, 0)],
                withoutReferral: 0,
                leave: new LeaveFigures(2, 1, 1));

            // District: the school above plus s4 and s7. s4 is Red (its February alert acknowledged, never resolved),
            // observed Mood on 31 March (its SelfHarm was in February, its Anxiety in April); its case (opened in
            // February) is open, on schedule after the talk at 23:59, with a follow-up alert on 31 March 00:00 and no
            // referral. s7 has no record: Green.
            AssertFigures(
                district,
                students: 6,
                tiers: new TierCounts(2, 2, 1, 1),
                categories: new() { [Category.SelfHarm] = 1, [Category.Family] = 2, [Category.Withdrawal] = 1, [Category.Bullying] = 1, [Category.Mood] = 1 },
                alerts: new AlertFigures(4, new TierCounts(0, 2, 1, 1), WithinSla: 1, Late: 1, NotAcknowledged: 2, ShareWithinSla: 0.25),
                escalations: (2, 2, 1),
                followUps: new FollowUpFigures(Tracked: 2, OnSchedule: 1, Overdue: 1, Talks: 2, CasesOpened: 2, CasesClosed: 1, OverdueAlerts: 2),
                referrals: [(2, 0), (2, 1), (1, 0), (1, 0)],
                withoutReferral: 1,
                leave: new LeaveFigures(2, 1, 1));

            // The same district as the CSV the district centre downloads.
            using var csvClient = await host.ClientForAsync($"{p}-dc");
            var csv = await csvClient.GetAsync($"/api/reports/monthly?scope=district:{p}-d&month=2026-03&format=csv");
            Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
            var rows = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n");
            Assert.Equal("分类,指标,数值", rows[0]);
            Assert.Contains("学生,学生数,6", rows);
            Assert.Contains("月末各等级人数,危机,1", rows);
            Assert.Contains("本月上报,家庭变故,2", rows);
            Assert.Contains("本月预警,按时确认率,25.00%", rows);
            Assert.Contains("超时升级,3级（市）,1", rows);
            Assert.Contains("跟踪随访,随访逾期,1", rows);
            Assert.Contains("转介,月末在案：已转介,1", rows);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static void AssertFigures(
        MonthlyReport report, int students, TierCounts tiers, Dictionary<Category, int> categories, AlertFigures alerts,
        (int Level1, int Level2, int Level3) escalations, FollowUpFigures followUps, (int Recorded, int AtEnd)[] referrals,
        int withoutReferral, LeaveFigures leave)
    {
        Assert.Equal(students, report.Students);
        Assert.Equal(tiers, report.Tiers);
        Assert.Equal(
            Enum.GetValues<Category>().ToDictionary(c => c, categories.GetValueOrDefault),
            report.Observations.Categories.ToDictionary(c => c.Category, c => c.Count));
        Assert.Equal(categories.Values.Sum(), report.Observations.Total);
        Assert.Equal(alerts, report.Alerts);
        Assert.Equal([escalations.Level1, escalations.Level2, escalations.Level3], report.Escalations.Levels.Select(l => l.Count));
        Assert.Equal(escalations.Level1 + escalations.Level2 + escalations.Level3, report.Escalations.Total);
        Assert.Equal(followUps, report.FollowUps);
        Assert.Equal(referrals, report.Referrals.States.Select(s => (s.Recorded, s.OpenCasesAtEnd)));
        Assert.Equal(withoutReferral, report.Referrals.OpenCasesWithout);
        Assert.Equal(leave, report.Leave);
    }

    /// <summary>The month's cast and what they do, every action at the clock's present.</summary>
    private sealed class Month(ClockedHost host, FakeTimeProvider time, string p)
    {
        private static readonly string[] Students = ["s1", "s2", "s3", "s4", "s5", "s7"];

        public async Task RosterAsync()
        {
            using var admin = await host.AdminAsync();
            var roster = await admin.PutAsJsonAsync("/api/roster", Roster(
                districts: [District($"{p}-d")],
                schools: [School($"{p}-h1", $"{p}-d"), School($"{p}-h2", $"{p}-d")],
                classes: [Class($"{p}-c1", $"{p}-h1"), Class($"{p}-c2", $"{p}-h2")],
                students: [.. new[] { "s1", "s2", "s3", "s5" }.Select(s => Student($"{p}-{s}", $"{p}-c1")), Student($"{p}-s4", $"{p}-c2"), Student($"{p}-s7", $"{p}-c2")],
                staff:
                [
                    Staff($"{p}-ht", "HeadTeacher", $"class:{p}-c1"), Staff($"{p}-ht2", "HeadTeacher", $"class:{p}-c2"),
                    Staff($"{p}-psy", "PsychTeacher", $"school:{p}-h1"), Staff($"{p}-psy2", "PsychTeacher", $"school:{p}-h2"),
                    Staff($"{p}-dc", "DistrictCenter", $"district:{p}-d"),
                ]));
            Assert.True(roster.StatusCode == HttpStatusCode.OK, await roster.Content.ReadAsStringAsync());
        }

        /// <summary>Moves the clock on and does what the reminder would: every deadline passed by then is acted on now.</summary>
        public async Task AtAsync(DateTimeOffset at)
        {
            time.SetUtcNow(at.ToUniversalTime());
            foreach (var student in Students)
            {
                await host.Grains.Student($"{p}-{student}").CheckDeadlinesAsync();
            }
        }

        /// <summary>Submits an observation; returns the student's open alert after it.</summary>
        public async Task<string> ObserveAsync(string user, string student, string category, int severity)
        {
            using var client = await host.ClientForAsync($"{p}-{user}");
            var response = await client.PostAsJsonAsync("/api/observations", new { studentId = $"{p}-{student}", category, severity });
            var body = await response.JsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
            return body.GetProperty("alertId").GetString() ?? "";
        }

        public async Task AcknowledgeAsync(string user, string alertId)
        {
            using var client = await host.ClientForAsync($"{p}-{user}");
            var response = await client.PostAsync($"/api/alerts/{alertId}/acknowledge", null);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        public async Task ResolveAsync(string user, string alertId)
        {
            using var client = await host.ClientForAsync($"{p}-{user}");
            var response = await client.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "危机解除" });
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        public async Task EntryAsync(string user, string student, object entry)
        {
            using var client = await host.ClientForAsync($"{p}-{user}");
            var response = await client.PostAsJsonAsync($"/api/students/{p}-{student}/case-entries", entry);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        public async Task<MonthlyReport> ReportAsync(string user, string scope, string month)
        {
            using var client = await host.ClientForAsync($"{p}-{user}");
            var report = await DurableCity.GetJsonAsync(client, $"/api/reports/monthly?scope={scope}&month={month}");
            return report.Deserialize<MonthlyReport>(DurableCity.Wire)!;
        }
    }
}
