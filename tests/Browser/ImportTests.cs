using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MonitorGrid.Tests.Browser;

/// <summary>
/// The imports screen (导入, docs/imports.md) against the real host: a roster that creates its own district, school
/// and class (ids <c>ui-imp-…</c>); a screening file of school erqi-02 (S000061-S000080, psychology teacher
/// psy-erqi-02) with a bad row, then the results in a student's archive; a refused header; the screen on a phone.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ImportTests(BrowserFixture browser)
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    private const string ScreeningHeader = "学号,量表,测评日期,第1题,第2题,第3题,第4题,第5题,第6题,第7题,第8题,第9题,总分";

    /// <summary>A file as the file picker hands it over: UTF-8 with a byte-order mark, lines ending in CRLF.</summary>
    private static FilePayload Csv(string name, params string[] lines) => new()
    {
        Name = name,
        MimeType = "text/csv",
        Buffer = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(string.Join("\r\n", lines) + "\r\n")],
    };

    private static async Task<IPage> OpenImportsAsync(IBrowserContext context, BrowserFixture browser, string userId, string firstHeading)
    {
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, userId, firstHeading);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "主导航" }).GetByRole(AriaRole.Link, new() { Name = "导入", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "数据导入", Exact = true })).ToBeVisibleAsync();
        return page;
    }

    private static async Task StartAsync(IPage page, string kind, FilePayload file)
    {
        await page.GetByLabel("导入内容").SelectOptionAsync(new SelectOptionValue { Label = kind });
        await page.GetByLabel("CSV 文件").SetInputFilesAsync(file);
        await page.GetByRole(AriaRole.Button, new() { Name = "开始导入" }).ClickAsync();
    }

    private static ILocator Live(IPage page, string fileName) =>
        page.GetByRole(AriaRole.Region, new() { Name = $"导入进度：{fileName}" });

    private static ILocator Summary(IPage page) => page.Locator("dl.import-summary");

    [Fact]
    public async Task An_admin_imports_a_roster_that_creates_its_district_school_and_class_and_sees_every_row_applied()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await OpenImportsAsync(context, browser, "admin", "全市");
        var uploads = new List<(string Method, string? ContentType, string? Authorization)>();
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/content", StringComparison.Ordinal))
            {
                uploads.Add((request.Method, request.Headers.GetValueOrDefault("content-type"), request.Headers.GetValueOrDefault("authorization")));
            }
        };
        await Expect(page.GetByLabel("导入内容").Locator("option")).ToHaveTextAsync(["学生名册", "教职工", "心理测评"]);

        // The template of the chosen kind: UTF-8 with a byte-order mark, the Chinese header and an example row.
        var template = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "下载模板" }).ClickAsync());
        Assert.Equal("学生名册导入模板.csv", template.SuggestedFilename);
        var templateText = await File.ReadAllBytesAsync(await template.PathAsync());
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, templateText[..3]);
        var templateLines = Encoding.UTF8.GetString(templateText[3..]).Split("\r\n");
        Assert.Equal("学号,姓名,性别,班级编号,关爱类别,成长导师,班级名称,年级,学校编号,学校名称,区编号,区名称", templateLines[0]);
        Assert.Equal(3, templateLines.Length); // header, example, and the end of the last line

        await StartAsync(page, "学生名册", Csv("ui-imp-roster.csv",
            "学号,姓名,性别,班级编号,班级名称,年级,学校编号,学校名称,区编号,区名称",
            "ui-imp-s1,导入甲,男,ui-imp-c1,七(1)班,7,ui-imp-h1,界面导入中学,ui-imp-d1,界面导入区",
            "ui-imp-s2,导入乙,女,ui-imp-c1,七(1)班,7,ui-imp-h1,界面导入中学,ui-imp-d1,界面导入区",
            "ui-imp-s3,导入丙,,ui-imp-c1,,,,,,"));

        var live = Live(page, "ui-imp-roster.csv");
        await Expect(live.GetByRole(AriaRole.Status).Filter(new() { HasText = "导入完成" }))
            .ToHaveTextAsync("导入完成：已导入 3 行，未变化 0 行，出错 0 行。");
        await Expect(live.GetByRole(AriaRole.Heading, new() { Name = "导入结果：已完成" })).ToBeVisibleAsync();
        await Expect(Summary(page)).ToContainTextAsync("已导入3 行");
        await Expect(Summary(page)).ToContainTextAsync("出错0 行");
        await Expect(Summary(page)).Not.ToContainTextAsync("升级人数");
        await Expect(live.GetByRole(AriaRole.Button, new() { Name = "下载错误报告" })).ToHaveCountAsync(0);
        await Expect(live.GetByRole(AriaRole.Button, new() { Name = "取消导入" })).ToBeHiddenAsync();
        var (method, contentType, authorization) = Assert.Single(uploads);
        Assert.Equal(("PUT", "text/csv"), (method, contentType));
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);

        var recent = page.Locator("table.imports tbody tr").Filter(new() { HasText = "ui-imp-roster.csv" });
        await Expect(recent).ToContainTextAsync("已完成");
        await Expect(recent).ToContainTextAsync("3 / 0 / 0");

        // The roster is there: the last row joined the class the first created, in its new school and district.
        using var admin = await browser.Web.ClientForAsync("admin");
        var student = await admin.GetFromJsonAsync<JsonElement>("/api/students/ui-imp-s3");
        Assert.Equal(("ui-imp-c1", "ui-imp-h1", "ui-imp-d1"),
            (student.GetProperty("classId").GetString(), student.GetProperty("schoolId").GetString(), student.GetProperty("districtId").GetString()));

        await page.AssertAccessibleAsync("imports-admin");
        await page.SaveScreenshotAsync("imports-admin");
    }

    [Fact]
    public async Task A_psychology_teacher_imports_screening_results_sees_the_bad_row_and_finds_the_results_in_the_archive()
    {
        var takenOn = DateTimeOffset.UtcNow.ToOffset(Beijing).AddDays(-7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var context = await browser.DesktopContextAsync();
        var page = await OpenImportsAsync(context, browser, "psy-erqi-02", "二七区第二中学");
        await Expect(page.GetByLabel("导入内容").Locator("option")).ToHaveTextAsync(["心理测评"]);
        await Expect(page.Locator("table.import-columns")).ToContainTextAsync("第1题 … 第9题");

        await StartAsync(page, "心理测评", Csv("ui-imp-screening.csv",
            ScreeningHeader,
            $"S000061,PHQ-9,{takenOn},2,2,2,2,1,1,1,0,1,12",
            $"S000061,GAD-7,{takenOn},1,1,1,1,1,1,0,,,6",
            $"S000062,PHQ-9,{takenOn},1,1,1,1,1,1,1,1,0,8",
            $"S000063,PHQ-9,{takenOn},1,1,4,0,0,0,0,0,0,"));

        var live = Live(page, "ui-imp-screening.csv");
        await Expect(live.GetByRole(AriaRole.Status).Filter(new() { HasText = "导入完成" }))
            .ToHaveTextAsync("导入完成：已导入 3 行，未变化 0 行，出错 1 行。");
        await Expect(Summary(page)).ToContainTextAsync("升级人数1 人");
        var errors = page.GetByRole(AriaRole.Region, new() { Name = "出错的行" });
        await Expect(errors).ToContainTextAsync("共 1 行出错。");
        var rows = errors.Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.Locator("td")).ToHaveTextAsync(["5", "第3题", "答案应为 0-3 的整数。", "4"]);
        await page.AssertAccessibleAsync("imports-errors");
        await page.SaveScreenshotAsync("imports-errors");

        var report = await page.RunAndWaitForDownloadAsync(() => errors.GetByRole(AriaRole.Button, new() { Name = "下载错误报告" }).ClickAsync());
        Assert.Equal("ui-imp-screening-errors.csv", report.SuggestedFilename);
        var reportLines = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(await report.PathAsync())).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal("行号,列,原因,内容", reportLines[0]);
        Assert.StartsWith("5,第3题,", reportLines[1], StringComparison.Ordinal);

        await page.EvaluateAsync("() => { location.hash = '#/student/S000061'; }");
        var section = page.GetByRole(AriaRole.Region, new() { Name = "心理测评" });
        var results = section.Locator("table.screening-results tbody tr");
        await Expect(results).ToHaveCountAsync(2);
        var phq = results.Filter(new() { HasText = "PHQ-9（抑郁）" });
        await Expect(phq).ToContainTextAsync("中度");
        await Expect(phq).ToContainTextAsync("⚠ 第9题阳性");
        await Expect(phq.Locator(".tier-Red")).ToContainTextAsync("危机");
        await Expect(phq).ToContainTextAsync(takenOn.Replace('-', '/'));
        var gad = results.Filter(new() { HasText = "GAD-7（焦虑）" });
        await Expect(gad).ToContainTextAsync("轻度");
        await Expect(gad.Locator(".crisis-flag")).ToHaveCountAsync(0);
        await Expect(page.Locator(".student-name .tier-Red")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync("archive-screening");
        await page.SaveScreenshotAsync("archive-screening");

        // A student without results says so.
        await page.EvaluateAsync("() => { location.hash = '#/student/S000064'; }");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "心理测评" })).ToContainTextAsync("暂无心理测评记录。");
    }

    [Fact]
    public async Task A_file_without_a_required_column_is_refused_with_the_reason_and_nothing_is_imported()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await OpenImportsAsync(context, browser, "psy-erqi-01", "二七区第一中学");

        await StartAsync(page, "心理测评", Csv("ui-imp-no-date.csv", "学号,量表,第1题", "S000041,PHQ-9,1"));

        var live = Live(page, "ui-imp-no-date.csv");
        var problems = live.GetByRole(AriaRole.Region, new() { Name = "表头无法使用，未导入任何行" });
        await Expect(problems).ToContainTextAsync("文件无法导入，未导入任何行");
        await Expect(problems.Locator("li").Filter(new() { HasText = "测评日期" })).ToContainTextAsync("缺少必填列");
        await Expect(live.GetByRole(AriaRole.Heading, new() { Name = "导入结果：失败" })).ToBeVisibleAsync();
        await Expect(Summary(page)).ToContainTextAsync("已导入0 行");
    }

    /// <summary>
    /// A slow upload (Chromium's network emulation at 64 KB/s) of rows the server refuses (an unknown instrument):
    /// progress shows while the file streams, and cancelling ends the import while the file is still uploading.
    /// </summary>
    [Fact]
    public async Task A_slow_import_shows_its_progress_live_and_a_cancel_ends_it_while_the_file_is_still_uploading()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await OpenImportsAsync(context, browser, "psy-jinshui-02", "金水区第二中学");
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Network.enable");
        await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = 64 * 1024,
        });
        var rows = Enumerable.Repeat("S000031,XYZ,2026-09-01,0,0,0,0,0,0,0,0,0,0", 100_000);
        await StartAsync(page, "心理测评", Csv("ui-imp-slow.csv", [ScreeningHeader, .. rows]));

        var live = Live(page, "ui-imp-slow.csv");
        await Expect(live.GetByRole(AriaRole.Status).Filter(new() { HasText = "导入中" })).ToBeVisibleAsync();
        await Expect(live.Locator("dl.import-figures")).ToContainTextAsync(new Regex(@"剩余时间\d+:\d\d"));
        await Expect(live.Locator("progress")).ToHaveAttributeAsync("max", new Regex("^[1-9]"));
        await page.SaveScreenshotAsync("imports-running");
        await live.GetByRole(AriaRole.Button, new() { Name = "取消导入" }).ClickAsync();

        await Expect(live.GetByRole(AriaRole.Heading, new() { Name = "导入结果：已取消" })).ToBeVisibleAsync();
        await Expect(live.GetByRole(AriaRole.Status).Filter(new() { HasText = "导入已取消" })).ToContainTextAsync("已导入 0 行，未变化 0 行");
        var errors = page.GetByRole(AriaRole.Region, new() { Name = "出错的行" });
        await Expect(errors).ToContainTextAsync("显示前 20 条");
        await Expect(errors.Locator("tbody tr")).ToHaveCountAsync(20);
        await Expect(page.Locator("table.imports tbody tr").Filter(new() { HasText = "ui-imp-slow.csv" })).ToContainTextAsync("已取消");
    }

    [Fact]
    public async Task The_imports_screen_on_a_phone_is_accessible_keyboard_usable_and_never_scrolls_sideways()
    {
        await using var context = await browser.PhoneContextAsync();
        var page = await OpenImportsAsync(context, browser, "psy-jinshui-01", "金水区第一中学");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "心理测评：文件格式" })).ToBeVisibleAsync();

        // Without a file, the start button says what is missing and puts the focus on the picker.
        var start = page.GetByRole(AriaRole.Button, new() { Name = "开始导入" });
        await page.TabToAsync(start, maxTabs: 30);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "请选择要导入的 CSV 文件。" })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("CSV 文件")).ToBeFocusedAsync();

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        await page.AssertAccessibleAsync("imports-phone");
        await page.SaveScreenshotAsync("imports-phone");
    }
}
