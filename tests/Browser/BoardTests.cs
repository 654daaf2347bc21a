using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MonitorGrid.Tests.Browser;

/// <summary>The live boards, the student archive and the language switch in a real browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BoardTests(BrowserFixture browser)
{
    /// <summary>Gives the school jinshui-01 something to show: a Red, an Orange and a Yellow student (once per host).</summary>
    private async Task<(string Red, string Orange, string Yellow)> SeedSchoolAsync()
    {
        var red = await browser.ObserveAsync("ht-jinshui-01-7-1", "S000006", "SelfHarm", 2, "board-seed-red");
        await browser.ObserveAsync("ht-jinshui-01-7-1", "S000007", "Bullying", 3, "board-seed-orange-1");
        var orange = await browser.ObserveAsync("ht-jinshui-01-7-1", "S000007", "Family", 3, "board-seed-orange-2");
        var yellow = await browser.ObserveAsync("ht-jinshui-01-7-2", "S000015", "Mood", 3, "board-seed-yellow");
        return (red, orange, yellow);
    }

    [Theory]
    [InlineData("ht-jinshui-01-7-1", "七(1)班", "board-class")]
    [InlineData("psy-jinshui-01", "金水区第一中学", "board-school")]
    [InlineData("dc-jinshui", "金水区", "board-district")]
    [InlineData("city", "全市", "board-city")]
    public async Task Every_board_shows_its_scope_live_and_passes_the_accessibility_check(string userId, string scopeName, string screen)
    {
        var (red, _, _) = await SeedSchoolAsync();
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, userId, scopeName);
        await GridUi.ExpectBoardAsync(page, scopeName);

        // Red is named by a word and an icon, never by colour alone.
        var redTile = page.Locator(".tile-Red");
        await Expect(redTile).ToContainTextAsync("危机");
        await Expect(redTile.Locator(".tier-icon")).ToHaveTextAsync("⚠");
        if (userId == "city")
        {
            await Expect(page.GetByText("全市看板仅提供汇总统计，不显示学生个人信息。")).ToBeVisibleAsync();
            await Expect(page.GetByText(red)).ToHaveCountAsync(0);
            // Escalations reach the city as a count only.
            await Expect(page.Locator(".tile-escalated")).ToContainTextAsync("超时未确认升级数");
        }
        else
        {
            var row = GridUi.AlertRow(page, red);
            await Expect(row.Locator(".tier-Red")).ToContainTextAsync("危机");
            await Expect(row.Locator(".tier-icon")).ToHaveTextAsync("⚠");
        }

        await page.AssertAccessibleAsync(screen);
        await page.SaveScreenshotAsync(screen);
    }

    [Fact]
    public async Task Open_alerts_are_ordered_by_tier_then_age_and_only_roles_that_may_get_the_buttons()
    {
        var (red, orange, yellow) = await SeedSchoolAsync();
        await using var context = await browser.DesktopContextAsync();
        var psych = await context.NewPageAsync();
        await browser.SignInToAsync(psych, "psy-jinshui-01", "金水区第一中学");
        await Expect(GridUi.AlertRow(psych, yellow)).ToBeVisibleAsync();

        var names = await psych.Locator("table.alerts tbody tr td:nth-child(2)").AllInnerTextsAsync();
        var order = new[] { red, orange, yellow }.Select(n => names.ToList().IndexOf(n)).ToArray();
        Assert.All(order, i => Assert.True(i >= 0));
        Assert.True(order[0] < order[1] && order[1] < order[2], string.Join(" | ", names));
        await Expect(GridUi.AlertRow(psych, red).GetByRole(AriaRole.Button, new() { Name = $"解决 {red}" })).ToBeVisibleAsync();

        // A head teacher may acknowledge but not resolve.
        await using var other = await browser.DesktopContextAsync();
        var teacher = await other.NewPageAsync();
        await browser.SignInToAsync(teacher, "ht-jinshui-01-7-1", "七(1)班");
        await Expect(GridUi.AlertRow(teacher, red)).ToBeVisibleAsync();
        await Expect(teacher.GetByRole(AriaRole.Button, new() { Name = "解决" })).ToHaveCountAsync(0);
        await Expect(teacher.GetByRole(AriaRole.Button, new() { Name = $"确认 {red}" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_psychology_teacher_acknowledges_and_resolves_an_alert_with_the_keyboard()
    {
        var name = await browser.ObserveAsync("ht-jinshui-01-7-2", "S000018", "SelfHarm", 1, "keyboard-resolve");
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "psy-jinshui-01", "金水区第一中学");
        var row = GridUi.AlertRow(page, name);
        await Expect(row).ToContainTextAsync("待处理");

        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = $"确认 {name}" }), 80);
        await page.Keyboard.PressAsync("Enter");
        await Expect(row).ToContainTextAsync("已确认");

        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = $"解决 {name}" }), 80);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.GetByLabel("处理说明")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("已面谈，家长已到校，转介至专科医院");
        await page.AssertAccessibleAsync("resolve-dialog");
        await page.TabToAsync(dialog.GetByRole(AriaRole.Button, new() { Name = "确认解决" }));
        await page.Keyboard.PressAsync("Enter");

        await Expect(row).ToHaveCountAsync(0);
        await Expect(GridUi.Toast(page)).ToContainTextAsync($"已解决预警：{name}");
    }

    [Fact]
    public async Task The_archive_shows_observations_and_alert_actions_on_one_timeline()
    {
        var name = await browser.ObserveAsync("ht-jinshui-02-7-1", "S000021", "SelfHarm", 3, "archive-timeline");
        using (var client = await browser.Web.ClientForAsync("psy-jinshui-02"))
        {
            var archive = await client.GetFromJsonAsync<JsonElement>("/api/students/S000021");
            var alertId = archive.GetProperty("alerts")[0].GetProperty("alertId").GetString();
            (await client.PostAsync($"/api/alerts/{alertId}/acknowledge", null)).EnsureSuccessStatusCode();
        }

        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "psy-jinshui-02", "金水区第二中学");
        await page.GetByRole(AriaRole.Link, new() { Name = $"查看 {name} 的档案" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "学生档案（一生一档）" })).ToBeVisibleAsync();
        var timeline = page.Locator("ol.timeline");
        await Expect(timeline).ToContainTextAsync("观察记录：自伤迹象（重度）");
        await Expect(timeline).ToContainTextAsync("预警产生：危机");
        await Expect(timeline).ToContainTextAsync("预警已确认（psy-jinshui-02）");
        await Expect(page.Locator(".facts")).ToContainTextAsync("S000021");
        await Expect(page.Locator(".facts")).ToContainTextAsync("金水区第二中学");
        await page.AssertAccessibleAsync("archive");
        await page.SaveScreenshotAsync("archive");
    }

    [Fact]
    public async Task An_administrator_drills_down_from_the_city_to_a_class_and_back_by_the_breadcrumb()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "admin", "全市");

        await page.GetByRole(AriaRole.Link, new() { Name = "金水区", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "金水区", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "金水区第一中学", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "金水区第一中学", Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "七(1)班", Exact = true }).ClickAsync();
        await GridUi.ExpectBoardAsync(page, "七(1)班");

        var crumbs = page.GetByRole(AriaRole.Navigation, new() { Name = "所在位置" });
        await Expect(crumbs).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("全市.*金水区.*金水区第一中学.*七\\(1\\)班"));
        await crumbs.GetByRole(AriaRole.Link, new() { Name = "全市" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "全市", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_english_switch_translates_every_label_and_is_remembered()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "dc-erqi", "二七区");

        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await Expect(page.Locator(".tile-Red")).ToContainTextAsync("Crisis");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Units below" })).ToBeVisibleAsync();
        await Expect(page.GetByText("退出")).ToHaveCountAsync(0);

        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tiers over the last 30 days" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync("board-english");
        await page.SaveScreenshotAsync("board-district-english");

        await page.GetByRole(AriaRole.Button, new() { Name = "中文" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "退出" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_board_that_loses_its_connection_says_so_and_resyncs_from_the_snapshot_when_it_returns()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "dc-erqi", "二七区");
        await GridUi.ExpectBoardAsync(page, "二七区");
        var connection = page.Locator(".conn");

        await context.SetOfflineAsync(true);
        // The client notices a dead socket by its server timeout (30 s), so allow for that.
        await Expect(connection).Not.ToHaveTextAsync("实时连接", new() { Timeout = 60_000 });
        await page.SaveScreenshotAsync("board-reconnecting");
        var missed = await browser.ObserveAsync("ht-erqi-01-7-1", "S000045", "SelfHarm", 3, "reconnect-missed");

        await context.SetOfflineAsync(false);

        await Expect(connection).ToHaveTextAsync("实时连接", new() { Timeout = 60_000 });
        await Expect(GridUi.AlertRow(page, missed)).ToContainTextAsync("危机");
    }
}
