using MonitorGrid.Model;
using MonitorGrid.Persistence;

namespace MonitorGrid.Web.Api;

/// <summary>One calendar day of a scope's trend: the tiers of its students at the end of that day.</summary>
/// <param name="Date">The day in Beijing time, yyyy-MM-dd.</param>
/// <param name="Counts">Students per tier at the end of the day (for today: now).</param>
public sealed record TrendDay(string Date, TierCounts Counts);

/// <summary>A scope's tier counts day by day, oldest first, ending today.</summary>
/// <param name="Scope">The scope's wire form.</param>
/// <param name="TimeZone">The zone whose midnights divide the days: always Asia/Shanghai.</param>
/// <param name="Days">One entry per day.</param>
public sealed record ScopeTrend(string Scope, string TimeZone, TrendDay[] Days);

/// <summary>Turns a scope's tier history into per-day counts on Beijing calendar days.</summary>
public static class TierTrend
{
    public const string TimeZoneName = BeijingTime.ZoneName;

    private static readonly TimeSpan Beijing = BeijingTime.Offset;

    /// <summary>The Beijing calendar day <paramref name="instant"/> falls on.</summary>
    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Beijing).DateTime);

    /// <summary>Beijing midnight at the start of <paramref name="day"/>.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), Beijing);

    /// <summary>The first day of a trend of <paramref name="days"/> days ending on the day of <paramref name="now"/>.</summary>
    public static DateOnly FirstDay(DateTimeOffset now, int days) => DayOf(now).AddDays(1 - days);

    /// <summary>
    /// Counts per day from <paramref name="history"/>, which must start at <see cref="StartOf"/> the first day.
    /// Students with no record by the end of a day count as Green.
    /// </summary>
    public static TrendDay[] Build(TierHistory history, DateTimeOffset now, int days)
    {
        var first = FirstDay(now, days);
        var tiers = history.AtStart.ToDictionary(c => c.StudentId, c => c.Tier, StringComparer.Ordinal);
        var result = new TrendDay[days];
        var next = 0;
        for (var d = 0; d < days; d++)
        {
            var last = d == days - 1;
            var end = last ? now : StartOf(first.AddDays(d + 1));
            while (next < history.Changes.Count && (history.Changes[next].At < end || (last && history.Changes[next].At <= end)))
            {
                var change = history.Changes[next++];
                tiers[change.StudentId] = change.Tier;
            }

            int yellow = 0, orange = 0, red = 0;
            foreach (var tier in tiers.Values)
            {
                switch (tier)
                {
                    case Tier.Yellow: yellow++; break;
                    case Tier.Orange: orange++; break;
                    case Tier.Red: red++; break;
                }
            }

            var green = Math.Max(0, history.Students - yellow - orange - red);
            result[d] = new TrendDay(first.AddDays(d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), new TierCounts(green, yellow, orange, red));
        }

        return result;
    }
}
