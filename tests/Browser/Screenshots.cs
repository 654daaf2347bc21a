using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace MonitorGrid.Tests.Browser;

/// <summary>
/// Full-page screenshots: every run writes them to <c>screenshots/{run}/</c> in the test output folder;
/// with <c>MONITORGRID_UPDATE_SCREENSHOTS=1</c> they also replace the repository's <c>docs/screenshots/</c>.
/// </summary>
public static partial class Screenshots
{
    public const string UpdateVariable = "MONITORGRID_UPDATE_SCREENSHOTS";

    /// <summary>This run's folder, named by its start time (UTC), so runs do not overwrite each other.</summary>
    public static string RunFolder { get; } = Path.Combine(
        AppContext.BaseDirectory, "screenshots", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    public static bool UpdateDocs => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>
    /// Waits until the page is settled (no network requests for half a second, web fonts loaded) and saves it
    /// as <c>{name}.png</c>; <paramref name="name"/> is lower-case letters, digits and dashes, e.g. <c>login-phone</c>.
    /// Returns the file in the run folder.
    /// </summary>
    public static async Task<string> SaveScreenshotAsync(this IPage page, string name)
    {
        if (!FileName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a screenshot name: use lower-case letters, digits and dashes.", nameof(name));
        }

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.EvaluateAsync("async () => { await document.fonts.ready; }");
        var file = Path.Combine(RunFolder, name + ".png");
        var png = await page.ScreenshotAsync(new()
        {
            Path = file,
            FullPage = true,
            Animations = ScreenshotAnimations.Disabled,
            Caret = ScreenshotCaret.Hide,
        });

        if (UpdateDocs)
        {
            var docs = Path.Combine(RepositoryPaths.Root(), "docs", "screenshots");
            Directory.CreateDirectory(docs);
            await File.WriteAllBytesAsync(Path.Combine(docs, name + ".png"), png);
        }

        return file;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex FileName();
}
