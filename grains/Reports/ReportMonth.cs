using System.Globalization;
using MonitorGrid.Model;

namespace MonitorGrid.Reports;

/// <summary>
/// A calendar month in Beijing time (Asia/Shanghai), the period of a monthly report (月报): from Beijing
/// midnight on the 1st up to, not including, Beijing midnight on the 1st of the next month.
/// </summary>
/// <param name="Year">The year, 2000 or later.</param>
/// <param name="Month">The month, 1-12.</param>
public readonly record struct ReportMonth(int Year, int Month)
{
    /// <summary>The zone whose midnights bound a month.</summary>
    public const string TimeZoneName = BeijingTime.ZoneName;

    /// <summary>The earliest year a report may be asked for.</summary>
    public const int FirstYear = 2000;

    /// <summary>Beijing time's offset from UTC (see <see cref="BeijingTime"/>).</summary>
    public static readonly TimeSpan BeijingOffset = BeijingTime.Offset;

    /// <summary>Beijing midnight on the month's first day.</summary>
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, BeijingOffset);

    /// <summary>Beijing midnight on the next month's first day: the first instant after the month.</summary>
    public DateTimeOffset End => Start.AddMonths(1);

    /// <summary>The Beijing month <paramref name="instant"/> falls in.</summary>
    public static ReportMonth Of(DateTimeOffset instant)
    {
        var beijing = instant.ToOffset(BeijingOffset);
        return new ReportMonth(beijing.Year, beijing.Month);
    }

    /// <summary>Reads <c>yyyy-MM</c> (e.g. <c>2026-03</c>) and nothing else; years before <see cref="FirstYear"/> are refused.</summary>
    public static bool TryParse(string? text, out ReportMonth month)
    {
        month = default;
        if (text is not { Length: 7 }
            || !DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            || parsed.Year < FirstYear)
        {
            return false;
        }

        month = new ReportMonth(parsed.Year, parsed.Month);
        return true;
    }

    /// <summary>Whether <paramref name="instant"/> lies in the month.</summary>
    public bool Contains(DateTimeOffset instant) => instant >= Start && instant < End;

    /// <summary><c>yyyy-MM</c>.</summary>
    public override string ToString() => $"{Year:D4}-{Month:D2}";
}
