using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// A real passkey from start to end, made and used by Chromium's virtual authenticator (a device with a
/// screen lock): an invited person creates their account with a passkey instead of a password, signs out,
/// signs in again with it, finds it on their account page under its default name, confirms it is them with
/// it, renames it, and can remove it only once a password gives them another way to sign in. The site is opened as localhost,
/// the relying-party id the browser and Upstander agree on.
/// </summary>
public sealed class PasskeyJourneyTests(OrganisationSite site) : IClassFixture<OrganisationSite>
{
    private const string Email = "tomas.ortega@riverside.example";
    private const string LaterPassword = "copper willow harbour lantern";
    private const string NotAccepted = "The passkey was not accepted. Try again, or use another way to sign in.";

    [Fact]
    public async Task An_invited_person_creates_their_account_with_a_passkey_signs_in_with_it_renames_it_and_removes_it_once_they_have_a_password()
    {
        // The organisation keeps a calendar a day away from UTC's now, so a default name dated in UTC would show.
        var zone = TimeZoneInfo.FindSystemTimeZoneById(DateTime.UtcNow.Hour < 12 ? "Pacific/Pago_Pago" : "Pacific/Kiritimati");
        var admin = await site.SignedInAdministratorAsync("/admin/organisation");
        await admin.GetByLabel("Time zone").SelectOptionAsync(zone.Id);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status).Filter(new() { HasText = "The settings were saved." })).ToBeVisibleAsync();
        var link = await admin.InviteAsync("tomas", "Tomás Ortega");

        // Tomás, on a device that can hold passkeys: the page offers one, and creating it makes the account and signs him in.
        var tomas = await site.NewPageAsync();
        var device = await VirtualAuthenticator.AttachAsync(tomas);
        await tomas.OpenInvitationAsync(link, "Tomás Ortega");
        await Expect(tomas.GetByText("Passkeys are not available in this browser right now.", new() { Exact = false })).ToBeHiddenAsync();
        var added = OrganisationDate(zone);
        await tomas.GetByRole(AriaRole.Button, new() { Name = "Create my account with a passkey" }).ClickAsync();
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Hello, Tomás", Level = 1 })).ToBeVisibleAsync();
        await tomas.ShouldBeAccessibleAsync();
        var stored = (await device.CredentialsAsync()).ShouldHaveSingleItem();
        stored.RpId.ShouldBe("localhost");
        stored.IsResident.ShouldBeTrue("sign-in asks for no email, so the passkey must be one the device can offer by itself");

        // Signing out, then in again with the passkey alone, straight back to the page he asked for.
        await tomas.SignOutAsync();
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        await tomas.ShouldBeAccessibleAsync();
        await tomas.GotoAsync("/account");
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/sign-in");
        await tomas.ShouldBeAccessibleAsync();
        await tomas.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/account");
        (await device.CredentialsAsync()).ShouldHaveSingleItem().SignCount.ShouldBeGreaterThan(stored.SignCount, "the device signed the sign-in challenge");

        // The account page lists the passkey under the day it was added on the organisation's calendar.
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Your account", Level = 1 })).ToBeVisibleAsync();
        await Expect(tomas.GetByText($"Signed in as {Email}.")).ToBeVisibleAsync();
        var passkeys = tomas.GetByRole(AriaRole.Table, new() { Name = "Your passkeys" }).Locator("tbody tr");
        await Expect(passkeys).ToHaveCountAsync(1);
        await Expect(passkeys.Locator("td").First).ToHaveTextAsync(DefaultName(added, OrganisationDate(zone)));
        var defaultName = await passkeys.Locator("td").First.InnerTextAsync();
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Set a password", Level = 2 })).ToBeVisibleAsync();
        await tomas.ShouldBeAccessibleAsync();

        // Changes to how he signs in ask for a recent sign-in; he can confirm it is him at any time, with no password, by
        // his passkey, and is brought back.
        await tomas.GotoAsync("/account/confirm?returnUrl=%2Faccount");
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Confirm it's you", Level = 1 })).ToBeVisibleAsync();
        await Expect(tomas.GetByLabel("Your password")).ToHaveCountAsync(0);
        await tomas.ShouldBeAccessibleAsync();
        await tomas.GetByRole(AriaRole.Button, new() { Name = "Confirm with a passkey" }).ClickAsync();
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/account");
        (await device.CredentialsAsync()).ShouldHaveSingleItem().SignCount.ShouldBeGreaterThan(stored.SignCount + 1, "the device signed the confirmation too");

        await tomas.GetByLabel($"New name for {defaultName}").FillAsync("Work laptop");
        await passkeys.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(tomas.GetByRole(AriaRole.Status)).ToHaveTextAsync("Passkey renamed.");
        await Expect(passkeys.Locator("td").First).ToHaveTextAsync("Work laptop");
        await tomas.ShouldBeAccessibleAsync();

        // It is his only way to sign in, so it cannot be removed until he sets a password.
        await tomas.GetByRole(AriaRole.Button, new() { Name = "Remove Work laptop" }).ClickAsync();
        await Expect(tomas.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This is your only way to sign in. Set a password first, then you can remove this passkey.");
        await Expect(passkeys).ToHaveCountAsync(1);
        await tomas.ShouldBeAccessibleAsync();

        await tomas.GetByLabel("New password").FillAsync(LaterPassword);
        await tomas.GetByLabel("Type it again").FillAsync(LaterPassword);
        await tomas.GetByRole(AriaRole.Button, new() { Name = "Set password", Exact = true }).ClickAsync();
        await Expect(tomas.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your password has been changed.");
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Change your password", Level = 2 })).ToBeVisibleAsync();
        await tomas.ShouldBeAccessibleAsync();

        await tomas.GetByRole(AriaRole.Button, new() { Name = "Remove Work laptop" }).ClickAsync();
        await Expect(tomas.GetByRole(AriaRole.Status)).ToHaveTextAsync("Passkey removed. It can no longer be used to sign in.");
        await Expect(tomas.GetByText("You have no passkeys yet.")).ToBeVisibleAsync();
        await tomas.ShouldBeAccessibleAsync();

        // The device still offers the passkey, but the site no longer accepts it; the password works.
        await tomas.SignOutAsync();
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        await tomas.GotoAsync("/account/sign-in");
        await tomas.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(tomas.GetByRole(AriaRole.Status)).ToHaveTextAsync(NotAccepted);
        tomas.PathAndQuery().ShouldBe("/account/sign-in");
        await tomas.ShouldBeAccessibleAsync();
        await tomas.SignInAsync(Email, LaterPassword);
        await tomas.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await Expect(tomas.GetByRole(AriaRole.Heading, new() { Name = "Hello, Tomás", Level = 1 })).ToBeVisibleAsync();
        await tomas.ShouldBeAccessibleAsync();
    }

    [Fact]
    public async Task A_device_that_cannot_verify_the_person_makes_no_passkey_and_the_invitation_still_takes_a_password()
    {
        var admin = await site.SignedInAdministratorAsync("/admin");
        var link = await admin.InviteAsync("priya", "Priya Raman");

        // A passkey stands in for the password and the authenticator code, so the device must check who is holding
        // it: a security key with no PIN is turned away by the browser, since Upstander requires user verification.
        var priya = await site.NewPageAsync();
        var device = await VirtualAuthenticator.AttachAsync(priya, verifiesUser: false);
        await priya.OpenInvitationAsync(link, "Priya Raman");
        await priya.GetByRole(AriaRole.Button, new() { Name = "Create my account with a passkey" }).ClickAsync();
        await Expect(priya.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            "No passkey was made: the prompt was closed, or this device cannot check that it is you (it needs a PIN, fingerprint or face). You can try again, or use another way.");
        await Expect(priya.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Priya Raman", Level = 1 })).ToBeVisibleAsync();
        (await device.CredentialsAsync()).ShouldBeEmpty();
        await priya.ShouldBeAccessibleAsync();

        await priya.ChoosePasswordAsync(LaterPassword);
        await priya.ShouldArriveAtAsync(url => url.AbsolutePath == "/");
        await Expect(priya.GetByRole(AriaRole.Heading, new() { Name = "Hello, Priya", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_invitation_withdrawn_while_its_page_is_open_says_why_at_the_passkey_button_and_makes_nothing()
    {
        var admin = await site.SignedInAdministratorAsync("/admin");
        var link = await admin.InviteAsync("grace", "Grace Liu");
        var grace = await site.NewPageAsync();
        var device = await VirtualAuthenticator.AttachAsync(grace);
        await grace.OpenInvitationAsync(link, "Grace Liu");

        // The administrator withdraws it while Grace has the page open: the button tells her what the link would now say,
        // not to try again, and her device holds no passkey for an account that does not exist.
        await admin.GotoAsync("/admin/invitations");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Withdraw the invitation for Grace Liu" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status)).ToHaveTextAsync("The invitation was withdrawn. Its link no longer works.");

        await grace.GetByRole(AriaRole.Button, new() { Name = "Create my account with a passkey" }).ClickAsync();
        await Expect(grace.GetByRole(AriaRole.Status)).ToHaveTextAsync(
            "This invitation link cannot be used. It was withdrawn by an administrator. Ask your administrator if you still need an account.");
        (await device.CredentialsAsync()).ShouldBeEmpty();
        grace.PathAndQuery().ShouldStartWith("/account/invitation");
        await grace.ShouldBeAccessibleAsync();

        // Opened again, the link says the same.
        await grace.ReloadAsync();
        await Expect(grace.GetByRole(AriaRole.Heading, new() { Name = "This invitation link cannot be used", Level = 1 })).ToBeVisibleAsync();
        await Expect(grace.GetByRole(AriaRole.Alert)).ToHaveTextAsync("It was withdrawn by an administrator. Ask your administrator if you still need an account.");
    }

    private static DateOnly OrganisationDate(TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);

    /// <summary>"Passkey added 7 Mar 2026", for the day the passkey was made (either side of midnight, should it fall in between).</summary>
    private static Regex DefaultName(DateOnly before, DateOnly after) =>
        new("^(" + string.Join('|', new[] { before, after }.Distinct().Select(day =>
            Regex.Escape("Passkey added " + day.ToString("d MMM yyyy", CultureInfo.InvariantCulture)))) + ")$");
}
