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
/// that comes later (microsoft/playwright-dotnet#3364). These helpers subscribe first and read the recorded
/// state second, so an event is either seen by the subscription or already in the record: none is lost.
/// Every wait is bounded by <see cref="Timeout"/>.
/// </remarks>
public static class Arriving
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until the browser is on a page whose address satisfies <paramref name="at"/>, and that page has loaded.</summary>
    public static async Task ShouldArriveAtAsync(this IPage page, Func<Uri, bool> at, [CallerArgumentExpression(nameof(at))] string expected = "")
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            var navigated = NextAsync<IFrame>(h => page.FrameNavigated += h, h => page.FrameNavigated -= h, deadline.Token);
            if (at(new Uri(page.Url)))
            {
                await page.ShouldHaveLoadedAsync(deadline.Token);
                return;
            }
            if (!await navigated)
            {
                throw new TimeoutException(
                    $"The browser did not arrive at a page where {expected} within {Timeout.TotalSeconds} s. It is on {page.Url}, headed \"{await HeadingAsync(page)}\".");
            }
        }
    }

    /// <summary>Waits until the page the browser is on has loaded.</summary>
    public static async Task ShouldHaveLoadedAsync(this IPage page)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        await page.ShouldHaveLoadedAsync(deadline.Token);
    }

    private static async Task ShouldHaveLoadedAsync(this IPage page, CancellationToken deadline)
    {
        var loaded = NextAsync<IPage>(h => page.Load += h, h => page.Load -= h, deadline);
        if (!await IsLoadRecordedAsync(page) && !await loaded)
        {
            throw new TimeoutException($"The page at {page.Url} did not finish loading within {Timeout.TotalSeconds} s.");
        }
    }

    /// <summary>
    /// Whether the frame has already recorded "load" for its current page. Playwright reads its record before it
    /// waits, and returns at once when the state is there; the 1 ms bound only ends the wait when it is not.
    /// </summary>
    private static async Task<bool> IsLoadRecordedAsync(IPage page)
    {
        try
        {
            await page.WaitForLoadStateAsync(LoadState.Load, new() { Timeout = 1 });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>True when the event is next raised, false if <paramref name="deadline"/> passes first. Subscribes before it returns.</summary>
    private static Task<bool> NextAsync<T>(Action<EventHandler<T>> subscribe, Action<EventHandler<T>> unsubscribe, CancellationToken deadline)
    {
        var raised = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<T>? handler = null;
        handler = (_, _) => raised.TrySetResult(true);
        subscribe(handler);
        var expiry = deadline.Register(() => raised.TrySetResult(false));
        return raised.Task.ContinueWith(
            outcome =>
            {
                unsubscribe(handler);
                expiry.Dispose();
                return outcome.Result;
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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
