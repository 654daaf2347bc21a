using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using static MonitorGrid.Tests.Api.ApiTestSupport;

namespace MonitorGrid.Tests.Durability;

/// <summary>
/// The trend and the categories over real HTTP on a host whose clock the test moves across Beijing days, once
/// in memory and once on PostgreSQL: the same story, the same answers. Each run starts a host of its own, the
/// only way to give the grains and the API one clock that is not the machine's.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class The_trend_and_categories_follow_the_clock_across_beijing_days(PostgresServer postgres)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static TheoryData<string> Stores => new() { "memory", "postgres" };

    /// <summary>A moment on <paramref name="day"/> in Beijing time.</summary>
    private static DateTimeOffset At(DateOnly day, int hour, int minute) =>
        new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute)), Beijing).ToUniversalTime();

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Yellow_at_2359_on_day_one_red_on_day_three_then_resolved_counts_on_the_right_days(string store)
    {
        // Day one is five days ago, so tokens signed on the test's clock are valid on the machine's as well.
        var day1 = DateOnly.FromDateTime(DateTimeOffset.UtcNow.ToOffset(Beijing).DateTime).AddDays(-5);
        var time = new FakeTimeProvider(At(day1, 10, 0));
        var p = $"tr{store[0]}";
        await using var host = await ClockedHost.StartAsync(store, postgres, time);

        using (var admin = await host.AdminAsync())
        {
            var roster = await admin.PutAsJsonAsync("/api/roster", Roster(
                districts: [District($"{p}-d")],
                schools: [School($"{p}-h", $"{p}-d")],
                classes: [Class($"{p}-c", $"{p}-h")],
                students: [Student($"{p}-s1", $"{p}-c"), Student($"{p}-s2", $"{p}-c"), Student($"{p}-s3", $"{p}-c"), Student($"{p}-s4", $"{p}-c")],
                staff: [Staff($"{p}-ht", "HeadTeacher", $"class:{p}-c"), Staff($"{p}-psy", "PsychTeacher", $"school:{p}-h")]));
            Assert.Equal(HttpStatusCode.OK, roster.StatusCode);
        }

        using var teacher = await host.ClientForAsync($"{p}-ht");
        using var psych = await host.ClientForAsync($"{p}-psy");

        // 23:59 on day one, then 00:01 on day two (Beijing).
        time.SetUtcNow(At(day1, 23, 59));
        Assert.Equal("Yellow", await TierAfterAsync(teacher, $"{p}-s1", "Withdrawal", 2));
        time.SetUtcNow(At(day1.AddDays(1), 0, 1));
        Assert.Equal("Yellow", await TierAfterAsync(teacher, $"{p}-s2", "Mood", 2));
        time.SetUtcNow(At(day1.AddDays(2), 10, 0));
        var red = await teacher.PostAsJsonAsync("/api/observations", new { studentId = $"{p}-s1", category = "SelfHarm", severity = 1 });
        var alertId = (await red.JsonAsync()).GetProperty("alertId").GetString();

        var onDayThree = await DurableCity.GetJsonAsync(psych, $"/api/scopes/class:{p}-c/trend?days=3");

        Assert.Equal(
            [(Date(day1), new TierCounts(3, 1, 0, 0)), (Date(day1.AddDays(1)), new TierCounts(2, 2, 0, 0)), (Date(day1.AddDays(2)), new TierCounts(2, 1, 0, 1))],
            Days(onDayThree));

        time.SetUtcNow(At(day1.AddDays(3), 9, 0));
        var resolved = await psych.PostAsJsonAsync($"/api/alerts/{alertId}/resolve", new { note = "已谈话" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);

        var onDayFour = await DurableCity.GetJsonAsync(psych, $"/api/scopes/school:{p}-h/trend?days=5");
        // Asked again the next day, within the cache's interval: not yesterday's answer.
        var classOnDayFour = await DurableCity.GetJsonAsync(psych, $"/api/scopes/class:{p}-c/trend?days=3");

        Assert.Equal("Asia/Shanghai", onDayFour.GetProperty("timeZone").GetString());
        Assert.Equal(
            [
                (Date(day1.AddDays(-1)), new TierCounts(4, 0, 0, 0)),
                (Date(day1), new TierCounts(3, 1, 0, 0)),
                (Date(day1.AddDays(1)), new TierCounts(2, 2, 0, 0)),
                (Date(day1.AddDays(2)), new TierCounts(2, 1, 0, 1)),
                (Date(day1.AddDays(3)), new TierCounts(3, 1, 0, 0)),
            ],
            Days(onDayFour));
        Assert.Equal(Days(onDayFour)[2..], Days(classOnDayFour));

        // Categories by when observed, in the last N days back from now (day four, 09:00).
        Assert.Equal(("SelfHarm", 1), await ReportedAsync(psych, $"class:{p}-c", 1));
        Assert.Equal(("SelfHarm", 1), await ReportedAsync(psych, $"class:{p}-c", 2));
        Assert.Equal(("Mood, SelfHarm, Withdrawal", 3), await ReportedAsync(psych, $"class:{p}-c", 3));
    }

    private static async Task<string?> TierAfterAsync(HttpClient client, string studentId, string category, int severity)
    {
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId, category, severity });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("tier").GetString();
    }

    private static List<(string, TierCounts)> Days(JsonElement trend) =>
        [.. trend.GetProperty("days").EnumerateArray().Select(d =>
            (d.GetProperty("date").GetString()!, d.GetProperty("counts").Deserialize<TierCounts>(DurableCity.Wire)!))];

    /// <summary>The categories with observations in the last <paramref name="days"/> days, and how many observations.</summary>
    private static async Task<(string, int)> ReportedAsync(HttpClient client, string scope, int days)
    {
        var breakdown = await DurableCity.GetJsonAsync(client, $"/api/scopes/{scope}/categories?days={days}");
        var reported = breakdown.GetProperty("categories").EnumerateArray()
            .Where(c => c.GetProperty("count").GetInt32() > 0)
            .Select(c => c.GetProperty("category").GetString()!)
            .Order(StringComparer.Ordinal);
        return (string.Join(", ", reported), breakdown.GetProperty("observations").GetInt32());
    }
}
