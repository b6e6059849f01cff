using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// Waiting for the browser to arrive at a page after a click or a form post.
/// </summary>
/// <remarks>
/// Playwright .NET (1.64.1) waits for a load state by reading the frame's recorded states on the test's
/// thread and only then subscribing to the event that the transport thread raises after recording a new
/// state; <c>WaitForURLAsync</c> reads the frame's URL the same way before it waits for a navigation. A state
/// recorded in between raises its event to nobody, and the wait runs to its 30-second timeout although the
/// page loaded long before. The failure log then shows only <c>"NetworkIdle" event fired</c>, the one state
/// that comes later (microsoft/playwright-dotnet#3364). The frame keeps its record, so these helpers read it
/// again, in short waits, rather than depend on one event. Every loop is bounded by <see cref="Timeout"/>.
/// </remarks>
public static class Arriving
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>How long one wait for a load state lasts before the recorded states are read again.</summary>
    private const float LoadStateCheck = 500;

    /// <summary>Waits until the browser is on a page whose address satisfies <paramref name="at"/>, and that page has loaded.</summary>
    public static async Task ShouldArriveAtAsync(this IPage page, Func<Uri, bool> at, [CallerArgumentExpression(nameof(at))] string expected = "")
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            if (at(new Uri(page.Url)) && await page.HasLoadedAsync())
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
        throw new TimeoutException(
            $"The browser did not arrive at a page where {expected} within {Timeout.TotalSeconds} s. It is on {page.Url}, headed \"{await HeadingAsync(page)}\".");
    }

    /// <summary>Waits until the page the browser is on has loaded.</summary>
    public static async Task ShouldHaveLoadedAsync(this IPage page)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < Timeout)
        {
            if (await page.HasLoadedAsync())
            {
                return;
            }
        }
        throw new TimeoutException($"The page at {page.Url} did not finish loading within {Timeout.TotalSeconds} s.");
    }

    /// <summary>
    /// True once the current page has fired its load event. A state whose event was lost is still in the
    /// frame's record, so the next short wait returns at once.
    /// </summary>
    private static async Task<bool> HasLoadedAsync(this IPage page)
    {
        try
        {
            await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = LoadStateCheck });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static async Task<string> HeadingAsync(IPage page)
    {
        try
        {
            return (await page.Locator("h1").First.TextContentAsync(new() { Timeout = 2000 }) ?? "").Trim();
        }
        catch (PlaywrightException error)
        {
            return $"(no heading: {error.Message.Split('\n')[0]})";
        }
    }
}
