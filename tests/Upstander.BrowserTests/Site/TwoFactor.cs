using Microsoft.Playwright;
using Upstander.Tests.TestHost;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// Two-factor sign-in as a person does it with an authenticator app: the app is given the key shown on
/// the set-up page, and the test computes the app's six-digit codes from that key (RFC 6238).
/// </summary>
public static class TwoFactor
{
    public const int RecoveryCodeCount = 10;

    /// <summary>
    /// On the set-up page: reads the key (shown in groups of four for typing into an app), enters the
    /// app's code, sees the recovery codes once and continues to the home page. Returns the key.
    /// </summary>
    public static async Task<string> TurnOnTwoFactorAsync(this IPage page)
    {
        var key = await page.AuthenticatorKeyAsync();
        await page.GetByLabel("Enter the six-digit code the app shows").FillAsync(Totp.Code(key));
        // Accepted is 200: the page answers a post it did not accept with 400 (the form posts to the address the redirect gave).
        var answer = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor authentication" }).ClickAsync(),
            response => response.Request.Method == "POST" && new Uri(response.Url).AbsolutePath == "/account/two-factor");
        answer.Status.ShouldBe(200);

        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Two-factor authentication is on." })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your recovery codes", Level = 2 })).ToBeVisibleAsync();
        var codes = await page.Locator("[data-recovery-codes] li").AllInnerTextsAsync();
        codes.Count.ShouldBe(RecoveryCodeCount);
        codes.ShouldAllBe(code => code.Trim().Length >= 8);
        codes.Distinct().Count().ShouldBe(RecoveryCodeCount);
        await page.ShouldBeAccessibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved them, continue" }).ClickAsync();
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        return key;
    }

    /// <summary>
    /// The set-up page as someone whose role requires two-factor first sees it: checked with axe, with
    /// the QR code to scan and, for typing by hand, the key in groups of four. Returns the key.
    /// </summary>
    public static async Task<string> AuthenticatorKeyAsync(this IPage page)
    {
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/two-factor");
        page.PathAndQuery().ShouldBe("/account/two-factor?required=true");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor authentication", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Your role lets you see sensitive information, so your account needs a second step at sign-in.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();

        var key = (await page.Locator("[data-authenticator-key]").InnerTextAsync()).Trim();
        key.ShouldMatch("^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$", "the key is shown in groups of four letters and digits, for typing into an app");
        return key;
    }

    /// <summary>After a correct password, on the two-factor step: enters the code the app shows now and continues.</summary>
    public static async Task EnterAuthenticatorCodeAsync(this IPage page, string key)
    {
        await page.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/sign-in/two-factor");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enter the code from your authenticator app", Level = 1 })).ToBeVisibleAsync();
        await page.ShouldBeAccessibleAsync();
        await page.GetByLabel("Six-digit code").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
    }

    /// <summary>Signs in with a password and a fresh code from the app, starting from <paramref name="path"/> (which asks for sign-in first).</summary>
    public static async Task SignInWithTwoFactorAsync(this IPage page, string email, string password, string key, string path = "/")
    {
        await page.SignInAsync(email, password, path);
        await page.EnterAuthenticatorCodeAsync(key);
        await page.ShouldArriveAtAsync(url => url.PathAndQuery == path);
    }

    /// <summary>A six-digit code that the app would not show for this key now, nor within the server's allowance for clock drift.</summary>
    public static string WrongCode(string key)
    {
        var now = DateTimeOffset.UtcNow;
        var current = Enumerable.Range(-3, 7).Select(step => Totp.Code(key, now.AddSeconds(30 * step))).ToHashSet();
        return Enumerable.Range(0, 10).Select(digit => new string((char)('0' + digit), 6)).First(code => !current.Contains(code));
    }
}
