using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MonitorGrid.Tests.Browser;

/// <summary>
/// What the browser tests do on the grid's screens, by the labels a user sees (zh-CN), and the API calls
/// that set a scene up. The small demo city of <see cref="BrowserFixture"/>: jinshui-01-7-1 holds S000001-S000010,
/// jinshui-01-7-2 S000011-S000020, school jinshui-02 S000021-S000040, district erqi S000041-S000080.
/// </summary>
internal static class GridUi
{
    /// <summary>Signs in and waits for the first screen after it (the board, or the form for submit-only roles).</summary>
    public static async Task SignInToAsync(this BrowserFixture browser, IPage page, string userId, string firstHeading)
    {
        await browser.SignInAsync(page, userId);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = firstHeading, Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Waits until a board shows its scope live and its charts have loaded.</summary>
    public static async Task ExpectBoardAsync(IPage page, string scopeName)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = scopeName, Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "实时连接" })).ToBeVisibleAsync();
        await Expect(page.GetByText("近 30 天：")).ToBeVisibleAsync();
        await Expect(page.GetByText(new System.Text.RegularExpressions.Regex("近 30 天共 \\d+ 条上报"))).ToBeVisibleAsync();
    }

    /// <summary>Opens the quick observation form from the navigation.</summary>
    public static async Task OpenFormAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "快速上报" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "快速上报", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Taps the student in the form's list and returns the name shown.</summary>
    public static async Task<string> TapStudentAsync(IPage page, string studentId)
    {
        var label = page.Locator($"label[for=\"obs-student-{studentId}\"]");
        var name = await label.Locator(".choice-main").InnerTextAsync();
        await label.ClickAsync();
        await Expect(page.GetByText($"已选：{name}")).ToBeVisibleAsync();
        return name;
    }

    public static Task TapCategoryAsync(IPage page, string category) =>
        page.Locator($"label[for=\"obs-category-{category}\"]").ClickAsync();

    /// <summary>The severity buttons send the report.</summary>
    public static Task TapSeverityAsync(IPage page, string severityLabel) =>
        page.GetByRole(AriaRole.Button, new() { Name = severityLabel, Exact = true }).ClickAsync();

    public static ILocator Toast(IPage page) => page.Locator("#toast");

    /// <summary>The open alert row of a student on a board.</summary>
    public static ILocator AlertRow(IPage page, string studentName) =>
        page.Locator("table.alerts tbody tr").Filter(new() { HasText = studentName });

    /// <summary>Posts an observation through the API as <paramref name="userId"/>; the key makes it happen once per host.</summary>
    public static Task<string> ObserveAsync(this BrowserFixture browser, string userId, string studentId, string category, int severity, string key) =>
        browser.Web.ObserveAsync(userId, studentId, category, severity, key);

    /// <summary>Posts an observation to <paramref name="host"/> and returns the student's name.</summary>
    public static async Task<string> ObserveAsync(this GridWebFactory host, string userId, string studentId, string category, int severity, string key)
    {
        using var client = await host.ClientForAsync(userId);
        var response = await client.PostAsJsonAsync("/api/observations", new { studentId, category, severity, idempotencyKey = key });
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var archive = await client.GetAsync($"/api/students/{studentId}");
        var body = await archive.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("name").GetString()!;
    }

    /// <summary>Records a case entry (talk, plan, referral, …) through the API as <paramref name="userId"/>.</summary>
    public static async Task RecordCaseEntryAsync(this BrowserFixture browser, string userId, string studentId, object entry)
    {
        using var client = await browser.Web.ClientForAsync(userId);
        var response = await client.PostAsJsonAsync($"/api/students/{studentId}/case-entries", entry);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The links of a board to the screens that go with it (跟踪随访, 重点关爱, 月报).</summary>
    public static ILocator BoardLink(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "相关页面" }).GetByRole(AriaRole.Link, new() { Name = name, Exact = true });
}
