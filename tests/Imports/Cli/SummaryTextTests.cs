using MonitorGrid.Importer;

// The importer's own wire types under names of their own: the server's (likely MonitorGrid.ImportState …) would
// otherwise shadow them inside this namespace.
using CliRowError = MonitorGrid.Importer.RowError;
using CliState = MonitorGrid.Importer.ImportState;

namespace MonitorGrid.Tests.Imports.Cli;

public sealed class The_summary_states_the_outcome_in_numbers
{
    private static readonly DateTimeOffset Started = new(2026, 3, 9, 1, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_completed_import_shows_applied_unchanged_failed_elapsed_speed_and_state()
    {
        var job = CliJobs.Completed(applied: 1_999_000, unchanged: 988, failed: 12, startedAt: Started, finishedAt: Started.AddSeconds(139));

        var lines = Lines(SummaryText.Format(job, measured: TimeSpan.FromMinutes(5)));

        Assert.Equal(
            [
                "导入完成：results.csv（心理筛查结果，导入编号 imp-1）",
                "  状态：已完成（Completed）",
                "  已应用：1,999,000 行",
                "  未变化：988 行",
                "  失败：12 行",
                "  用时：2:19",
                "  速度：14,388 行/秒",
            ],
            lines);
    }

    [Fact]
    public void Without_the_server_times_the_time_measured_by_the_importer_counts()
    {
        var job = CliJobs.Completed(applied: 600);

        var lines = Lines(SummaryText.Format(job, measured: TimeSpan.FromSeconds(60)));

        Assert.Contains("  用时：1:00", lines);
        Assert.Contains("  速度：10 行/秒", lines);
    }

    [Fact]
    public void Raised_tiers_ignored_columns_and_the_server_message_are_added_when_there_are_any()
    {
        var job = CliJobs.Completed(applied: 10) with { State = CliState.Failed, TiersRaised = 3, IgnoredColumns = ["备注", "班级"], Message = "读取文件时连接中断" };

        var lines = Lines(SummaryText.Format(job, TimeSpan.FromSeconds(2)));

        Assert.Equal("导入失败：results.csv（心理筛查结果，导入编号 imp-1）", lines[0]);
        Assert.Contains("  状态：失败（Failed）", lines);
        Assert.Contains("  等级上升：3 名学生", lines);
        Assert.Contains("  已忽略的列：备注、班级", lines);
        Assert.Contains("  说明：读取文件时连接中断", lines);
    }

    [Fact]
    public void A_row_error_names_its_row_column_reason_and_content()
    {
        Assert.Equal("第 17 行 · 第9题：取值应为 0-3（内容：7）", SummaryText.RowErrorLine(new CliRowError(17, "第9题", "取值应为 0-3", "7")));
        Assert.Equal("第 4 行：学号重复", SummaryText.RowErrorLine(new CliRowError(4, null, "学号重复", null)));
    }

    [Theory]
    [InlineData(CliState.Completed, 0L, ExitCodes.Completed)]
    [InlineData(CliState.Completed, 3L, ExitCodes.CompletedWithRowErrors)]
    [InlineData(CliState.Cancelled, 3L, ExitCodes.Cancelled)]
    [InlineData(CliState.Failed, 0L, ExitCodes.Failed)]
    public void The_exit_code_follows_the_final_state_and_the_row_errors(CliState state, long failed, int expected)
    {
        var job = CliJobs.Completed(failed: failed) with { State = state };

        Assert.Equal(expected, ExitCodes.For(job));
    }

    private static string[] Lines(string text) => text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
