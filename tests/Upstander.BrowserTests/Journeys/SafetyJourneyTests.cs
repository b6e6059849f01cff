using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// A person who writes that they are at risk sees crisis resources first, on the very next page, before anything
/// about their request; and a coordinator finds the request at the top of the urgent list without its words.
/// Its own demo server, so the urgent request it makes does not change what other journeys see.
/// </summary>
public sealed class SafetyJourneyTests(DemoSite site) : IClassFixture<DemoSite>
{
    [Fact]
    public async Task A_risky_request_shows_crisis_resources_at_once_and_reaches_the_front_of_the_coordinators_queue()
    {
        var signIns = await site.Server.DemoSignInsAsync();
        var page = await site.NewPageAsync();
        await page.SignInAsync(signIns["Employee"]);
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/");

        // Every question answered "no risk": only the words carry it, misspelt as a person under stress might.
        await page.AskForSupportAsync(new SupportForm.Request("A conflict at work", "Today, if possible", ShowName: false)
        {
            Details = "My manager shouts at me every day and honestly I cant go on anymore, I keep thinking about ending it all.",
        });

        var first = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(first).ToHaveTextAsync("You do not have to wait: help is here now");
        var help = page.GetByRole(AriaRole.Region, new() { Name = "You do not have to wait: help is here now" });
        await Expect(help).ToContainTextAsync("Samaritans");
        await Expect(help).ToContainTextAsync("116 123");
        await Expect(help).ToContainTextAsync("999");
        await page.ShouldBeAccessibleAsync();

        var coordinator = await site.NewPageAsync();
        await coordinator.SignInAsync(signIns["Coordinator"]);
        await coordinator.TurnOnTwoFactorAsync();
        await coordinator.GotoAsync("/coordinate/requests");
        await Expect(coordinator.GetByRole(AriaRole.Main)).ToContainTextAsync("Urgent");
        await Expect(coordinator.GetByRole(AriaRole.Main)).Not.ToContainTextAsync("ending it all");
        await Expect(coordinator.GetByRole(AriaRole.Main)).Not.ToContainTextAsync("Ruth");
        await coordinator.ShouldBeAccessibleAsync();
    }
}
