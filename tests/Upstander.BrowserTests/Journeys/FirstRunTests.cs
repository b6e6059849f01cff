using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// The very first visit to a new installation. The follow-up journey (set up two-factor, reach
/// administration, sign out and back in with a code) is <see cref="FirstAdministratorTests"/>, on an
/// installation of its own because the set-up page works only once.
/// </summary>
public sealed partial class FirstRunTests(FirstRunSite site) : IClassFixture<FirstRunSite>
{
    [Fact]
    public async Task The_first_administrator_creates_the_organisation_with_the_code_from_the_console_and_is_sent_to_set_up_two_factor()
    {
        var code = (await site.Server.WaitForOutputAsync(SetupCode())).Groups["code"].Value;
        var page = await site.NewPageAsync();

        var response = await page.GotoAsync("/setup");
        response!.Status.ShouldBe(200);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up Upstander", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        await FillAsync(page, "WRNG-CODE");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That set-up code is not the one shown on the server console.");
        await page.ShouldBeAccessibleAsync();

        await FillAsync(page, code);
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/two-factor");
        page.PathAndQuery().ShouldBe("/account/two-factor?required=true");
        await page.ShouldBeAccessibleAsync();
    }

    private static async Task FillAsync(IPage page, string code)
    {
        await page.GetByLabel("Set-up code").FillAsync(code);
        await page.GetByLabel("Organisation name").FillAsync("Riverside Libraries");
        await page.GetByLabel("Your name").FillAsync("Morgan Ellis");
        await page.GetByLabel("Work email").FillAsync("morgan.ellis@riverside.example");
        await page.GetByLabel("Employee id").FillAsync("RL-0001");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("lantern orchard velvet compass");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organisation" }).ClickAsync();
    }

    [GeneratedRegex(@"enter the set-up code (?<code>[A-Z0-9]{4}-[A-Z0-9]{4})")]
    private static partial Regex SetupCode();
}
