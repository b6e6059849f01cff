using Microsoft.Playwright;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// One running Upstander and one headless system Chromium, shared by the tests of a class. Each test
/// opens its own browser context, so cookies never leak from one journey into another.
/// </summary>
public abstract class UpstanderSite(bool demo) : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private UpstanderServer? _server;

    public UpstanderServer Server => _server ?? throw new InvalidOperationException("The site has not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The site has not started.");

    /// <summary>Command-line verbs to run on the new installation before its server starts; none by default.</summary>
    protected virtual Task PrepareAsync(UpstanderCli cli) => Task.CompletedTask;

    /// <summary>Configuration the server starts with besides the test defaults; none by default.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Whatever else the site ran for its tests, stopped after the server.</summary>
    protected virtual ValueTask StopExtrasAsync() => ValueTask.CompletedTask;

    public async Task InitializeAsync()
    {
        File.Exists(ChromiumPath).ShouldBeTrue($"The browser tests drive the system Chromium at {ChromiumPath}: apt-get install -y chromium (scripts/test does).");
        // Playwright must never download a browser of its own.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // The server starts while the browser launches; both take a few seconds.
        var starting = UpstanderServer.StartAsync(demo, PrepareAsync, Settings);
        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    // Sites are opened as localhost (UpstanderServer.Address), where Kestrel listens on 127.0.0.1 only.
                    "--host-resolver-rules=MAP localhost 127.0.0.1",
                ],
            });
        }
        catch
        {
            // Never leave the server running when the browser could not start.
            await (await starting).DisposeAsync();
            _playwright?.Dispose();
            throw;
        }
        _server = await starting;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        await StopExtrasAsync();
    }

    /// <summary>A fresh, cookie-less browser window on the site.</summary>
    public async Task<IPage> NewPageAsync(bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.Address.ToString(),
            JavaScriptEnabled = javaScript,
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(30_000);
        if (!javaScript)
        {
            Accessibility.MarkScriptless(context, Browser);
        }
        var page = await context.NewPageAsync();
        PageLog.Keep(page);
        return page;
    }
}

/// <summary>Upstander started with --demo: the demo organisation exists and its sign-ins were printed.</summary>
public sealed class DemoSite() : UpstanderSite(demo: true)
{
    /// <summary>A new browser window in which <paramref name="who"/> (a printed demo sign-in) has signed in and reached their home page.</summary>
    public async Task<IPage> SignedInAsync(DemoSignIn who)
    {
        var page = await NewPageAsync();
        await page.SignInAsync(who);
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        return page;
    }

    /// <summary>The demo person printed for <paramref name="role"/>, signed in on their home page in a new window.</summary>
    public async Task<IPage> SignedInAsync(string role) => await SignedInAsync((await Server.DemoSignInsAsync())[role]);
}

/// <summary>Upstander started on an empty database: it printed a first-run set-up code.</summary>
public sealed class FirstRunSite() : UpstanderSite(demo: false);
