using MonitorGrid.Persistence;
using MonitorGrid.Web.Api;

namespace MonitorGrid.Tests.Api;

/// <summary>Per-day tier counts on Beijing calendar days (UTC+8: Beijing midnight is 16:00 UTC the day before).</summary>
public sealed class TierTrendTests
{
    // 18:00 in Beijing on 2026-11-22.
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset Nov20BeijingMidnight = new(2026, 11, 19, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Days_run_oldest_first_and_end_today_in_Beijing_even_when_utc_is_still_yesterday()
    {
        // 23:30 UTC on the 21st is 07:30 on the 22nd in Beijing.
        var lateUtc = new DateTimeOffset(2026, 11, 21, 23, 30, 0, TimeSpan.Zero);

        var days = TierTrend.Build(new TierHistory(3, [], []), lateUtc, 3);

        Assert.Equal(["2026-11-20", "2026-11-21", "2026-11-22"], days.Select(d => d.Date));
        Assert.All(days, d => Assert.Equal(new TierCounts(3, 0, 0, 0), d.Counts));
        Assert.Equal(Nov20BeijingMidnight, TierTrend.StartOf(TierTrend.FirstDay(lateUtc, 3)));
    }

    [Fact]
    public void A_change_at_2359_counts_that_day_and_one_at_0001_the_next()
    {
        var history = new TierHistory(
            Students: 5,
            AtStart: [new TierChange("s0", Nov20BeijingMidnight, Tier.Yellow)],
            Changes:
            [
                new TierChange("s1", new DateTimeOffset(2026, 11, 20, 15, 59, 0, TimeSpan.Zero), Tier.Yellow), // 23:59 on the 20th
                new TierChange("s2", new DateTimeOffset(2026, 11, 20, 16, 1, 0, TimeSpan.Zero), Tier.Red),     // 00:01 on the 21st
                new TierChange("s3", new DateTimeOffset(2026, 11, 21, 16, 0, 0, TimeSpan.Zero), Tier.Orange),  // 00:00 sharp on the 22nd
                new TierChange("s1", new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero), Tier.Green),    // resolved today
            ]);

        var days = TierTrend.Build(history, Now, 3);

        Assert.Equal(new TierCounts(3, 2, 0, 0), days[0].Counts);
        Assert.Equal(new TierCounts(2, 2, 0, 1), days[1].Counts);
        Assert.Equal(new TierCounts(2, 1, 1, 1), days[2].Counts);
    }

    [Fact]
    public void Today_includes_a_change_made_at_this_very_instant_and_nothing_after_it()
    {
        var history = new TierHistory(2, [],
        [
            new TierChange("s1", Now, Tier.Red),
            new TierChange("s2", Now.AddSeconds(1), Tier.Red),
        ]);

        var today = TierTrend.Build(history, Now, 1).Single();

        Assert.Equal("2026-11-22", today.Date);
        Assert.Equal(new TierCounts(1, 0, 0, 1), today.Counts);
    }
}
