using System.Globalization;
using System.Text;
using MonitorGrid.Reports;
using MonitorGrid.Web.Imports.Csv;

namespace MonitorGrid.Web.Api;

/// <summary>
/// The monthly report as a CSV file that Excel opens as it is: UTF-8 with a byte-order mark (without one,
/// Excel on a Chinese Windows reads it as GBK), CRLF line ends, three columns 分类, 指标, 数值, and every
/// field that needs it quoted (RFC 4180). Times are Beijing time, the share a percentage.
/// </summary>
public static class MonthlyReportCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly Dictionary<Tier, string> TierNames = new()
    {
        [Tier.Green] = "正常", [Tier.Yellow] = "关注", [Tier.Orange] = "重点关注", [Tier.Red] = "危机",
    };

    private static readonly Dictionary<Category, string> CategoryNames = new()
    {
        [Category.Mood] = "情绪低落", [Category.Anxiety] = "焦虑紧张", [Category.Withdrawal] = "退缩孤僻",
        [Category.Behavior] = "行为异常", [Category.Academic] = "学业下滑", [Category.Attendance] = "缺勤迟到",
        [Category.SleepAppetite] = "睡眠饮食", [Category.Bullying] = "欺凌冲突", [Category.Family] = "家庭变故",
        [Category.SelfHarm] = "自伤迹象", [Category.Other] = "其他",
    };

    private static readonly Dictionary<ReferralState, string> ReferralNames = new()
    {
        [ReferralState.Proposed] = "拟转介", [ReferralState.Referred] = "已转介", [ReferralState.Seen] = "已就诊", [ReferralState.Returned] = "已返校",
    };

    private static readonly Dictionary<string, string> LevelNames = new(StringComparer.Ordinal)
    {
        ["school"] = "学校", ["district"] = "区县", ["city"] = "市",
    };

    /// <summary>The report's rows as CSV bytes, the byte-order mark first.</summary>
    public static byte[] Write(MonthlyReport report)
    {
        using var csv = new StringWriter(CultureInfo.InvariantCulture);
        Row(csv, "分类", "指标", "数值");
        Row(csv, "报告", "单位", report.Name);
        Row(csv, "报告", "范围", report.Scope);
        Row(csv, "报告", "月份", report.Month);
        Row(csv, "报告", "时区", report.TimeZone);
        Row(csv, "报告", "开始（北京时间）", BeijingTime(report.From));
        Row(csv, "报告", "结束（北京时间，不含）", BeijingTime(report.To));
        Row(csv, "报告", "统计截至（北京时间）", BeijingTime(report.AsOf));
        Row(csv, "报告", "月份已结束", report.Complete ? "是" : "否（本月未结束，数据截至统计时间）");
        Row(csv, "学生", "学生数", report.Students);
        foreach (var tier in Enum.GetValues<Tier>())
        {
            Row(csv, "月末各等级人数", TierNames[tier], report.Tiers[tier]);
        }

        Row(csv, "本月上报", "合计", report.Observations.Total);
        foreach (var category in report.Observations.Categories)
        {
            Row(csv, "本月上报", CategoryNames[category.Category], category.Count);
        }

        var alerts = report.Alerts;
        Row(csv, "本月预警", "新增预警", alerts.Raised);
        foreach (var tier in Enum.GetValues<Tier>().Where(t => t != Tier.Green))
        {
            Row(csv, "本月预警", $"其中{TierNames[tier]}", alerts.ByTier[tier]);
        }

        Row(csv, "本月预警", "按时确认", alerts.WithinSla);
        Row(csv, "本月预警", "超时确认", alerts.Late);
        Row(csv, "本月预警", "月末未确认", alerts.NotAcknowledged);
        Row(csv, "本月预警", "按时确认率", alerts.ShareWithinSla is { } share ? (share * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "无预警");
        Row(csv, "超时升级", "合计", report.Escalations.Total);
        foreach (var level in report.Escalations.Levels)
        {
            Row(csv, "超时升级", $"{level.Level}级（{LevelNames[level.Reaches]}）", level.Count);
        }

        var followUps = report.FollowUps;
        Row(csv, "跟踪随访", "月末在案个案（高关怀）", followUps.Tracked);
        Row(csv, "跟踪随访", "按期随访", followUps.OnSchedule);
        Row(csv, "跟踪随访", "随访逾期", followUps.Overdue);
        Row(csv, "跟踪随访", "本月谈心谈话", followUps.Talks);
        Row(csv, "跟踪随访", "本月新建个案", followUps.CasesOpened);
        Row(csv, "跟踪随访", "本月结案", followUps.CasesClosed);
        Row(csv, "跟踪随访", "本月随访逾期提醒", followUps.OverdueAlerts);
        foreach (var state in report.Referrals.States)
        {
            Row(csv, "转介", $"本月登记：{ReferralNames[state.State]}", state.Recorded);
        }

        foreach (var state in report.Referrals.States)
        {
            Row(csv, "转介", $"月末在案：{ReferralNames[state.State]}", state.OpenCasesAtEnd);
        }

        Row(csv, "转介", "月末在案：未转介", report.Referrals.OpenCasesWithout);
        Row(csv, "休学复学", "本月休学", report.Leave.Leaves);
        Row(csv, "休学复学", "本月复学", report.Leave.Returns);
        Row(csv, "休学复学", "月末休学中", report.Leave.OnLeaveAtEnd);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    /// <summary>The file's name, e.g. <c>月报-金水区-2026-03.csv</c>, without characters a file system refuses.</summary>
    public static string FileName(MonthlyReport report) => $"月报-{Sanitize(report.Name)}-{report.Month}.csv";

    /// <summary>An ASCII name for clients that do not read <c>filename*</c>, e.g. <c>monthly-report-district-jinshui-2026-03.csv</c>.</summary>
    public static string AsciiFileName(MonthlyReport report) => $"monthly-report-{report.Scope.Replace(':', '-')}-{report.Month}.csv";

    private static void Row(TextWriter csv, string section, string figure, int value) =>
        Row(csv, section, figure, value.ToString(CultureInfo.InvariantCulture));

    private static void Row(TextWriter csv, string section, string figure, string value) => CsvText.WriteRow(csv, [section, figure, value]);

    private static string BeijingTime(DateTimeOffset instant) =>
        instant.ToOffset(ReportMonth.BeijingOffset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Sanitize(string name)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat("\\/:*?\"<>|").ToHashSet();
        var clean = new string([.. name.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c)]).Trim();
        return clean.Length == 0 ? "report" : clean;
    }
}
