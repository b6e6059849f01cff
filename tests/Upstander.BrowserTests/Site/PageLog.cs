using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// What a browser window met that its pages do not show: requests that failed or were answered with an error,
/// script errors and console errors. Every window the site opens keeps one, from its first request, so a test
/// that fails on a page that "did nothing" can say whether the page's own script was ever fetched and run.
/// </summary>
public static class PageLog
{
    private static readonly ConditionalWeakTable<IPage, ConcurrentQueue<string>> Logs = [];

    /// <summary>Starts keeping the window's log; call before it opens its first page.</summary>
    public static void Keep(IPage page)
    {
        var log = Logs.GetValue(page, _ => new ConcurrentQueue<string>());
        var started = DateTime.UtcNow;
        void Note(string line)
        {
            log.Enqueue($"+{(DateTime.UtcNow - started).TotalSeconds:0.000}s {line}");
            while (log.Count > 200 && log.TryDequeue(out _))
            {
            }
        }
        page.RequestFailed += (_, request) => Note($"failed {request.Method} {PathOf(request.Url)}: {request.Failure}");
        page.Response += (_, response) =>
        {
            // Every script and navigation answer, and any other answer that is not a success or a redirect.
            var request = response.Request;
            if (request.ResourceType is "script" or "document" || response.Status >= 400)
            {
                Note($"{response.Status} {request.Method} {PathOf(response.Url)} ({request.ResourceType})");
            }
        };
        page.PageError += (_, error) => Note("script error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                Note($"console {message.Type}: {message.Text}");
            }
        };
    }

    /// <summary>The window's log, oldest first, or a note that none was kept.</summary>
    public static string Describe(IPage page) =>
        Logs.TryGetValue(page, out var log) && !log.IsEmpty ? string.Join('\n', log) : "(nothing noted)";

    private static string PathOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.PathAndQuery : url;
}
