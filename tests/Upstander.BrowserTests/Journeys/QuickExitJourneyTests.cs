using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// "Leave this page quickly" on the speak-up and support pages: one press, or Escape twice, goes to the neutral page
/// and Back does not bring the page up again; without JavaScript it is an ordinary link that still leaves. The neutral
/// page is answered by the test itself, so nothing leaves the machine.
/// </summary>
public sealed class QuickExitJourneyTests(DemoSite site) : IClassFixture<DemoSite>
{
    private const string Neutral = "https://www.wikipedia.org/";

    private static async Task AnswerNeutralPageAsync(IPage page) =>
        await page.Context.RouteAsync(url => url.StartsWith(Neutral, StringComparison.Ordinal),
            route => route.FulfillAsync(new() { Status = 200, ContentType = "text/html; charset=utf-8", Body = "<!doctype html><title>Neutral</title><p>Neutral</p>" }));

    [Fact]
    public async Task The_button_leaves_and_back_does_not_return_and_escape_twice_leaves_too()
    {
        var signIns = await site.Server.DemoSignInsAsync();
        var page = await site.NewPageAsync();
        await AnswerNeutralPageAsync(page);
        await page.SignInAsync(signIns["Employee"]);
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        // Her home page lists her open conversation with her supporter, so it offers the way out too; her account page does not.
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Leave this page quickly" })).ToHaveCountAsync(1);
        await page.GotoAsync("/account");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Leave this page quickly" })).ToHaveCountAsync(0);
        await page.GotoAsync("/");

        await page.GotoAsync("/speak-up/journal");
        await Expect(page.GetByText("or press Esc twice")).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Leave this page quickly" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsoluteUri == Neutral);
        await page.GoBackAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/");

        await page.GotoAsync("/support");
        await page.Keyboard.PressAsync("Escape");
        await page.Keyboard.PressAsync("Escape");
        await page.ShouldArriveAtAsync(url => url.AbsoluteUri == Neutral);
    }

    [Fact]
    public async Task Without_javascript_the_button_is_a_link_that_leaves()
    {
        var employee = await site.NewPageAsync();
        await employee.SignInAsync((await site.Server.DemoSignInsAsync())["Employee"]);
        await employee.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await employee.GotoAsync("/speak-up");
        var link = await employee.Locator("main code").First.InnerTextAsync();

        var visitor = await site.NewPageAsync(javaScript: false);
        await AnswerNeutralPageAsync(visitor);
        await visitor.GotoAsync(link);
        await Expect(visitor.GetByText("or press Esc twice")).ToBeHiddenAsync();
        await visitor.GetByRole(AriaRole.Link, new() { Name = "Leave this page quickly" }).ClickAsync();
        await visitor.ShouldArriveAtAsync(url => url.AbsoluteUri == Neutral);
    }
}
