using Microsoft.Playwright;
using MonitorGrid.Web.Demo;

namespace MonitorGrid.Tests.Browser;

/// <summary>Browser tests: one web host and one Chromium, shared by the collection; a browser context per test.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>
/// The real web host (<see cref="GridWebFactory"/>, the small demo city) and one headless Chromium driven by
/// Playwright. Tests open their own context with <see cref="PhoneContextAsync"/> or <see cref="DesktopContextAsync"/>
/// and dispose it; pages in it resolve relative URLs against the host.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>
    /// How long actions, navigations and expectations wait. Generous: other collections run in parallel on
    /// few cores, and Playwright waits only as long as it must.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public GridWebFactory Web { get; } = new();

    public Uri BaseAddress => Web.BaseAddress;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    public async Task InitializeAsync()
    {
        // Before anything slow, so that a machine without Chromium fails at once with the reason.
        var executable = Chromium.FindExecutable();
        Assertions.SetDefaultExpectTimeout((float)Timeout.TotalMilliseconds);
        await Web.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions(executable));
    }

    /// <summary>Also called by xunit when <see cref="InitializeAsync"/> failed half-way.</summary>
    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
            _browser = null;
        }

        _playwright?.Dispose();
        _playwright = null;
        await Web.DisposeAsync();
    }

    /// <summary>A phone: 390×844 CSS pixels at device scale 2, mobile viewport and touch.</summary>
    public Task<IBrowserContext> PhoneContextAsync() => NewContextAsync(new()
    {
        ViewportSize = new() { Width = 390, Height = 844 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
    });

    /// <summary>A desktop browser window of 1366×900, on the shared host or on <paramref name="host"/>.</summary>
    public Task<IBrowserContext> DesktopContextAsync(Uri? host = null) => NewContextAsync(new()
    {
        ViewportSize = new() { Width = 1366, Height = 900 },
    }, host);

    /// <summary>
    /// A new context (fresh storage) in Chinese and Beijing time whose pages resolve relative URLs against the
    /// shared host, or <paramref name="host"/> (a test's own). The caller disposes it.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options, Uri? host = null)
    {
        options.Locale = "zh-CN";
        options.TimezoneId = "Asia/Shanghai";
        options.BaseURL = (host ?? BaseAddress).ToString();
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)Timeout.TotalMilliseconds);
        return context;
    }

    /// <summary>
    /// Signs in through the sign-in screen: fills the inputs labelled 用户名 and 密码 and clicks the button 登录.
    /// A page that has not navigated yet is first sent to the host's root. Does not wait for the result:
    /// follow with <see cref="CurrentUi.ExpectSignedInAsync"/> or an expectation of an error.
    /// </summary>
    public async Task SignInAsync(IPage page, string userId, string password = DemoCity.Password)
    {
        if (page.Url == "about:blank")
        {
            await page.GotoAsync("/");
        }

        await CurrentUi.UserIdInput(page).FillAsync(userId);
        await CurrentUi.PasswordInput(page).FillAsync(password);
        await CurrentUi.SignInButton(page).ClickAsync();
    }
}
