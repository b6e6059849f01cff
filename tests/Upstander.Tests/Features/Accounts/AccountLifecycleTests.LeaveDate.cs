using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.Features.PeerSupport.Conversations;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// A leave date takes effect when it comes, not at the next hourly pass (which never runs in these tests): from the
/// organisation's midnight no route signs the person in, no link of theirs works, and their sessions end at their next
/// check. The first of these to find the date come stops the account as the pass would, audited, hand-over and all.
/// </summary>
public sealed partial class AccountLifecycleTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task At_the_organisations_midnight_a_leavers_session_ends_and_no_sign_in_works_without_waiting_for_the_hourly_pass(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Midnight Org");
        var leaveDate = await BeforeAucklandMidnightAsync(factory, org);
        var (employee, coordinator, researcher) = (org[Roles.Employee], org[Roles.Coordinator], org[Roles.Researcher]);
        var session = await factory.SignInAsync(employee);
        var api = await factory.ApiClientAsync(org, employee);
        await LeaveOnAsync(factory, org, leaveDate, employee.PersonId, coordinator.PersonId, researcher.PersonId);

        // Two minutes before midnight everything still works, and the coordinator gets as far as the code.
        factory.Clock.Advance(TimeSpan.FromMinutes(58));
        (await session.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "the session's check finds the date still to come");
        (await api.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var codeStep = factory.Browser();
        var password = await codeStep.PostFormAsync("/account/sign-in", new() { ["Email"] = coordinator.Email, ["Password"] = UpstanderFactory.Password });
        var codePage = password.Headers.Location!.OriginalString;
        codePage.ShouldStartWith("/account/sign-in/two-factor");

        // Past midnight in Auckland (still the day before in UTC): the code is refused, with the reason, since the password was right.
        factory.Clock.Advance(TimeSpan.FromMinutes(3));
        var code = await codeStep.PostFormAsync(codePage, new() { ["Code"] = Totp.Code(coordinator.TotpKey!) });
        code.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await code.Content.ReadAsStringAsync()).ShouldContain(Inactive);

        // The session ends at its next check, which stops the account as the hourly pass would: its token goes with it.
        factory.Clock.Advance(SecurityServices.StampInterval);
        var home = await session.GetAsync("/");
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        (await api.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // A password sign-in is answered as for any deactivated account: a wrong password learns nothing, the right one why.
        var wrong = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = researcher.Email, ["Password"] = "not the password at all" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var wrongPage = await wrong.Content.ReadAsStringAsync();
        wrongPage.ShouldContain(Mismatch);
        wrongPage.ShouldNotContain(Inactive);
        var right = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = researcher.Email, ["Password"] = UpstanderFactory.Password });
        right.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await right.Content.ReadAsStringAsync()).ShouldContain(Inactive);

        foreach (var leaver in new[] { employee, coordinator, researcher })
        {
            var state = await StateAsync(factory, org, leaver.PersonId);
            state.Active.ShouldBeFalse(leaver.Role);
            state.DeactivatedBecause.ShouldBe(DeactivationReason.Left, leaver.Role);
        }
        var events = await AuditAsync(factory, org);
        foreach (var leaver in new[] { employee, coordinator, researcher })
        {
            events.Count(e => e.Action == AuditActions.AccountDeactivated && e.TargetId == leaver.AccountId.ToString("N")
                && e.Detail == "because=left" && e.ActorKind == CurrentActor.SystemKind).ShouldBe(1, leaver.Role);
        }
        events.ShouldContain(e => e.Action == AuditActions.TokenRevoked && e.Detail == "because=left");
        events.Count(e => e.Action == AuditActions.SignInFailed && e.Outcome == "deactivated").ShouldBe(2, "the code and the right password");
        events.ShouldNotContain(e => e.Action == AuditActions.SignIn && e.ActorId == coordinator.AccountId);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task At_the_organisations_midnight_a_leavers_access_token_passkey_password_link_and_invitation_stop_working(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Links Org");
        var leaveDate = await BeforeAucklandMidnightAsync(factory, org);
        var (employee, leader, researcher) = (org[Roles.Employee], org[Roles.Leader], org[Roles.Researcher]);
        var api = await factory.ApiClientAsync(org, employee);
        using var phone = new SoftwarePasskey();
        (await (await factory.SignInForApiAsync(leader)).AddPasskeyAsync(phone)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var admin = await factory.SignInForApiAsync(org[Roles.Admin]);
        var link = await admin.GivePasswordLinkAsync(researcher);
        var invited = await factory.AddPersonAsync(org.Id, "Ina Invited", "ina@links.example");
        var invitation = AccountsTestKit.PathOf(await admin.InviteAsync(invited, Roles.Employee));
        await LeaveOnAsync(factory, org, leaveDate, employee.PersonId, leader.PersonId, researcher.PersonId, invited);

        (await api.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK, "before midnight the token works");
        (await PasskeySignInAsync(factory, phone)).StatusCode.ShouldBe(HttpStatusCode.OK, "before midnight the passkey signs in");
        (await factory.Browser().GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await factory.Browser().GetAsync(invitation)).StatusCode.ShouldBe(HttpStatusCode.OK);
        factory.Clock.Advance(TimeSpan.FromMinutes(61));

        // The token is refused at its first call, which stops the account as the hourly pass would.
        (await api.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // The passkey proves whose account it is, so it is told why, as for any deactivated account.
        var passkey = await PasskeySignInAsync(factory, phone);
        passkey.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await passkey.Content.ReadAsStringAsync()).ShouldContain(Inactive);

        // The password link is refused as one for a deactivated account, and setting a password with it changes nothing.
        var linkPage = await factory.Browser().GetAsync(link);
        linkPage.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await linkPage.Content.ReadAsStringAsync()).ShouldContain("The account is no longer active, so no password can be set for it.");
        var set = await factory.Browser().PostFormAsync(link, new() { ["Password"] = "harbour kettle meadow lantern", ["ConfirmPassword"] = "harbour kettle meadow lantern" }, tokenFrom: "/account/sign-in");
        set.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<PasswordReset>().SingleAsync(r => r.AccountId == researcher.AccountId)))
            .UsedAt.ShouldBeNull();

        // The invitation of someone leaving before they accepted it is refused as withdrawn.
        var invitationPage = await factory.Browser().GetAsync(invitation);
        invitationPage.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await invitationPage.Content.ReadAsStringAsync()).ShouldContain("It was withdrawn");

        foreach (var leaver in new[] { employee, leader, researcher })
        {
            (await StateAsync(factory, org, leaver.PersonId)).DeactivatedBecause.ShouldBe(DeactivationReason.Left, leaver.Role);
        }
        var events = await AuditAsync(factory, org);
        events.Count(e => e.Action == AuditActions.AccountDeactivated && e.Detail == "because=left" && e.ActorKind == CurrentActor.SystemKind).ShouldBe(3);
        events.ShouldContain(e => e.Action == AuditActions.TokenRevoked && e.Detail == "because=left");
        events.ShouldContain(e => e.Action == AuditActions.SignInFailed && e.Outcome == "deactivated" && e.TargetId == leader.AccountId.ToString("N"));
    }

    [Fact]
    public async Task A_supporter_whose_leave_date_has_come_hands_their_conversation_back_at_their_first_sign_in_attempt()
    {
        await using var world = await ConversationWorld.StartAsync();
        var supporter = world.Org[Roles.PeerSupporter];
        var zones = world.Factory.Services.GetRequiredService<OrganisationZones>();
        await LeaveOnAsync(world.Factory, world.Org, zones.Today(world.Org.Id).AddDays(1), supporter.PersonId);
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Active);
        world.Factory.Clock.Advance(TimeSpan.FromDays(1));

        var refused = await world.Factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = supporter.Email, ["Password"] = UpstanderFactory.Password });
        (await refused.Content.ReadAsStringAsync()).ShouldContain(Inactive);

        var record = await world.RecordAsync();
        record.SupporterId.ShouldNotBe(supporter.PersonId);
        record.Status.ShouldBe(RequestStatus.Waiting, "the hand-over ran with the stop, as after the hourly pass");
        (await AuditAsync(world.Factory, world.Org)).ShouldContain(e => e.Detail == "reason=supporter-deactivated");
    }

    /// <summary>
    /// Puts the organisation in Auckland and the clock at the next 23:00 there (a real date, so tokens issued on the real
    /// clock still work); returns the next day, whose midnight is between 10:00 and 12:00 UTC, while the date in UTC is still today's.
    /// </summary>
    [Fact]
    public async Task A_leaver_whose_session_has_not_checked_since_midnight_is_told_at_the_password_forms_that_the_account_has_stopped()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Late Change Org");
        var leaveDate = await BeforeAucklandMidnightAsync(factory, org);
        var (employee, supporter) = (org[Roles.Employee], org[Roles.PeerSupporter]);
        var changing = await factory.SignInAsync(employee);
        var confirming = await factory.SignInAsync(supporter);
        await LeaveOnAsync(factory, org, leaveDate, employee.PersonId, supporter.PersonId);
        var hashBefore = await factory.PasswordHashAsync(employee);

        // Each session checks at two minutes to midnight, so its next check is due after midnight, not at it.
        factory.Clock.Advance(TimeSpan.FromMinutes(58));
        (await changing.GetAsync("/account")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await confirming.GetAsync("/account")).StatusCode.ShouldBe(HttpStatusCode.OK);
        factory.Clock.Advance(TimeSpan.FromMinutes(3));

        // Checking the current password finds the date come and stops the account: the person is told so, not that
        // they mistyped, and nothing changes.
        var change = await changing.PostFormAsync("/account?handler=Password", new()
        {
            ["CurrentPassword"] = UpstanderFactory.Password,
            ["NewPassword"] = "quiet meadow copper kettle",
            ["ConfirmPassword"] = "quiet meadow copper kettle",
        }, tokenFrom: "/account");
        change.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = await change.Content.ReadAsStringAsync();
        page.ShouldContain(Inactive);
        page.ShouldNotContain("Your current password is not right");
        (await factory.PasswordHashAsync(employee)).ShouldBe(hashBefore);

        // "Confirm it's you" answers the same.
        var confirm = await confirming.PostFormAsync("/account/confirm?returnUrl=%2Faccount", new() { ["Password"] = UpstanderFactory.Password });
        confirm.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await confirm.Content.ReadAsStringAsync()).ShouldContain(Inactive);

        // Both accounts stopped there and then, once each, and the sessions end at their next request.
        foreach (var (leaver, session) in new[] { (employee, changing), (supporter, confirming) })
        {
            (await StateAsync(factory, org, leaver.PersonId)).DeactivatedBecause.ShouldBe(DeactivationReason.Left, leaver.Role);
            var next = await session.GetAsync("/account");
            next.StatusCode.ShouldBe(HttpStatusCode.Redirect, leaver.Role);
            next.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        }
        var events = await AuditAsync(factory, org);
        events.Count(e => e.Action == AuditActions.AccountDeactivated && e.Detail == "because=left").ShouldBe(2);
        events.ShouldNotContain(e => e.Action == AuditActions.PasswordSet);
    }

    private static async Task<DateOnly> BeforeAucklandMidnightAsync(UpstanderFactory factory, TestOrganisation org)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(AheadOfUtc.Zone);
        var now = factory.Clock.GetUtcNow();
        var evening = TimeZoneInfo.ConvertTime(now, zone).Date.AddHours(23);
        var at = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(evening, zone), TimeSpan.Zero);
        at = at > now ? at : at.AddDays(1);
        await AheadOfUtc.EnterAsync(factory, org.Id, at);
        return OrganisationZones.DateIn(zone, at).AddDays(1);
    }

    /// <summary>Records the leave date straight in the database, as a nightly feed would leave it: nothing else is told.</summary>
    private static Task LeaveOnAsync(UpstanderFactory factory, TestOrganisation org, DateOnly leaveDate, params Guid[] people) =>
        factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            foreach (var person in await db.People.Where(p => people.Contains(p.Id)).ToListAsync())
            {
                person.Apply(Leaving(person, leaveDate), factory.Clock.GetUtcNow());
            }
            await db.SaveChangesAsync();
        });

    private static async Task<HttpResponseMessage> PasskeySignInAsync(UpstanderFactory factory, SoftwarePasskey device)
    {
        var browser = factory.Browser();
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", await browser.AntiforgeryTokenAsync("/account/sign-in"));
        var options = await (await browser.PostJsonAsync("/account/passkeys/request-options", new { })).Content.ReadAsStringAsync();
        return await browser.PostJsonAsync("/account/passkeys/sign-in", new { credential = device.Sign(options), returnUrl = "/" });
    }
}
