using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// The escrow way through the real page: two demo people hold reports about the same colleague; the second one
/// completes the group and both are told (a notice exists only with the escrow report it was made with; the
/// reports' way, sealing and reporters are checked in EscrowFlowTests). With JavaScript off the page says plainly
/// that escrow cannot work and shows no form.
/// </summary>
public sealed partial class EscrowJourneyTests(DemoSite site) : IClassFixture<DemoSite>
{
    private const string Released = "Someone else has named the same person. Your report is now with the case team.";

    [Fact]
    public async Task Two_people_name_the_same_colleague_and_both_are_told_their_reports_are_with_the_case_team()
    {
        var signIns = await site.Server.DemoSignInsAsync();

        var ruth = await site.NewPageAsync();
        await ruth.SignInAsync(signIns["Employee"]);
        var ruthCode = await HoldAsync(ruth, "Jack Thompson", "He mocks my accent in every team meeting.");
        (await ruth.Locator("[data-escrow-released]").IsHiddenAsync()).ShouldBeTrue();
        await Assertions.Expect(ruth.Locator("#escrow-done")).ToHaveTextAsync("Your report is held");
        await Assertions.Expect(ruth.Locator("[data-escrow-code]")).ToBeVisibleAsync();
        await ruth.ShouldBeAccessibleAsync();
        CodePattern().IsMatch(ruthCode).ShouldBeTrue(ruthCode);

        var kwame = await site.NewPageAsync();
        await kwame.SignInAsync(signIns["PeerSupporter"]);
        await HoldAsync(kwame, "Jack Thompson", "He shouted at me in front of patients on Tuesday.");
        await Assertions.Expect(kwame.Locator("[data-escrow-released]")).ToBeVisibleAsync();
        // Released at once: the page says so, and shows neither a withdrawal code (a released report is not withdrawn)
        // nor "while you wait"; it links to the reporter's reports, where this one now is.
        await Assertions.Expect(kwame.Locator("#escrow-done")).ToHaveTextAsync("Your held report has been released");
        (await kwame.Locator("[data-escrow-held]").IsHiddenAsync()).ShouldBeTrue();
        await Assertions.Expect(kwame.Locator("[data-escrow-released] a[href='/speak-up/reports']")).ToBeVisibleAsync();
        await kwame.ShouldBeAccessibleAsync();

        foreach (var page in new[] { ruth, kwame })
        {
            await page.GotoAsync("/");
            await Assertions.Expect(page.Locator("[data-escrow-notice]").First).ToContainTextAsync(Released);
            await Assertions.Expect(page.Locator("[data-escrow-notice] a[href='/support/talk']").First).ToBeVisibleAsync();
        }
        await ruth.ShouldBeAccessibleAsync();

        await ruth.GetByRole(AriaRole.Button, new() { Name = "Dismiss this notice" }).ClickAsync();
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == "/speak-up/escrow");
        (await ruth.Locator("[data-escrow-notice]").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Without_javascript_the_page_says_escrow_needs_the_browsers_cryptography_and_shows_no_form()
    {
        var signIns = await site.Server.DemoSignInsAsync();
        var page = await site.NewPageAsync(javaScript: false);
        await page.SignInAsync(signIns["Employee"]);
        await page.GotoAsync("/speak-up/escrow");
        await Assertions.Expect(page.Locator("[data-escrow-nojs]")).ToContainTextAsync("Escrow needs your browser's cryptography");
        await Assertions.Expect(page.Locator("[data-escrow-nojs] a[href='/speak-up']")).ToBeVisibleAsync();
        (await page.Locator("[data-escrow-form]").IsHiddenAsync()).ShouldBeTrue();
        await page.ShouldBeAccessibleAsync();
    }

    /// <summary>Fills and sends the escrow form; returns the withdrawal code the page holds (shown once, while the report is held).</summary>
    private static async Task<string> HoldAsync(IPage page, string named, string whatHappened)
    {
        await page.GotoAsync("/speak-up/escrow");
        await Assertions.Expect(page.Locator("[data-escrow-form]")).ToBeVisibleAsync();
        (await page.Locator("[data-escrow-nojs]").IsHiddenAsync()).ShouldBeTrue();
        await page.GetByLabel("Search the directory by name").FillAsync(named);
        var person = page.GetByLabel("Person", new() { Exact = true });
        await Assertions.Expect(person.Locator("option")).ToHaveCountAsync(1);
        await person.SelectOptionAsync(new SelectOptionValue { Index = 0 });
        await page.GetByLabel("Number of people, including you (at least 2)").FillAsync("2");
        await page.GetByLabel("What happened? (required)").FillAsync(whatHappened);
        await page.GetByLabel("Where did it happen?").FillAsync("Ward 3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lock and hold my report" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-escrow-done]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        return await page.Locator("[data-escrow-code]").InputValueAsync();
    }

    [GeneratedRegex("^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$")]
    private static partial Regex CodePattern();
}
