using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MonitorGrid.Tests.Browser;

/// <summary>
/// Everything the browser tests know about the markup of the UI in <c>web/wwwroot</c>. The sign-in labels are
/// meant to stay; when a new UI changes what a signed-in user sees, <see cref="ExpectSignedInAsync"/> is
/// the one place to update.
/// </summary>
public static class CurrentUi
{
    /// <summary>Accessible label of the user id input on the sign-in screen.</summary>
    public const string UserIdLabel = "用户名";

    /// <summary>Accessible label of the password input.</summary>
    public const string PasswordLabel = "密码";

    /// <summary>Accessible name of the button that signs in.</summary>
    public const string SignInButtonName = "登录";

    public static ILocator UserIdInput(IPage page) => page.GetByLabel(UserIdLabel);

    public static ILocator PasswordInput(IPage page) => page.GetByLabel(PasswordLabel);

    public static ILocator SignInButton(IPage page) =>
        page.GetByRole(AriaRole.Button, new() { Name = SignInButtonName, Exact = true });

    /// <summary>
    /// Waits until the page shows a signed-in user's board for the scope named <paramref name="scopeName"/>:
    /// today a sign-out button, the scope's name as a heading (it arrives over the live connection) and the
    /// connection shown as connected.
    /// </summary>
    public static async Task ExpectSignedInAsync(IPage page, string scopeName)
    {
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "退出", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = scopeName, Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("实时连接", new() { Exact = true })).ToBeVisibleAsync();
    }
}
