using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace MonitorGrid.Tests.Browser;

/// <summary>Accessibility checks: axe-core's rules on the page as it is, and reaching controls with the keyboard.</summary>
public static class Accessibility
{
    private static readonly string[] FailingImpacts = ["serious", "critical"];
    private const int TargetsShown = 3;

    /// <summary>
    /// Runs axe-core (all its rules but the experimental ones) on the page as it is now and fails on every
    /// serious or critical violation, listing rule, impact, help and the first elements concerned.
    /// <paramref name="screenName"/> says in the message which screen was checked.
    /// </summary>
    public static async Task AssertAccessibleAsync(this IPage page, string screenName)
    {
        var result = await page.RunAxe();
        var failing = result.Violations.Where(v => FailingImpacts.Contains(v.Impact)).ToList();
        if (failing.Count > 0)
        {
            Assert.Fail(Describe(screenName, result.Url, failing));
        }
    }

    /// <summary>
    /// Presses Tab until <paramref name="target"/> has the focus (checking first, so an already focused target
    /// takes no press); fails after <paramref name="maxTabs"/> presses, naming where the focus went.
    /// </summary>
    public static async Task TabToAsync(this IPage page, ILocator target, int maxTabs = 20)
    {
        var path = new List<string>();
        for (var presses = 0; ; presses++)
        {
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                return;
            }

            if (presses == maxTabs)
            {
                Assert.Fail($"{target} never got the focus in {maxTabs} presses of Tab. The focus went: {string.Join(" → ", path)}");
            }

            await page.Keyboard.PressAsync("Tab");
            path.Add(await page.EvaluateAsync<string>(DescribeFocus));
        }
    }

    private const string DescribeFocus = """
        () => {
          const e = document.activeElement;
          if (!e || e === document.body) return '(no element)';
          const name = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent)
            || (e.textContent || '').trim().slice(0, 20);
          return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (name ? ` "${name.trim()}"` : '');
        }
        """;

    private static string Describe(string screenName, string url, IReadOnlyList<AxeResultItem> violations)
    {
        var text = new StringBuilder()
            .Append($"axe-core found {violations.Count} serious or critical accessibility violation(s) on the {screenName} screen ({url}):");
        foreach (var violation in violations)
        {
            text.Append($"\n- {violation.Id} [{violation.Impact}]: {violation.Help} ({violation.HelpUrl})");
            foreach (var node in violation.Nodes.Take(TargetsShown))
            {
                text.Append($"\n    {node.Target}");
            }

            if (violation.Nodes.Length > TargetsShown)
            {
                text.Append($"\n    … and {violation.Nodes.Length - TargetsShown} more");
            }
        }

        return text.ToString();
    }
}
