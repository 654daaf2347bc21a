using MonitorGrid.Importer;

// The importer's own wire type under a name of its own: the server's (likely MonitorGrid.ImportState) would
// otherwise shadow it inside this namespace.
using CliState = MonitorGrid.Importer.ImportState;

namespace MonitorGrid.Tests.Imports.Cli;

public sealed class The_progress_line_shows_bytes_rows_speed_errors_and_time_left
{
    [Fact]
    public void Halfway_through_it_reads_as_the_example()
    {
        var job = CliJobs.Running(bytesRead: 50_000_000, bytesTotal: 100_000_000, applied: 999_000, unchanged: 988, failed: 12, rowsPerSecond: 7_210.4, secondsLeft: 139);

        Assert.Equal("[##########----------]  50%  1,000,000 行 · 7,210 行/秒 · 12 错误 · 剩余 2:19", ProgressLine.Format(job));
    }

    [Fact]
    public void Before_any_byte_is_read_the_bar_is_empty_at_zero_percent()
    {
        var job = CliJobs.Running(bytesRead: 0, bytesTotal: 2_000);

        Assert.Equal("[--------------------]   0%  0 行 · 0 行/秒 · 0 错误 · 剩余 --:--", ProgressLine.Format(job));
    }

    [Fact]
    public void A_completed_import_is_a_full_bar_at_one_hundred_percent_with_its_state()
    {
        var job = CliJobs.Completed(bytesRead: 2_000, bytesTotal: 2_000, applied: 2_000_000, failed: 3, rowsPerSecond: 15_000);

        Assert.Equal("[####################] 100%  2,000,003 行 · 15,000 行/秒 · 3 错误 · 已完成", ProgressLine.Format(job));
    }

    [Fact]
    public void The_last_byte_not_yet_read_is_not_yet_one_hundred_percent()
    {
        var job = CliJobs.Running(bytesRead: 999, bytesTotal: 1_000);

        Assert.StartsWith("[###################-]  99%", ProgressLine.Format(job), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    public void A_size_not_known_yet_shows_a_question_mark_and_no_time_left(long? bytesTotal)
    {
        var job = CliJobs.Running(bytesRead: 4_096, bytesTotal: bytesTotal, applied: 1_234);

        Assert.Equal("[--------------------]   ?%  1,234 行 · 0 行/秒 · 0 错误 · 剩余 --:--", ProgressLine.Format(job));
    }

    [Fact]
    public void Without_a_terminal_the_line_has_no_bar()
    {
        var job = CliJobs.Running(bytesRead: 250, bytesTotal: 1_000, applied: 12_345, rowsPerSecond: 999.6, secondsLeft: 3_725);

        Assert.Equal("25%  12,345 行 · 1,000 行/秒 · 0 错误 · 剩余 1:02:05", ProgressLine.Format(job, withBar: false));
    }

    [Fact]
    public void A_cancelled_import_keeps_the_fraction_it_reached()
    {
        var job = CliJobs.Running(bytesRead: 300, bytesTotal: 1_000, applied: 10) with { State = CliState.Cancelled };

        Assert.Equal("[######--------------]  30%  10 行 · 0 行/秒 · 0 错误 · 已取消", ProgressLine.Format(job));
    }
}

public sealed class Durations_read_like_a_clock
{
    [Theory]
    [InlineData(null, "--:--")]
    [InlineData(-1.0, "--:--")]
    [InlineData(double.NaN, "--:--")]
    [InlineData(1e12, "--:--")]
    [InlineData(0.0, "0:00")]
    [InlineData(0.2, "0:01")]
    [InlineData(59.2, "1:00")]
    [InlineData(139.0, "2:19")]
    [InlineData(3_600.0, "1:00:00")]
    [InlineData(3_725.0, "1:02:05")]
    public void The_time_left_is_rounded_up_to_whole_seconds(double? secondsLeft, string expected) =>
        Assert.Equal(expected, DurationText.Remaining(secondsLeft));

    [Theory]
    [InlineData(0.0, "0:00")]
    [InlineData(59.9, "0:59")]
    [InlineData(139.5, "2:19")]
    [InlineData(36_061.0, "10:01:01")]
    public void The_elapsed_time_counts_whole_seconds(double seconds, string expected) =>
        Assert.Equal(expected, DurationText.Elapsed(TimeSpan.FromSeconds(seconds)));
}
