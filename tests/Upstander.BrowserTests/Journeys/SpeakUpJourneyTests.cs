using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// Speaking up in the browser, on the demo organisation: a named report from the landing page through a saved draft,
/// a directory search and sending, to the report's own page; and an anonymous report from the public link in a
/// browser that never signed in, the receipt read from the page, and the return with receipt and passphrase. The
/// anonymous journey runs with JavaScript off. Axe checks every page. Its own demo server.
/// </summary>
public sealed partial class SpeakUpJourneyTests(DemoSite site) : IClassFixture<DemoSite>
{
    [Fact]
    public async Task An_employee_reports_with_their_name_from_a_draft_and_follows_the_report()
    {
        var signIns = await site.Server.DemoSignInsAsync();
        var ruth = await site.NewPageAsync();
        await ruth.SignInAsync(signIns["Employee"]);
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await ruth.GetByRole(AriaRole.Link, new() { Name = "Speak up" }).First.ClickAsync();
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == "/speak-up");
        await ruth.ShouldBeAccessibleAsync();

        await ruth.GetByRole(AriaRole.Link, new() { Name = "With your name" }).ClickAsync();
        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath == "/speak-up/report");
        await ruth.ShouldBeAccessibleAsync();
        await ruth.GetByLabel("What happened? (required)").FillAsync("In the Monday meetings my work is mocked in front of the team.");
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Save draft" }).ClickAsync();
        await Expect(ruth.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your draft is saved." })).ToBeVisibleAsync();
        await Expect(ruth.GetByLabel("What happened? (required)")).ToHaveValueAsync("In the Monday meetings my work is mocked in front of the team.");

        await ruth.GetByLabel("How often does it happen?").FillAsync("Every week since March.");
        await ruth.GetByLabel("Undermining my work: impossible demands, withheld information, unfair criticism").CheckAsync();
        await ruth.GetByLabel("Search the directory by name").FillAsync("Mei");
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await ruth.GetByLabel(new Regex("^Mei Tanaka")).CheckAsync();
        await Expect(ruth.GetByLabel("How often does it happen?")).ToHaveValueAsync("Every week since March.");
        await ruth.GetByLabel("Hold my identity back from case managers").CheckAsync();
        await ruth.ShouldBeAccessibleAsync();
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Send the report" }).ClickAsync();

        await ruth.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/speak-up/reports/", StringComparison.Ordinal));
        await Expect(ruth.GetByRole(AriaRole.Heading, new() { Name = "Your report has been sent" })).ToBeVisibleAsync();
        await Expect(ruth.GetByRole(AriaRole.Link, new() { Name = "Talk to a peer supporter" })).ToBeVisibleAsync();
        await Expect(ruth.Locator("main")).ToContainTextAsync("Mei Tanaka");
        await Expect(ruth.Locator("main")).ToContainTextAsync("Held back: case managers see a made-up name.");
        await ruth.ShouldBeAccessibleAsync();

        // A receipt of her own, so that she can follow the report if she leaves.
        await ruth.GetByLabel("Choose a passphrase").FillAsync("lanterns on the quay at dusk");
        await ruth.GetByLabel("The same passphrase again").FillAsync("lanterns on the quay at dusk");
        await ruth.GetByRole(AriaRole.Button, new() { Name = "Set up a receipt" }).ClickAsync();
        await Expect(ruth.GetByRole(AriaRole.Heading, new() { Name = "Your receipt" })).ToBeVisibleAsync();
        await Expect(ruth.Locator("#receipt")).ToHaveTextAsync(ReceiptDigits());
        await ruth.ShouldBeAccessibleAsync();

        await ruth.GotoAsync("/speak-up/reports");
        await Expect(ruth.GetByRole(AriaRole.Table)).ToContainTextAsync("Received: waiting for a case manager to acknowledge it.");
        await ruth.ShouldBeAccessibleAsync();
        await ruth.GotoAsync("/speak-up/report");
        await Expect(ruth.GetByLabel("What happened? (required)")).ToHaveValueAsync("", new() { Timeout = 5_000 });
    }

    [Fact]
    public async Task Someone_reports_anonymously_without_javascript_and_returns_with_the_receipt()
    {
        var signIns = await site.Server.DemoSignInsAsync();
        var employee = await site.NewPageAsync();
        await employee.SignInAsync(signIns["Employee"]);
        await employee.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await employee.GotoAsync("/speak-up");
        var link = await employee.Locator("main code").First.InnerTextAsync();
        link.ShouldStartWith("/report/");

        const string passphrase = "harbour lamps in winter fog";
        const string account = "A supervisor on the night shift threatens to change my rota if I complain.";
        var visitor = await site.NewPageAsync(javaScript: false);
        await visitor.GotoAsync(link);
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Report anonymously");
        await Expect(visitor.GetByLabel("Search the directory by name")).ToHaveCountAsync(0);
        await visitor.ShouldBeAccessibleAsync();
        await visitor.GetByLabel("What happened? (required)").FillAsync(account);
        await visitor.GetByLabel("Intimidation or threats").CheckAsync();
        await visitor.GetByLabel("Passphrase", new() { Exact = true }).FillAsync(passphrase);
        await visitor.GetByLabel("The same passphrase again").FillAsync(passphrase);
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Send the report anonymously" }).ClickAsync();

        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Your receipt" })).ToBeVisibleAsync();
        var receipt = (await visitor.Locator("#receipt").InnerTextAsync()).Trim();
        receipt.ShouldMatch(@"^\d{4} \d{4} \d{4} \d{4}$");
        await Expect(visitor.Locator("main")).ToContainTextAsync("Peer support needs you to sign in");
        await visitor.ShouldBeAccessibleAsync();
        (await visitor.Context.CookiesAsync()).Select(c => c.Name).ShouldAllBe(name => name.StartsWith("upstander.antiforgery", StringComparison.Ordinal));

        await visitor.GetByRole(AriaRole.Link, new() { Name = "Follow up on a report" }).ClickAsync();
        await visitor.ShouldArriveAtAsync(url => url.AbsolutePath.EndsWith("/follow-up", StringComparison.Ordinal));
        await visitor.ShouldBeAccessibleAsync();
        await visitor.GetByLabel("Receipt").FillAsync(receipt);
        await visitor.GetByLabel("Passphrase").FillAsync(passphrase);
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Open my report" }).ClickAsync();

        await visitor.ShouldArriveAtAsync(url => url.AbsolutePath.EndsWith("/follow-up/case", StringComparison.Ordinal));
        await Expect(visitor.Locator("main")).ToContainTextAsync(account);
        await Expect(visitor.Locator("main")).ToContainTextAsync("Received: waiting for a case manager to acknowledge it.");
        await visitor.ShouldBeAccessibleAsync();
        await visitor.GetByLabel("Write to the case manager").FillAsync("It happened again last night.");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Send message" }).ClickAsync();
        await Expect(visitor.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your message has been sent." })).ToBeVisibleAsync();
        await Expect(visitor.Locator("ol.thread")).ToContainTextAsync("It happened again last night.");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Leave my report" }).ClickAsync();
        await visitor.ShouldArriveAtAsync(url => url.PathAndQuery.EndsWith("/follow-up?done=ended", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\s*\d{4} \d{4} \d{4} \d{4}\s*$")]
    private static partial Regex ReceiptDigits();
}
