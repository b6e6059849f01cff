using Microsoft.Playwright;
using Upstander.BrowserTests.Site;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// The axe-core gate that every journey relies on really does stop an inaccessible page, with or
/// without JavaScript. (The sample page is served by the browser's own routing; it never reaches the server.)
/// </summary>
public sealed class AccessibilityCheckTests(DemoSite site) : IClassFixture<DemoSite>
{
    private const string Inaccessible =
        "<!doctype html><html lang=\"en\"><head><title>Sample</title></head><body><main>" +
        "<h1>Sample</h1><form><input type=\"text\" name=\"unlabelled\"><button type=\"submit\"></button></form>" +
        "</main></body></html>";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_page_with_an_unlabelled_field_and_a_nameless_button_fails_the_check_naming_the_rules(bool javaScript)
    {
        var page = await site.NewPageAsync(javaScript);
        var url = new Uri(site.Server.Address, "/accessibility-check-sample").ToString();
        await page.Context.RouteAsync(url, route => route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = Inaccessible }));
        await page.GotoAsync(url);

        var failure = await Assert.ThrowsAsync<ShouldAssertException>(page.ShouldBeAccessibleAsync);

        failure.Message.ShouldContain("- label (critical): Form elements must have labels\n    at input");
        failure.Message.ShouldContain("- button-name (critical): Buttons must have discernible text\n    at button");
    }
}
