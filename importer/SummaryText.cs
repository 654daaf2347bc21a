using System.Text;

namespace MonitorGrid.Importer;

/// <summary>The summary printed on stdout once the job is final, in Chinese with its numbers.</summary>
public static class SummaryText
{
    /// <summary>
    /// The summary of <paramref name="job"/>. The elapsed time is the server's (started to finished);
    /// <paramref name="measured"/>, the client's own clock, stands in when the server did not give both.
    /// </summary>
    public static string Format(ImportJob job, TimeSpan measured)
    {
        var elapsed = job is { StartedAt: { } started, FinishedAt: { } finished } && finished >= started ? finished - started : measured;
        var rate = elapsed.TotalSeconds >= 1 ? job.RowsDone / elapsed.TotalSeconds : job.RowsPerSecond;
        var text = new StringBuilder();
        text.AppendLine($"{Heading(job.State)}：{job.FileName}（{KindName(job.Kind)}，导入编号 {job.ImportId}）")
            .AppendLine($"  状态：{StateName(job.State)}（{job.State}）")
            .AppendLine($"  已应用：{ProgressLine.Number(job.RowsApplied)} 行")
            .AppendLine($"  未变化：{ProgressLine.Number(job.RowsUnchanged)} 行")
            .AppendLine($"  失败：{ProgressLine.Number(job.RowsFailed)} 行")
            .AppendLine($"  用时：{DurationText.Elapsed(elapsed)}")
            .AppendLine($"  速度：{ProgressLine.Number(rate)} 行/秒");
        if (job.TiersRaised > 0)
        {
            text.AppendLine($"  等级上升：{ProgressLine.Number(job.TiersRaised)} 名学生");
        }

        if (job.IgnoredColumns is { Count: > 0 } ignored)
        {
            text.AppendLine($"  已忽略的列：{string.Join("、", ignored)}");
        }

        if (!string.IsNullOrWhiteSpace(job.Message))
        {
            text.AppendLine($"  说明：{job.Message}");
        }

        return text.ToString();
    }

    /// <summary>One row error: <c>第 17 行 · 第9题：原因（内容：7）</c>.</summary>
    public static string RowErrorLine(RowError error)
    {
        var where = string.IsNullOrEmpty(error.Column) ? $"第 {error.Row} 行" : $"第 {error.Row} 行 · {error.Column}";
        return string.IsNullOrEmpty(error.Value) ? $"{where}：{error.Reason}" : $"{where}：{error.Reason}（内容：{error.Value}）";
    }

    /// <summary>The state as the summary and the progress line name it.</summary>
    public static string StateName(ImportState state) => state switch
    {
        ImportState.Waiting => "等待上传",
        ImportState.Running => "导入中",
        ImportState.Completed => "已完成",
        ImportState.Cancelled => "已取消",
        ImportState.Failed => "失败",
        _ => state.ToString(),
    };

    private static string Heading(ImportState state) => state switch
    {
        ImportState.Completed => "导入完成",
        ImportState.Cancelled => "导入已取消",
        ImportState.Failed => "导入失败",
        _ => "导入未结束",
    };

    private static string KindName(ImportKind kind) => kind switch
    {
        ImportKind.Students => "学生名册",
        ImportKind.Staff => "教职工",
        ImportKind.Screening => "心理筛查结果",
        _ => kind.ToString(),
    };
}
