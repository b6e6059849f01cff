using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// From an installation set up on the command line to a coordinator at work: the administrator follows
/// the link create-admin printed, sets up two-factor, and invites someone from the directory; that
/// person opens the link from the email they received in their own browser, chooses a password, sets up
/// two-factor and signs in.
/// </summary>
public sealed partial class InvitationJourneyTests(OrganisationSite site) : IClassFixture<OrganisationSite>
{
    private const string CoordinatorPassword = "harbour meadow lantern quartz";

    [Fact]
    public async Task An_invited_coordinator_sets_a_password_and_two_factor_reaches_their_home_page_and_signs_in_again_with_a_code()
    {
        // The administrator, from the link the command line printed.
        site.AdminInvitation.ShouldStartWith(site.Server.Address + "account/invitation?token=");
        var admin = await site.NewPageAsync();
        await admin.OpenInvitationAsync(site.AdminInvitation, OrganisationSite.AdminName);
        await Expect(admin.GetByText("Your role needs a second step at sign-in.")).ToBeVisibleAsync();
        await admin.ChoosePasswordAsync(OrganisationSite.AdminPassword);
        await admin.TurnOnTwoFactorAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Hello, Morgan", Level = 1 })).ToBeVisibleAsync();
        await admin.ShouldBeAccessibleAsync();

        // ... finds Priya in the directory and invites her as a coordinator.
        await admin.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Administration" }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.AbsolutePath == "/admin");
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Administration", Level = 1 })).ToBeVisibleAsync();
        await admin.ShouldBeAccessibleAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Invitations", Exact = true }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.AbsolutePath == "/admin/invitations");
        await admin.ShouldBeAccessibleAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Invite someone" }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.AbsolutePath == "/admin/invitations/new");
        await admin.ShouldBeAccessibleAsync();
        await admin.GetByLabel("Name, email or employee id").FillAsync("priya");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.Query == "?q=priya");
        await Expect(admin.Locator(".person-list li")).ToHaveTextAsync(["Priya Raman priya.raman@riverside.example"]);
        await admin.ShouldBeAccessibleAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Priya Raman" }).ClickAsync();
        await admin.ShouldArriveAtAsync(url => url.Query.StartsWith("?person=", StringComparison.Ordinal));
        await Expect(admin.GetByText("Invite Priya Raman (priya.raman@riverside.example) to set up their account.")).ToBeVisibleAsync();
        await admin.ShouldBeAccessibleAsync();
        await admin.GetByRole(AriaRole.Checkbox, new() { Name = "Coordinator" }).CheckAsync();
        await Expect(admin.GetByText("Upstander emails the link to priya.raman@riverside.example.")).ToBeVisibleAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create invitation" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status).Filter(new() { HasText = "Invitation created for Priya Raman. It is on its way to priya.raman@riverside.example." })).ToBeVisibleAsync();
        await admin.ShouldBeAccessibleAsync();

        // The link reaches Priya's work mailbox; the page also offers it once, folded away, to send another way.
        var email = await site.Mail.WaitForMailToAsync("priya.raman@riverside.example");
        email.Subject.ShouldBe("Riverside Libraries: your invitation to Upstander");
        var link = InvitationLink().Match(email.TextBody ?? "").Value;
        link.ShouldStartWith(site.Server.Address + "account/invitation?token=");
        await admin.GetByText("Send the link yourself instead").ClickAsync();
        (await admin.GetByLabel("Invitation link (works once, for 7 days)").InputValueAsync()).ShouldBe(link);
        await admin.ShouldBeAccessibleAsync();

        await admin.GetByRole(AriaRole.Link, new() { Name = "Back to invitations" }).ClickAsync();
        var invitation = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "Priya Raman" });
        await Expect(invitation).ToContainTextAsync("Coordinator");
        await Expect(invitation).ToContainTextAsync("Waiting to be used");
        await admin.ShouldBeAccessibleAsync();

        // Priya, in her own browser: a weak password is refused with a reason, then a good one is taken.
        var priya = await site.NewPageAsync();
        await priya.OpenInvitationAsync(link, "Priya Raman");
        await Expect(priya.GetByText("Your role needs a second step at sign-in.")).ToBeVisibleAsync();
        await priya.ChoosePasswordAsync("priya2024");
        await Expect(priya.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "This password is too short. Use at least 12 characters: a few unrelated words make a strong password you can remember.");
        await Expect(priya.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Priya Raman", Level = 1 })).ToBeVisibleAsync();
        await priya.ShouldBeAccessibleAsync();

        await priya.ChoosePasswordAsync(CoordinatorPassword);
        var key = await priya.TurnOnTwoFactorAsync();
        await Expect(priya.GetByRole(AriaRole.Heading, new() { Name = "Hello, Priya", Level = 1 })).ToBeVisibleAsync();
        await Expect(priya.GetByRole(AriaRole.Heading, new() { Name = "The programme", Level = 2 })).ToBeVisibleAsync();
        await Expect(priya.GetByRole(AriaRole.Heading, new() { Name = "Administration" })).ToHaveCountAsync(0);
        await priya.ShouldBeAccessibleAsync();

        // Signing out and in again asks for the password and then a fresh code from the app.
        await priya.SignOutAsync();
        await priya.ShouldArriveAtAsync(url => url.AbsolutePath == "/account/signed-out");
        await priya.ShouldBeAccessibleAsync();
        await priya.SignInWithTwoFactorAsync("priya.raman@riverside.example", CoordinatorPassword, key);
        await Expect(priya.GetByRole(AriaRole.Heading, new() { Name = "Hello, Priya", Level = 1 })).ToBeVisibleAsync();
        await Expect(priya.GetByRole(AriaRole.Heading, new() { Name = "The programme", Level = 2 })).ToBeVisibleAsync();
        await priya.ShouldBeAccessibleAsync();

        // The administrator sees the invitation used, and the link does not work a second time.
        await admin.ReloadAsync();
        await Expect(invitation).ToContainTextAsync("Used: account created");
        await Expect(invitation).ToContainTextAsync("Emailed ");
        await admin.ShouldBeAccessibleAsync();
        var again = await site.NewPageAsync();
        var reused = await again.GotoAsync(link);
        reused!.Status.ShouldBe(410);
        await Expect(again.GetByRole(AriaRole.Heading, new() { Name = "This invitation link cannot be used", Level = 1 })).ToBeVisibleAsync();
        await Expect(again.GetByRole(AriaRole.Alert)).ToContainTextAsync("It has already been used to set up an account.");
        await again.ShouldBeAccessibleAsync();
    }

    [GeneratedRegex(@"https?://\S+/account/invitation\?token=\S+")]
    private static partial Regex InvitationLink();
}
