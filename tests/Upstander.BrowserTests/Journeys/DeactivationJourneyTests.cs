using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// An administrator stops someone's account for a while and then lets it work again, from the person's
/// page: the page and the people directory show the state, and the person, signing in with the right
/// password, is told their account is no longer active, until it is reactivated. Locked after too many wrong
/// passwords, the person's passkey is told so too.
/// </summary>
public sealed partial class DeactivationJourneyTests(OrganisationSite site) : IClassFixture<OrganisationSite>
{
    private const string Email = "grace.liu@riverside.example";
    private const string Password = "meadow quartz beacon thistle";
    private const string NoLongerActive =
        "This account is no longer active, so it cannot sign in. If you think that is a mistake, ask your administrator. Reports you made anonymously, or set up a receipt for, can still be followed with that receipt.";
    private const string Locked = "This account is locked for a while after too many attempts. Try again in 15 minutes, or ask your administrator.";

    [Fact]
    public async Task An_admin_deactivates_an_account_which_then_cannot_sign_in_and_reactivates_it_which_then_can()
    {
        // Grace has an account: invited by the administrator, she chose a password, then added a passkey on her account page.
        var admin = await site.SignedInAdministratorAsync("/admin/people");
        var link = await admin.InviteAsync("grace", "Grace Liu");
        var grace = await site.NewPageAsync();
        var device = await VirtualAuthenticator.AttachAsync(grace);
        await grace.OpenInvitationAsync(link, "Grace Liu");
        await grace.ChoosePasswordAsync(Password);
        await Expect(grace.GetByRole(AriaRole.Heading, new() { Name = "Hello, Grace", Level = 1 })).ToBeVisibleAsync();
        await grace.GotoAsync("/account");
        await Expect(grace.GetByText("You have no passkeys yet.")).ToBeVisibleAsync();
        await grace.GetByLabel("Name for the new passkey (optional)").FillAsync("Grace's phone");
        await grace.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Expect(grace.GetByRole(AriaRole.Table, new() { Name = "Your passkeys" }).Locator("tbody td").First).ToHaveTextAsync("Grace's phone");
        (await device.CredentialsAsync()).ShouldHaveSingleItem().RpId.ShouldBe("localhost");
        await grace.ShouldBeAccessibleAsync();
        await grace.SignOutAsync();
        await grace.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");

        // The administrator finds her in the directory and opens her page; deactivating is folded away.
        await admin.GotoAsync("/admin/people");
        await Expect(await admin.AccountColumnAsync("grace", "Grace Liu")).ToHaveTextAsync("Yes");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Grace Liu" }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.AbsolutePath.StartsWith("/admin/people/", StringComparison.Ordinal));
        var person = admin.Url;
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Grace Liu", Level = 1 })).ToBeVisibleAsync();
        await Expect(admin.GetByText("This person has an active account.")).ToBeVisibleAsync();
        var deactivate = admin.GetByRole(AriaRole.Button, new() { Name = "Deactivate account" });
        await Expect(deactivate).ToBeHiddenAsync();
        await admin.OpenDeactivationAsync();
        await admin.ShouldBeAccessibleAsync();

        await deactivate.ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.Query == "?saved=deactivated");
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            "The account was deactivated. It cannot sign in, its sessions end within five minutes, and its access tokens no longer work. Open cases and support requests it held have been handed on.");
        await Expect(admin.Locator("[data-account-state]")).ToHaveTextAsync(DeactivatedByAdministrator());
        await Expect(admin.GetByText("This person has an active account.")).ToHaveCountAsync(0);
        await Expect(admin.GetByText("Deactivate this account")).ToHaveCountAsync(0);
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Reactivate account" })).ToBeVisibleAsync();
        await admin.ShouldBeAccessibleAsync();

        await admin.GetByRole(AriaRole.Link, new() { Name = "Back to people" }).ClickAsync();
        await Expect(await admin.AccountColumnAsync("grace", "Grace Liu")).ToHaveTextAsync("Deactivated");
        await admin.ShouldBeAccessibleAsync();

        // Grace: her passkey, which proves who she is, and her right password are told the account is no longer
        // active; a wrong password gets no more than the usual answer.
        await grace.GotoAsync("/account/sign-in");
        await grace.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(grace.GetByRole(AriaRole.Status)).ToHaveTextAsync(NoLongerActive);
        grace.PathAndQuery().ShouldBe("/account/sign-in");
        await grace.ShouldBeAccessibleAsync();
        await grace.SignInAsync(Email, "not my password at all");
        await Expect(grace.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That email and password do not match. Check them and try again.");
        await grace.SignInAsync(Email, Password);
        await Expect(grace.GetByRole(AriaRole.Alert)).ToHaveTextAsync(NoLongerActive);
        grace.PathAndQuery().ShouldBe("/account/sign-in");
        await grace.ShouldBeAccessibleAsync();

        // The administrator reactivates the account from her page.
        await admin.GotoAsync(person);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Reactivate account" }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.Query == "?saved=reactivated");
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            "The account was reactivated. The person signs in again; earlier sessions and access tokens stay ended.");
        await Expect(admin.GetByText("This person has an active account.")).ToBeVisibleAsync();
        await Expect(admin.Locator("[data-account-state]")).ToHaveCountAsync(0);
        await Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Reactivate account" })).ToHaveCountAsync(0);
        await admin.OpenDeactivationAsync();
        await admin.ShouldBeAccessibleAsync();
        await admin.GotoAsync("/admin/people");
        await Expect(await admin.AccountColumnAsync("grace", "Grace Liu")).ToHaveTextAsync("Yes");

        // Grace signs in again with the same password, and with her passkey.
        await grace.SignInAsync(Email, Password);
        await grace.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await Expect(grace.GetByRole(AriaRole.Heading, new() { Name = "Hello, Grace", Level = 1 })).ToBeVisibleAsync();
        await grace.ShouldBeAccessibleAsync();
        await grace.SignOutAsync();
        await grace.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        await grace.GotoAsync("/account/sign-in");
        await grace.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await grace.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await Expect(grace.GetByRole(AriaRole.Heading, new() { Name = "Hello, Grace", Level = 1 })).ToBeVisibleAsync();

        // Five wrong passwords lock the account for a while. Her passkey proves who she is, so it is told why it
        // cannot sign her in (before, it was given the same answer as an unknown passkey).
        await grace.SignOutAsync();
        await grace.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await grace.SignInAsync(Email, "a wrong guess " + attempt);
            await Expect(grace.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That email and password do not match. Check them and try again.");
        }
        await grace.SignInAsync(Email, "a wrong guess 5");
        await Expect(grace.GetByRole(AriaRole.Alert)).ToHaveTextAsync(Locked);
        await grace.GotoAsync("/account/sign-in");
        await grace.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(grace.GetByRole(AriaRole.Status)).ToHaveTextAsync(Locked);
        grace.PathAndQuery().ShouldBe("/account/sign-in");
        await grace.ShouldBeAccessibleAsync();
    }

    [GeneratedRegex(@"^This account was deactivated by an administrator on \d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} UTC\. It cannot sign in\.$")]
    private static partial Regex DeactivatedByAdministrator();
}
