using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// The follow-up to <see cref="FirstRunTests"/>: the first administrator of a new installation goes on to
/// set up two-factor and reach administration. It needs an installation of its own, because the set-up
/// page works only once, until the first organisation exists.
/// </summary>
public sealed partial class FirstAdministratorTests(FirstRunSite site) : IClassFixture<FirstRunSite>
{
    private const string Email = "morgan.ellis@riverside.example";
    private const string Password = "lantern orchard velvet compass";

    [Fact]
    public async Task The_first_administrator_sets_up_two_factor_and_reaches_administration()
    {
        var code = (await site.Server.WaitForOutputAsync(SetupCode())).Groups["code"].Value;
        var page = await site.NewPageAsync();
        await page.GotoAsync("/setup");
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Set-up code").FillAsync(code);
        await page.GetByLabel("Organisation name").FillAsync("Riverside Libraries");
        await page.GetByLabel("Your name").FillAsync("Morgan Ellis");
        await page.GetByLabel("Work email").FillAsync(Email);
        await page.GetByLabel("Employee id").FillAsync("RL-0001");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organisation" }).ClickAsync();

        // Administration is closed until two-factor is on: every page leads back to the set-up.
        var key = await page.AuthenticatorKeyAsync();
        await page.GotoAsync("/admin");
        await page.ShouldArriveAtAsync(url => url.PathAndQuery == "/account/two-factor?required=true");
        (await page.AuthenticatorKeyAsync()).ShouldBe(key, "the key stays the same until two-factor is on, so the app already holding it keeps working");

        // A code the app is not showing is refused, and says why.
        await page.GetByLabel("Enter the six-digit code the app shows").FillAsync(TwoFactor.WrongCode(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "That code did not work. Codes change every 30 seconds; enter the one showing now in your app.");
        await page.ShouldBeAccessibleAsync();

        (await page.TurnOnTwoFactorAsync()).ShouldBe(key);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Hello, Morgan", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Open administration" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/admin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administration", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        // Signing in again: the password, then a code from the app, straight back to administration.
        await page.SignOutAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        await page.ShouldBeAccessibleAsync();
        await page.SignInWithTwoFactorAsync(Email, Password, key, "/admin");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administration", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
    }

    [GeneratedRegex(@"enter the set-up code (?<code>[A-Z0-9]{4}-[A-Z0-9]{4})")]
    private static partial Regex SetupCode();
}
