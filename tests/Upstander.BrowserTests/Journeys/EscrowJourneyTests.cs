using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// The escrow way through the real page: two demo people hold reports about the same colleague; both are answered
/// "held", and once the group is judged (at the next boundary: every two seconds on this site, each hour by default)
/// both are told (a notice exists only with the escrow report it was made with; the reports' way, sealing and reporters
/// are checked in EscrowFlowTests). With JavaScript off the page says plainly that escrow cannot work and shows no form.
/// </summary>
public sealed partial class EscrowJourneyTests(EscrowJourneyTests.QuickJudgementSite site) : IClassFixture<EscrowJourneyTests.QuickJudgementSite>
{
    private const string Released = "Someone else has named the same person. Your report is now with the case team.";

    /// <summary>The demo installation, judging held groups every two seconds instead of each hour.</summary>
    public sealed class QuickJudgementSite() : UpstanderSite(demo: true)
    {
        protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["Escrow:JudgementPeriod"] = "00:00:02" };
    }

    [Fact]
    public async Task Two_people_name_the_same_colleague_and_once_the_group_is_judged_both_are_told_their_reports_are_with_the_case_team()
    {
        var signIns = await site.Server.DemoSignInsAsync();

        var ruth = await site.NewPageAsync();
        await ruth.SignInAsync(signIns["Employee"]);
        var ruthCode = await HoldAsync(ruth, "Jack Thompson", "He mocks my accent in every team meeting.");
        await ruth.ShouldBeAccessibleAsync();
        CodePattern().IsMatch(ruthCode).ShouldBeTrue(ruthCode);

        // The second report completes the group, and its page says exactly what the first one's said: the upload is never
        // where a group is judged.
        var kwame = await site.NewPageAsync();
        await kwame.SignInAsync(signIns["PeerSupporter"]);
        var kwameCode = await HoldAsync(kwame, "Jack Thompson", "He shouted at me in front of patients on Tuesday.");
        CodePattern().IsMatch(kwameCode).ShouldBeTrue(kwameCode);
        await kwame.ShouldBeAccessibleAsync();

        // The release job judges the group at the next boundary (two seconds here) and says so on the console.
        await site.Server.WaitForOutputAsync(ReleasedLine());
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
        await Assertions.Expect(page.Locator("#escrow-done")).ToHaveTextAsync("Your report is held");
        await Assertions.Expect(page.Locator("[data-escrow-code]")).ToBeVisibleAsync();
        return await page.Locator("[data-escrow-code]").InputValueAsync();
    }

    [GeneratedRegex("^[A-Z2-7]{4}(-[A-Z2-7]{4}){5}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("Released an escrow group at the judgement boundary: 2 held reports became reports")]
    private static partial Regex ReleasedLine();
}
