using Microsoft.Playwright;

namespace MonitorGrid.Tests.Browser;

/// <summary>
/// The machine's Chromium, launched by Playwright's driver. Playwright never downloads a browser here:
/// <c>MONITORGRID_CHROMIUM</c> if set, else Debian's <c>/usr/bin/chromium</c>, else <c>chromium</c> on PATH.
/// </summary>
public static class Chromium
{
    public const string ExecutableVariable = "MONITORGRID_CHROMIUM";
    public const string DebianExecutable = "/usr/bin/chromium";

    /// <summary>
    /// Flags for a sandboxed CI machine without a GPU. Without the background-networking ones Chromium keeps
    /// opening connections to Google that the sandbox refuses, many at a time, which slows every page down.
    /// </summary>
    public static readonly IReadOnlyList<string> Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    /// <summary>The executable to launch; throws with what was looked for and how to install it when there is none.</summary>
    public static string FindExecutable()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException(
                    $"{ExecutableVariable} is set to '{configured}', but there is no file there. Set it to a Chromium or Google Chrome "
                    + $"executable, or unset it to use {DebianExecutable}.");
        }

        if (File.Exists(DebianExecutable))
        {
            return DebianExecutable;
        }

        return FindOnPath("chromium") ?? throw new InvalidOperationException(
            $"The browser tests need Chromium and there is none: {ExecutableVariable} is not set, {DebianExecutable} does not "
            + "exist and no 'chromium' is on PATH. Install Debian's package with 'sudo apt-get install chromium' (and "
            + "'fonts-noto-cjk' for Chinese text in screenshots; .ci/run installs both when they are missing), or set "
            + $"{ExecutableVariable} to a Chromium or Google Chrome executable. Playwright does not download browsers for these tests.");
    }

    public static BrowserTypeLaunchOptions LaunchOptions(string executable) => new()
    {
        ExecutablePath = executable,
        Headless = true,
        Args = Arguments,
    };

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
