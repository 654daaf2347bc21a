using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MonitorGrid.Tests.Browser;

/// <summary>The phone form: three taps to report, an outbox that survives no network, and submit-only roles kept to it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ObservationFormTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_head_teacher_on_a_phone_reports_self_harm_and_a_district_board_shows_the_red_alert_live()
    {
        await using var district = await browser.DesktopContextAsync();
        var board = await district.NewPageAsync();
        await browser.SignInToAsync(board, "dc-jinshui", "金水区");
        await GridUi.ExpectBoardAsync(board, "金水区");
        await board.EvaluateAsync("() => { window.__sameDocument = 42; }");

        await using var phone = await browser.PhoneContextAsync();
        var form = await phone.NewPageAsync();
        await browser.SignInToAsync(form, "ht-jinshui-01-7-1", "七(1)班");
        await GridUi.OpenFormAsync(form);
        var name = await GridUi.TapStudentAsync(form, "S000001");
        await GridUi.TapCategoryAsync(form, "SelfHarm");
        await Expect(form.GetByText("自伤迹象会立即上报为危机预警")).ToBeVisibleAsync();
        await form.SaveScreenshotAsync("observe-phone");
        await GridUi.TapSeverityAsync(form, "重度");

        await Expect(GridUi.Toast(form)).ToContainTextAsync($"已提交：{name}，当前等级：危机");
        await Expect(form.Locator("#mine-list")).ToContainTextAsync($"{name} · 自伤迹象 · 重度");

        var row = GridUi.AlertRow(board, name);
        await Expect(row).ToContainTextAsync("危机");
        await Expect(row).ToContainTextAsync("自伤迹象");
        await Expect(board.Locator("ol.feed")).ToContainTextAsync($"新预警：{name}");
        // The units below follow a moment later: the school now shows a Red student, marked by an icon.
        await Expect(board.Locator("table.children tr").Filter(new() { HasText = "金水区第一中学" }).Locator(".red-count")).ToHaveCountAsync(1);
        Assert.Equal(42, await board.EvaluateAsync<int>("() => window.__sameDocument"));
        await board.SaveScreenshotAsync("board-district-live-red");
        await form.SaveScreenshotAsync("observe-phone-sent");
    }

    [Fact]
    public async Task A_committee_member_sees_only_the_form_and_no_board_can_be_reached()
    {
        await using var phone = await browser.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await browser.SignInToAsync(page, "cm-jinshui-01-7-1-1", "快速上报");

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "监测看板" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "我的上报" })).ToBeVisibleAsync();
        await page.AssertAccessibleAsync("observe-committee");
        await page.SaveScreenshotAsync("observe-committee");

        foreach (var hash in new[] { "#/board/class:jinshui-01-7-1", "#/board/school:jinshui-01", "#/board/city" })
        {
            await page.EvaluateAsync("h => { location.hash = h; }", hash);
            await Expect(page.GetByText("您的角色只能上报观察，不能查看看板。")).ToBeVisibleAsync();
            await Expect(page.Locator(".tiles")).ToHaveCountAsync(0);
        }

        await page.EvaluateAsync("() => { location.hash = '#/student/S000001'; }");
        await Expect(page.GetByText("您的角色无权查看学生档案。")).ToBeVisibleAsync();
        await Expect(page.GetByText("时间线")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_report_made_without_network_waits_on_the_phone_and_is_sent_once_when_the_network_returns()
    {
        await using var phone = await browser.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await browser.SignInToAsync(page, "cm-jinshui-01-7-2-1", "快速上报");
        await Expect(page.Locator("label[for=\"obs-student-S000011\"]")).ToBeVisibleAsync();

        await phone.SetOfflineAsync(true);
        var name = await GridUi.TapStudentAsync(page, "S000011");
        await GridUi.TapCategoryAsync(page, "Withdrawal");
        await page.GetByLabel("补充说明（可选）").FillAsync("午饭时一个人躲在楼梯间");
        await GridUi.TapSeverityAsync(page, "中度");

        await Expect(GridUi.Toast(page)).ToContainTextAsync($"已保存在本机，联网后自动发送：{name}");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待发送（1）" })).ToBeVisibleAsync();
        await Expect(page.Locator("#outbox-list")).ToContainTextAsync($"{name} · 退缩孤僻 · 中度");
        await Expect(page.Locator("#outbox-list")).ToContainTextAsync("等待网络");
        await page.SaveScreenshotAsync("observe-offline-pending");

        await phone.SetOfflineAsync(false);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待发送（0）" })).ToBeVisibleAsync();
        await Expect(page.Locator("#mine-list")).ToContainTextAsync($"{name} · 退缩孤僻 · 中度");

        using var teacher = await browser.Web.ClientForAsync("ht-jinshui-01-7-2");
        var archive = await teacher.GetFromJsonAsync<JsonElement>("/api/students/S000011");
        var observations = archive.GetProperty("observations").EnumerateArray()
            .Where(o => o.GetProperty("observerId").GetString() == "cm-jinshui-01-7-2-1")
            .ToList();
        var sent = Assert.Single(observations);
        Assert.Equal("午饭时一个人躲在楼梯间", sent.GetProperty("note").GetString());
        Assert.Equal("Withdrawal", sent.GetProperty("category").GetString());
    }

    [Fact]
    public async Task The_form_can_be_filled_and_sent_with_the_keyboard_alone()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await browser.SignInToAsync(page, "st-jinshui-01-7-1", "七(1)班");
        await GridUi.OpenFormAsync(page);
        await page.AssertAccessibleAsync("observe-desktop");

        await page.TabToAsync(page.GetByLabel("搜索姓名或学号"), 40);
        await page.Keyboard.TypeAsync("S000009");
        await Expect(page.Locator("#obs-students input[type=radio]")).ToHaveCountAsync(1);
        // Enter in the search field must not send anything.
        await page.Keyboard.PressAsync("Enter");
        await page.TabToAsync(page.Locator("#obs-student-S000009"));
        await page.Keyboard.PressAsync("Space");
        await page.TabToAsync(page.Locator("#obs-category-SelfHarm"));
        await page.Keyboard.PressAsync("ArrowRight"); // the next category in the group: 情绪低落
        await Expect(page.Locator("#obs-category-Mood")).ToBeCheckedAsync();
        await page.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "轻度", Exact = true }));
        await page.Keyboard.PressAsync("Enter");

        await Expect(GridUi.Toast(page)).ToContainTextAsync("已提交：");
        await Expect(page.Locator("#mine-list li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#mine-list")).ToContainTextAsync("情绪低落 · 轻度");
    }

    [Fact]
    public async Task The_form_opens_without_network_once_it_has_been_used_and_what_is_reported_then_is_sent_later()
    {
        await using var phone = await browser.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await browser.SignInToAsync(page, "cm-jinshui-01-7-2-2", "快速上报");
        await Expect(page.Locator("label[for=\"obs-student-S000012\"]")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => navigator.serviceWorker.ready.then(() => true)"));

        await phone.SetOfflineAsync(true);
        await page.ReloadAsync();

        // The shell comes from the phone, the list of classmates from the last time it was loaded.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "快速上报", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("当前离线，显示的是上次加载的名单。")).ToBeVisibleAsync();
        var name = await GridUi.TapStudentAsync(page, "S000012");
        await GridUi.TapCategoryAsync(page, "Bullying");
        await GridUi.TapSeverityAsync(page, "重度");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待发送（1）" })).ToBeVisibleAsync();

        await phone.SetOfflineAsync(false);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待发送（0）" })).ToBeVisibleAsync();
        await Expect(page.Locator("#mine-list")).ToContainTextAsync($"{name} · 欺凌冲突 · 重度");
    }

    [Fact]
    public async Task A_report_refused_for_an_expired_session_is_kept_and_sent_after_signing_in_again()
    {
        await using var phone = await browser.PhoneContextAsync();
        var page = await phone.NewPageAsync();
        await browser.SignInToAsync(page, "cm-jinshui-02-7-1-1", "快速上报");
        await Expect(page.Locator("label[for=\"obs-student-S000023\"]")).ToBeVisibleAsync();
        // From now on the server refuses the session's token, as after it expired or the signing key rotated.
        await page.RouteAsync("**/api/observations", route => route.Request.Method == "POST"
            ? route.FulfillAsync(new() { Status = 401 })
            : route.ContinueAsync());

        var name = await GridUi.TapStudentAsync(page, "S000023");
        await GridUi.TapCategoryAsync(page, "Family");
        await GridUi.TapSeverityAsync(page, "中度");

        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "登录已过期" })).ToBeVisibleAsync();
        await page.UnrouteAllAsync();
        await browser.SignInToAsync(page, "cm-jinshui-02-7-1-1", "快速上报");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "待发送（0）" })).ToBeVisibleAsync();
        await Expect(page.Locator("#mine-list")).ToContainTextAsync($"{name} · 家庭变故 · 中度");
    }
}
