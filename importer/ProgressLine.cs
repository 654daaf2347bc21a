using System.Globalization;
using System.Text;

namespace MonitorGrid.Importer;

/// <summary>
/// The progress line: <c>[##########----------]  50%  1,000,000 行 · 7,210 行/秒 · 12 错误 · 剩余 2:19</c>.
/// The bar and percentage follow the bytes read (the only measure known in advance), the rest the rows.
/// </summary>
public static class ProgressLine
{
    /// <summary>Characters in the bar between its brackets.</summary>
    public const int BarWidth = 20;

    /// <summary>The line for <paramref name="job"/>; without a terminal (<paramref name="withBar"/> false) the bar is left out.</summary>
    public static string Format(ImportJob job, bool withBar = true)
    {
        var fraction = Fraction(job);
        var line = new StringBuilder();
        if (withBar)
        {
            line.Append(Bar(fraction)).Append(' ');
        }

        line.Append(Percent(fraction))
            .Append("  ").Append(Number(job.RowsDone)).Append(" 行")
            .Append(" · ").Append(Number(job.RowsPerSecond)).Append(" 行/秒")
            .Append(" · ").Append(Number(job.RowsFailed)).Append(" 错误")
            .Append(" · ").Append(job.IsFinished ? SummaryText.StateName(job.State) : "剩余 " + DurationText.Remaining(job.SecondsLeft));
        return withBar ? line.ToString() : line.ToString().TrimStart();
    }

    /// <summary>How much of the file the server has read, 0 to 1; null while its size is unknown.</summary>
    public static double? Fraction(ImportJob job)
    {
        if (job.State == ImportState.Completed)
        {
            return 1;
        }

        return job.BytesTotal is > 0 and var total ? Math.Clamp((double)job.BytesRead / total, 0, 1) : null;
    }

    /// <summary><c>[#####---------------]</c>; all dashes while the size is unknown.</summary>
    public static string Bar(double? fraction)
    {
        var filled = (int)Math.Floor((fraction ?? 0) * BarWidth);
        return "[" + new string('#', filled) + new string('-', BarWidth - filled) + "]";
    }

    /// <summary>
    /// Whole percent, three wide, rounded down so that 100% means every byte was read; <c>?%</c> while the
    /// size is unknown.
    /// </summary>
    public static string Percent(double? fraction) =>
        fraction is { } f ? FormattableString.Invariant($"{(int)Math.Floor(f * 100),3}%") : "  ?%";

    /// <summary>A count with thousands separators, whatever the machine's culture: <c>1,000,000</c>.</summary>
    public static string Number(double value) => Math.Round(value).ToString("N0", CultureInfo.InvariantCulture);
}
