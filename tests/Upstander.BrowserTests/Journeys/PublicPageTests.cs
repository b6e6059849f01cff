using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>Pages anyone can open without signing in: each shows what it promises and passes axe-core.</summary>
public sealed class PublicPageTests(DemoSite site) : IClassFixture<DemoSite>
{
    [Theory]
    [InlineData("/account/sign-in", 200, "Sign in")]
    [InlineData("/privacy", 200, "How your information is handled")]
    [InlineData("/account/signed-out", 200, "You are signed out")]
    [InlineData("/account/access-denied", 403, "This page is not available to you")]
    [InlineData("/error/404", 404, "We could not find that page")]
    public async Task A_public_page_shows_its_heading_without_signing_in_and_passes_axe(string path, int status, string heading)
    {
        var page = await site.NewPageAsync();

        var response = await page.GotoAsync(path);

        response!.Status.ShouldBe(status);
        page.PathAndQuery().ShouldBe(path, "a public page must not send a signed-out visitor elsewhere");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "How your information is handled" }).Last).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
    }
}
