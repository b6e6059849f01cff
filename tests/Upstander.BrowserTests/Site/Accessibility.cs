using System.Runtime.CompilerServices;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Microsoft.Playwright;

namespace Upstander.BrowserTests.Site;

public static class Accessibility
{
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    /// <summary>Browser contexts opened with JavaScript switched off, where axe-core itself cannot run.</summary>
    private static readonly ConditionalWeakTable<IBrowserContext, IBrowser> Scriptless = [];

    internal static void MarkScriptless(IBrowserContext context, IBrowser browser) => Scriptless.Add(context, browser);

    /// <summary>The axe-core that Deque.AxeCore.Playwright ships (in Deque.AxeCore.Commons), read once.</summary>
    private static readonly Lazy<string> AxeSource = new(() =>
    {
        const string name = "Deque.AxeCore.Commons.Resources.axe.min.js";
        using var stream = typeof(AxeResult).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Deque.AxeCore.Commons no longer carries {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>
    /// Every rule axe-core has, on the whole document, keeping only what failed: each violation's rule, impact,
    /// help text and the selectors of the elements it found.
    /// </summary>
    private const string RunAxe = """
        async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return JSON.stringify(result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.flat().join(' ')) })));
        }
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Violation(string Id, string? Impact, string Help, string[] Targets);

    /// <summary>
    /// Runs axe-core on the page as it is now and fails on any serious or critical violation, naming
    /// the rule, its impact and the elements it found. Called on every page a journey reaches.
    /// </summary>
    public static async Task ShouldBeAccessibleAsync(this IPage page)
    {
        var violations = Scriptless.TryGetValue(page.Context, out var browser)
            ? await RunAxeOnCopyAsync(page, browser)
            : await RunAxeAsync(page);
        var blocking = violations.Where(v => v.Impact is not null && Blocking.Contains(v.Impact)).ToList();
        if (blocking.Count == 0)
        {
            return;
        }
        var report = string.Join("\n", blocking.Select(v => $"- {v.Id} ({v.Impact}): {v.Help}\n    at {string.Join("; ", v.Targets)}"));
        throw new ShouldAssertException($"axe-core found {blocking.Count} serious or critical accessibility problem(s) on {page.Url}:\n{report}");
    }

    /// <summary>
    /// axe-core run in the page itself, added to it once per document. Deque.AxeCore.Playwright's own <c>RunAxe</c>
    /// also runs every rule, but through axe's partial runs (made for pages with frames, which Upstander never
    /// has) finished in a second, blank page into which it loads axe-core again: about 500 ms a page against
    /// about 60 ms here, over the hundreds of pages the journeys reach.
    /// </summary>
    private static async Task<IReadOnlyList<Violation>> RunAxeAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'"))
        {
            await page.EvaluateAsync(AxeSource.Value);
        }
        var json = await page.EvaluateAsync<string>(RunAxe);
        return JsonSerializer.Deserialize<Violation[]>(json, Json) ?? [];
    }

    /// <summary>
    /// axe-core is JavaScript, so it cannot run where JavaScript is off. Instead the exact document that
    /// page shows is served again, at the same address with the same stylesheet, to a page where axe can
    /// run, and the site's own scripts are blocked there so the document stays as the scriptless visitor sees it.
    /// </summary>
    private static async Task<IReadOnlyList<Violation>> RunAxeOnCopyAsync(IPage page, IBrowser browser)
    {
        var html = await page.ContentAsync();
        var url = page.Url;
        await using var context = await browser.NewContextAsync();
        await context.RouteAsync(u => u == url, route => route.FulfillAsync(new() { Status = 200, ContentType = "text/html; charset=utf-8", Body = html }));
        await context.RouteAsync(u => new Uri(u).AbsolutePath.EndsWith(".js", StringComparison.Ordinal), route => route.AbortAsync());
        var copy = await context.NewPageAsync();
        await copy.GotoAsync(url);
        return await RunAxeAsync(copy);
    }
}
