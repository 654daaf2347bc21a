using static Microsoft.Playwright.Assertions;

namespace MonitorGrid.Tests.Browser;

/// <summary>The sign-in screen in a real browser: proves the browser-test plumbing against the current UI.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInTests(BrowserFixture browser)
{
    private const string HeadTeacher = "ht-jinshui-01-7-1";
    private const string HeadTeachersClass = "七(1)班";

    [Fact]
    public async Task LoginPageIsAccessible()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await Expect(CurrentUi.UserIdInput(page)).ToBeVisibleAsync();

        await page.AssertAccessibleAsync("sign-in");
        await page.SaveScreenshotAsync("login-desktop");
    }

    [Fact]
    public async Task HeadTeacherCanSignInOnAPhoneViewport()
    {
        await using var context = await browser.PhoneContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.SaveScreenshotAsync("login-phone");

        await browser.SignInAsync(page, HeadTeacher);

        await CurrentUi.ExpectSignedInAsync(page, HeadTeachersClass);
        await page.SaveScreenshotAsync("board-phone");
    }

    [Fact]
    public async Task SignInWorksWithTheKeyboardOnly()
    {
        await using var context = await browser.DesktopContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        await page.TabToAsync(CurrentUi.UserIdInput(page));
        await page.Keyboard.TypeAsync(HeadTeacher);
        await page.TabToAsync(CurrentUi.PasswordInput(page));
        await page.Keyboard.TypeAsync("demo");
        await page.Keyboard.PressAsync("Enter");

        await CurrentUi.ExpectSignedInAsync(page, HeadTeachersClass);
    }
}
