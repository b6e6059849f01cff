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
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

        await page.GotoAsync("/support/talk");
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("A conflict at work").CheckAsync();
        await page.GetByLabel("Today, if possible").CheckAsync();
        await page.GetByLabel("Messages in Upstander").CheckAsync();
        await page.GetByLabel("No, show them a made-up name instead").CheckAsync();
        // Every question answered "no risk": only the words carry it, misspelt as a person under stress might.
        await page.Locator("#answer-safe-now-yes").CheckAsync();
        await page.Locator("#answer-self-harm-no").CheckAsync();
        await page.Locator("#answer-harm-others-no").CheckAsync();
        await page.GetByLabel("Is there anything you would like us to know before we find someone? (optional)")
            .FillAsync("My manager shouts at me every day and honestly I cant go on anymore, I keep thinking about ending it all.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ask for support" }).ClickAsync();

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/support/requests/", StringComparison.Ordinal));
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
