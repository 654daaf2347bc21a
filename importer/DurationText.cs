namespace MonitorGrid.Importer;

/// <summary>Durations as a clock shows them: <c>2:19</c>, <c>1:02:05</c>.</summary>
public static class DurationText
{
    /// <summary>Shown when the time left is not known (yet).</summary>
    public const string Unknown = "--:--";

    // 99:59:59: beyond that an estimate says nothing and a clock would only grow wider.
    private const double LongestShown = 99 * 3600 + 59 * 60 + 59;

    /// <summary>An elapsed time, whole seconds (a part of a second is not yet a second).</summary>
    public static string Elapsed(TimeSpan elapsed) => Clock(Math.Floor(Math.Clamp(elapsed.TotalSeconds, 0, LongestShown)));

    /// <summary>
    /// The time left from the server's <c>secondsLeft</c>, rounded up so that it reads <c>0:00</c> only when
    /// nothing is left; unknown (null, negative, not a number) is <see cref="Unknown"/>.
    /// </summary>
    public static string Remaining(double? secondsLeft) =>
        secondsLeft is not { } seconds || double.IsNaN(seconds) || seconds < 0 || seconds > LongestShown
            ? Unknown
            : Clock(Math.Ceiling(seconds));

    private static string Clock(double wholeSeconds)
    {
        var total = (long)wholeSeconds;
        var (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
        return hours > 0
            ? FormattableString.Invariant($"{hours}:{minutes:00}:{seconds:00}")
            : FormattableString.Invariant($"{minutes}:{seconds:00}");
    }
}
