using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

public sealed class TrainingJourneyTests(DemoSite site) : IClassFixture<DemoSite>
{
    [Fact]
    public async Task A_supporter_completes_the_core_course_in_the_browser()
    {
        var supporter = (await site.Server.DemoSignInsAsync())["PeerSupporter"];
        var page = await site.NewPageAsync();
        await page.SignInAsync(supporter);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        var pages = await page.CompleteCourseAsync("becoming-a-peer-supporter");
        pages.ShouldBeGreaterThan(50);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "View your certificate" })).ToBeVisibleAsync();
    }
}
