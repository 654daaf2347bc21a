using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MonitorGrid.Tests.Browser;

/// <summary>
/// An unacknowledged Red alert climbing school → district → city on boards that stay open. Escalation needs
/// its deadline to pass, so this test has a host of its own whose Red deadline is three seconds (the shared
/// host keeps the real fifteen minutes, and the other tests' alerts stay unescalated).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class EscalationTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_alert_nobody_acknowledges_is_escalated_on_the_boards_it_reaches_and_counted_at_the_city()
    {
        await using var host = new GridWebFactory(null, new Dictionary<string, string> { ["Grid:Sla:Red"] = "00:00:03" });
        await host.InitializeAsync();

        async Task<IPage> BoardAsync(string userId, string scopeName)
        {
            var context = await browser.DesktopContextAsync(host.BaseAddress);
            var page = await context.NewPageAsync();
            await browser.SignInToAsync(page, userId, scopeName);
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "实时连接" })).ToBeVisibleAsync();
            return page;
        }

        var school = await BoardAsync("psy-jinshui-01", "金水区第一中学");
        var district = await BoardAsync("dc-jinshui", "金水区");
        var city = await BoardAsync("city", "全市");
        try
        {
            var name = await host.ObserveAsync("ht-jinshui-01-7-1", "S000004", "SelfHarm", 3, "escalation-red");

            // Each board it reaches says so in a notice that stays, and in its feed.
            await Expect(school.Locator(".notices")).ToContainTextAsync($"{name}（危机）的预警未在");
            await Expect(school.Locator(".notices")).ToContainTextAsync("已升级至学校");
            await Expect(school.Locator("ol.feed")).ToContainTextAsync($"超时升级：{name}（危机，升级至学校）");
            await Expect(district.Locator(".notices")).ToContainTextAsync("已升级至区");
            // The row: overdue, and escalated in words with an icon; the city sees only the count.
            var row = GridUi.AlertRow(school, name);
            await Expect(row.Locator(".due")).ToHaveTextAsync(OverdueText());
            await Expect(row.Locator(".esc")).ToHaveTextAsync("⬆ 已升级 · 升级至市");
            await Expect(city.Locator(".tile-escalated .tile-value")).ToHaveTextAsync("1");
            await school.AssertAccessibleAsync("board-escalated");
            await school.SaveScreenshotAsync("board-school-escalated");

            // Acknowledged, it is escalated no longer: the badge and the city's count go.
            await school.GetByRole(AriaRole.Button, new() { Name = $"确认 {name}" }).ClickAsync();
            await Expect(row).ToContainTextAsync("已确认");
            await Expect(row.Locator(".esc")).ToHaveCountAsync(0);
            await Expect(city.Locator(".tile-escalated .tile-value")).ToHaveTextAsync("0");
        }
        finally
        {
            foreach (var page in new[] { school, district, city })
            {
                await page.Context.DisposeAsync();
            }
        }
    }

    [GeneratedRegex("^‼ 已超时 ")]
    private static partial Regex OverdueText();
}
