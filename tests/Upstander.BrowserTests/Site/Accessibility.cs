using System.Runtime.CompilerServices;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Upstander.BrowserTests.Site;

public static class Accessibility
{
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    /// <summary>Browser contexts opened with JavaScript switched off, where axe-core itself cannot run.</summary>
    private static readonly ConditionalWeakTable<IBrowserContext, IBrowser> Scriptless = [];

    internal static void MarkScriptless(IBrowserContext context, IBrowser browser) => Scriptless.Add(context, browser);

    /// <summary>
    /// Runs axe-core on the page as it is now and fails on any serious or critical violation, naming
    /// the rule, its impact and the elements it found. Called on every page a journey reaches.
    /// </summary>
    public static async Task ShouldBeAccessibleAsync(this IPage page)
    {
        var result = Scriptless.TryGetValue(page.Context, out var browser)
            ? await RunAxeOnCopyAsync(page, browser)
            : await page.RunAxe();
        var blocking = (result.Violations ?? []).Where(v => v.Impact is not null && Blocking.Contains(v.Impact)).ToList();
        if (blocking.Count == 0)
        {
            return;
        }
        var report = string.Join("\n", blocking.Select(v =>
            $"- {v.Id} ({v.Impact}): {v.Help}\n    at {string.Join("; ", v.Nodes.Select(n => n.Target?.ToString()))}"));
        throw new ShouldAssertException($"axe-core found {blocking.Count} serious or critical accessibility problem(s) on {page.Url}:\n{report}");
    }

    /// <summary>
    /// axe-core is JavaScript, so it cannot run where JavaScript is off. Instead the exact document that
    /// page shows is served again, at the same address with the same stylesheet, to a page where axe can
    /// run, and the site's own scripts are blocked there so the document stays as the scriptless visitor sees it.
    /// </summary>
    private static async Task<Deque.AxeCore.Commons.AxeResult> RunAxeOnCopyAsync(IPage page, IBrowser browser)
    {
        var html = await page.ContentAsync();
        var url = page.Url;
        await using var context = await browser.NewContextAsync();
        await context.RouteAsync(u => u == url, route => route.FulfillAsync(new() { Status = 200, ContentType = "text/html; charset=utf-8", Body = html }));
        await context.RouteAsync(u => new Uri(u).AbsolutePath.EndsWith(".js", StringComparison.Ordinal), route => route.AbortAsync());
        var copy = await context.NewPageAsync();
        await copy.GotoAsync(url);
        return await copy.RunAxe();
    }
}
