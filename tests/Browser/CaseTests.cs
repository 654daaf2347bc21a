using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MonitorGrid.Tests.Browser;

/// <summary>
/// Issue 6 in the browser: the case in the archive (talk, referral, a refused closing), the district's live
/// follow-up board, a school's mentoring list and the monthly report screen. Each test has students of its own.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CaseTests(BrowserFixture browser)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Fact]
    public async Task A_psychology_teacher_records_a_talk_and_a_referral_from_the_archive_and_sees_them_on_the_timeline()
    {
        var name = await browser.ObserveAsync("ht-jinshui-02-7-1", "S000027", "SelfHarm", 2, "case-archive-red");
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "psy-jinshui-02", "金水区第二中学");
        await page.GetByRole(AriaRole.Link, new() { Name = $"查看 {name} 的档案" }).ClickAsync();

        var panel = page.GetByRole(AriaRole.Region, new() { Name = "个案（高关怀）" });
        await Expect(panel).ToContainTextAsync("跟踪中");
        await Expect(panel).ToContainTextAsync("尚无谈话");
        var timeline = page.Locator("ol.timeline");
        await Expect(timeline).ToContainTextAsync("建立个案（高关怀）");

        // A talk without its summary: the server's field error is shown next to the field.
        await panel.GetByRole(AriaRole.Button, new() { Name = "记录谈心谈话" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"记录谈心谈话：{name}" });
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        var summary = dialog.GetByLabel("谈话内容摘要");
        await Expect(summary).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(summary).ToBeFocusedAsync();
        await Expect(dialog.Locator("#case-note-error")).ToContainTextAsync("A talk record says what was talked about.");
        await page.AssertAccessibleAsync("case-talk-dialog");
        await page.SaveScreenshotAsync("case-talk-dialog");

        var next = DateTimeOffset.UtcNow.ToOffset(Beijing).AddDays(7);
        await summary.FillAsync("谈了学习压力和睡眠，约定每周三午休来心理辅导室");
        await dialog.GetByLabel("下次联系日期").FillAsync(next.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(GridUi.Toast(page)).ToContainTextAsync($"已记录：谈心谈话（{name}）");
        await Expect(timeline).ToContainTextAsync("谈了学习压力和睡眠，约定每周三午休来心理辅导室");
        await Expect(timeline).ToContainTextAsync($"下次联系：{next:yyyy/MM/dd}");
        await Expect(timeline).ToContainTextAsync("记录人：psy-jinshui-02（心理教师）");
        await Expect(panel).Not.ToContainTextAsync("尚无谈话");

        await panel.GetByRole(AriaRole.Button, new() { Name = "更新转介状态" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"转介：{name}" });
        await dialog.GetByLabel("转介状态").SelectOptionAsync(new SelectOptionValue { Label = "已转介" });
        await dialog.GetByLabel("医院").FillAsync("市第八人民医院");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(timeline).ToContainTextAsync("转介：已转介");
        await Expect(timeline).ToContainTextAsync("医院：市第八人民医院");
        await Expect(panel.Locator("dl")).ToContainTextAsync("已转介");

        // Closing while the Red alert is open is refused (409): said plainly in the form.
        await panel.GetByRole(AriaRole.Button, new() { Name = "结案" }).ClickAsync();
        dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"结案：{name}" });
        await dialog.GetByLabel("结案原因").FillAsync("情绪稳定，已返校");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("无法记录：");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToContainTextAsync("open Orange or Red alert");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "取消" }).ClickAsync();
        await Expect(panel).ToContainTextAsync("跟踪中");

        await page.AssertAccessibleAsync("archive-case");
        await page.SaveScreenshotAsync("archive-case");
    }

    [Fact]
    public async Task The_district_follow_up_board_lists_a_case_opened_by_a_red_observation_and_updates_live_when_a_talk_is_recorded()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "dc-erqi", "二七区");
        await GridUi.BoardLink(page, "跟踪随访").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "跟踪随访：二七区" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "实时连接" })).ToBeVisibleAsync();

        // Another context (the API, as the head teacher) raises a Red: the case opens and its row arrives live.
        var name = await browser.ObserveAsync("ht-erqi-01-7-2", "S000052", "SelfHarm", 3, "follow-ups-live-red");
        var row = page.Locator("table.follow-ups tbody tr[data-student=\"S000052\"]");
        await Expect(row).ToContainTextAsync(name);
        await Expect(row).ToContainTextAsync("二七区第一中学");
        await Expect(row.Locator(".tier-Red")).ToContainTextAsync("危机");
        await Expect(row).ToContainTextAsync("尚无谈话");
        await Expect(row).ToContainTextAsync("✓ 按期");
        await Expect(row).ToContainTextAsync("尚未制定方案");

        await browser.RecordCaseEntryAsync("ht-erqi-01-7-2", "S000052", new { kind = "Talk", note = "午休时单独谈话，情绪有所缓和" });
        await Expect(row).Not.ToContainTextAsync("尚无谈话");
        await browser.RecordCaseEntryAsync("psy-erqi-01", "S000052", new
        {
            kind = "Plan",
            goals = "每周谈心一次，联系家长，评估是否转介",
            owner = "psy-erqi-01",
            nextContactOn = DateTimeOffset.UtcNow.ToOffset(Beijing).AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        await Expect(row).ToContainTextAsync("psy-erqi-01");

        await page.AssertAccessibleAsync("follow-ups");
        await page.SaveScreenshotAsync("follow-ups-district");

        // Back on the board, the alert shows how long is left to acknowledge it (or by how much it is late).
        await page.GetByRole(AriaRole.Link, new() { Name = "返回看板" }).ClickAsync();
        await Expect(GridUi.AlertRow(page, name).Locator(".due")).ToHaveTextAsync(DueText());
    }

    [Fact]
    public async Task A_mentor_sees_the_schools_vulnerable_group_students_overdue_first()
    {
        // jinshui-02's focus-group students are S000023 and S000033; only S000033 has had a talk.
        await browser.RecordCaseEntryAsync("mentor-jinshui-02", "S000033", new { kind = "Talk", note = "谈了和同学的相处" });
        await using var context = await browser.PhoneContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "mentor-jinshui-02", "金水区第二中学");
        await GridUi.BoardLink(page, "重点关爱").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "重点关爱：金水区第二中学" })).ToBeVisibleAsync();

        var rows = page.Locator("table.mentoring tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Nth(0)).ToHaveAttributeAsync("data-student", "S000023");
        await Expect(rows.Nth(0)).ToContainTextAsync("⚠ 逾期");
        await Expect(rows.Nth(0)).ToContainTextAsync("尚无记录");
        await Expect(rows.Nth(1)).ToContainTextAsync("✓ 按期");
        await Expect(rows.Nth(1)).ToContainTextAsync("慢性疾病或身体原因");
        await Expect(rows.Nth(1)).ToContainTextAsync("mentor-jinshui-02（我）");
        await Expect(page.GetByText("共 2 名学生，其中 1 名谈心谈话逾期。")).ToBeVisibleAsync();

        // The table scrolls inside its panel; the page itself never scrolls sideways on a phone.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await page.AssertAccessibleAsync("mentoring");
        await page.SaveScreenshotAsync("mentoring-phone");
    }

    /// <summary>
    /// The district centre's monthly report from the real endpoint: every figure under its Chinese label
    /// (no raw key shows), and the CSV fetched with the token under the report's own file name.
    /// </summary>
    [Fact]
    public async Task A_district_centre_reads_last_months_report_in_chinese_and_downloads_the_csv_with_the_token()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        var csvRequests = new List<string?>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("format=csv", StringComparison.Ordinal))
            {
                csvRequests.Add(request.Headers.GetValueOrDefault("authorization"));
            }
        };
        await browser.SignInToAsync(page, "dc-erqi", "二七区");
        await GridUi.BoardLink(page, "月报").ClickAsync();

        var lastMonth = DateTimeOffset.UtcNow.ToOffset(Beijing).AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        await Expect(page.GetByLabel("月份", new() { Exact = true })).ToHaveValueAsync(lastMonth);
        await Expect(page.GetByLabel("单位", new() { Exact = true }).Locator("option")).ToHaveTextAsync(["二七区", "二七区第一中学", "二七区第二中学"]);
        var result = page.GetByRole(AriaRole.Region, new() { Name = $"二七区 · {lastMonth} 月报" });
        foreach (var label in new[] { "学生数", "新增预警", "按时确认率", "超时升级", "升级至", "在案学生", "按期", "拟转介", "已返校", "休学" })
        {
            await Expect(result).ToContainTextAsync(label);
        }

        await Expect(result.Locator("table").First).ToContainTextAsync("自伤迹象");
        var text = await result.InnerTextAsync();
        Assert.DoesNotMatch("[a-z][A-Z]", text.Replace("SelfHarm", "", StringComparison.Ordinal));
        await page.AssertAccessibleAsync("report");
        await page.SaveScreenshotAsync("report-district");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "下载 CSV" }).ClickAsync());
        Assert.EndsWith($"{lastMonth}.csv", download.SuggestedFilename, StringComparison.Ordinal);
        Assert.StartsWith("Bearer ", Assert.Single(csvRequests), StringComparison.Ordinal);
        var bytes = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
    }

    [GeneratedRegex("^(◷ 剩余|‼ 已超时) ")]
    private static partial Regex DueText();
}
