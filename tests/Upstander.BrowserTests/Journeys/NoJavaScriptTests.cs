using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>Someone on a locked-down or privacy browser, with JavaScript switched off, can still use Upstander.</summary>
public sealed class NoJavaScriptTests(DemoSite site) : IClassFixture<DemoSite>
{
    [Fact]
    public async Task With_javascript_off_an_employee_signs_in_reaches_their_home_page_and_signs_out()
    {
        var employee = (await site.Server.DemoSignInsAsync())["Employee"];
        var page = await site.NewPageAsync(javaScript: false);

        await page.SignInAsync(employee);

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Ruth", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your support and reports" })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/signed-out");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You are signed out", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
    }
}
