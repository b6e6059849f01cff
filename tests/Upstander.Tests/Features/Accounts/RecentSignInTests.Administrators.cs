using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.Features.People;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// An administrator's session left open (an unlocked laptop, a copied cookie) must not hand anyone a way into an
/// account: inviting (the link is shown to the administrator), a password link for someone, turning their two-factor
/// off, changing roles and reactivating an account need a sign-in, or a confirmation, from the last
/// <see cref="RecentSignIn.Window"/>, on the pages and through the API. A program's token is not asked: issuing it
/// needed a recent sign-in.
/// </summary>
public sealed partial class RecentSignInTests
{
    [Fact]
    public async Task A_session_past_the_window_hands_out_no_way_into_an_account_until_the_administrator_confirms()
    {
        var admin = _org[Roles.Admin];
        var session = await _factory.SignInForApiAsync(admin);
        var coordinator = _org[Roles.Coordinator];
        var leader = _org[Roles.Leader];
        var newcomer = await _factory.AddPersonAsync(_org.Id, "Nia Newcomer", "nia@adminrecent.example");
        var person = $"/admin/people/{coordinator.PersonId:D}";
        var confirmPerson = "/account/confirm?returnUrl=" + Uri.EscapeDataString(person);
        // Pages read while the sign-in was recent, so each form's token is at hand.
        var personToken = await session.AntiforgeryTokenAsync(person);
        var inviteToken = await session.AntiforgeryTokenAsync($"/admin/invitations/new?person={newcomer:D}");
        var everyoneToken = await session.AntiforgeryTokenAsync("/admin/invitations/everyone");
        _factory.Clock.Advance(PastTheWindow);
        var before = await RowCounts.TakeAsync(_factory.Database);

        foreach (var handler in new[] { "PasswordLink", "TwoFactorOff", "Reactivate" })
        {
            ShouldGoToConfirm(await session.PostWithTokenAsync($"{person}?handler={handler}", personToken), confirmPerson, handler);
        }
        ShouldGoToConfirm(await session.PostWithTokenAsync($"{person}?handler=Roles", personToken, ("SelectedRoles", Roles.Admin)), confirmPerson, "roles");
        ShouldGoToConfirm(await session.PostWithTokenAsync($"/admin/invitations/new?person={newcomer:D}", inviteToken, ("SelectedRoles", Roles.CaseManager)),
            "/account/confirm?returnUrl=" + Uri.EscapeDataString($"/admin/invitations/new?person={newcomer:D}"), "invitation");
        ShouldGoToConfirm(await session.PostWithTokenAsync("/admin/invitations/everyone", everyoneToken),
            "/account/confirm?returnUrl=%2Fadmin%2Finvitations%2Feveryone", "everyone");
        await ShouldAskToConfirmAsync(await session.PutAsJsonAsync($"/api/v1/people/{leader.PersonId}/roles", new { roles = new[] { Roles.CaseManager } }));
        await ShouldAskToConfirmAsync(await session.PostAsJsonAsync("/api/v1/invitations", new { personId = newcomer, roles = new[] { Roles.CaseManager } }));
        await ShouldAskToConfirmAsync(await session.PostAsync($"/api/v1/people/{leader.PersonId}/account/reactivate", null));

        // Nothing changed: no link, no invitation, two-factor still on, the roles as they were, nothing audited as done.
        RowCounts.Differences(before, await RowCounts.TakeAsync(_factory.Database)).ShouldBeEmpty();
        (await DbAsync(db => db.Users.Where(a => a.Id == coordinator.AccountId).Select(a => a.TwoFactorEnabled).SingleAsync())).ShouldBeTrue();
        (await RolesAsync(coordinator)).ShouldNotContain(Roles.Admin);
        (await RolesAsync(leader)).ShouldNotContain(Roles.CaseManager);
        var done = new[] { AuditActions.PasswordLinkGiven, AuditActions.TwoFactorTurnedOffByAdministrator, AuditActions.RolesChanged, AuditActions.InvitationCreated };
        (await DbAsync(db => db.AuditEvents.CountAsync(e => done.Contains(e.Action)))).ShouldBe(0);

        // Confirmed (password and code, as the Admin role has two-factor), the same acts go through.
        var confirmed = await session.PostFormAsync(confirmPerson, new() { ["Password"] = UpstanderFactory.Password, ["Code"] = Totp.Code(admin.TotpKey!) });
        confirmed.Headers.Location!.OriginalString.ShouldBe(person);
        var link = await session.PostFormAsync($"{person}?handler=PasswordLink", new());
        link.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await link.Content.ReadAsStringAsync()).ShouldContain("/account/reset-password?token=");
        (await session.PutAsJsonAsync($"/api/v1/people/{leader.PersonId}/roles", new { roles = new[] { Roles.CaseManager } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RolesAsync(leader)).ShouldContain(Roles.CaseManager);
        (await session.PostAsJsonAsync("/api/v1/invitations", new { personId = newcomer, roles = Array.Empty<string>() })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_session_past_the_window_cannot_move_an_accounts_sign_in_address_by_an_edit_or_an_import()
    {
        var session = await _factory.SignInForApiAsync(_org[Roles.Admin]);
        var employee = _org[Roles.Employee];
        var person = (await _factory.PeopleAsync(_org.Id)).Single(p => p.Id == employee.PersonId);
        var page = $"/admin/people/{employee.PersonId:D}";
        var pageToken = await session.AntiforgeryTokenAsync(page);
        const string Elsewhere = "someone.else@elsewhere.example";
        var edit = new PersonEditRequest(person.Name, Elsewhere, person.EmployeeId, null, null, null, null, null, null, null);
        _factory.Clock.Advance(PastTheWindow);
        var before = await RowCounts.TakeAsync(_factory.Database);

        // Whoever reads the new address could ask for a password link there and take the account.
        await ShouldAskToConfirmAsync(await session.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{employee.PersonId}", edit));
        ShouldGoToConfirm(await session.PostWithTokenAsync($"{page}?handler=Details", pageToken,
            ("Input.Name", person.Name), ("Input.WorkEmail", Elsewhere), ("Input.EmployeeId", person.EmployeeId)), "/account/confirm?returnUrl=" + Uri.EscapeDataString(page), "details");
        await ShouldAskToConfirmAsync(await session.ApiImportAsync($"name,work_email,employee_id\n{person.Name},{Elsewhere},{person.EmployeeId}\n", "all"));
        // The review page's import buttons ask before they look at the upload.
        var review = $"/admin/people/import/{Guid.NewGuid():D}";
        ShouldGoToConfirm(await session.PostWithTokenAsync(review, pageToken, ("mode", "all")), "/account/confirm?returnUrl=" + Uri.EscapeDataString(review), "import review");
        RowCounts.Differences(before, await RowCounts.TakeAsync(_factory.Database)).ShouldBeEmpty();
        (await DbAsync(db => db.Users.Where(a => a.Id == employee.AccountId).Select(a => a.Email).SingleAsync())).ShouldBe(employee.Email);

        // Other details are edited as before, and checking a file is not importing it.
        (await session.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{employee.PersonId}", edit with { WorkEmail = person.WorkEmail, Team = "Night shift" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.ApiImportAsync($"name,work_email,employee_id\n{person.Name},{Elsewhere},{person.EmployeeId}\n", "validate")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Confirmed, the address moves (and the account with it).
        var confirmed = await session.PostFormAsync("/account/confirm?returnUrl=%2Faccount", new() { ["Password"] = UpstanderFactory.Password, ["Code"] = Totp.Code(_org[Roles.Admin].TotpKey!) });
        confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await session.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{employee.PersonId}", edit)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await DbAsync(db => db.Users.Where(a => a.Id == employee.AccountId).Select(a => a.Email).SingleAsync())).ShouldBe(Elsewhere);
    }

    [Fact]
    public async Task A_programs_token_changes_roles_and_invites_without_confirming()
    {
        var api = await _factory.ApiClientAsync(_org, _org[Roles.Admin]);
        _factory.Clock.Advance(PastTheWindow);
        var leader = _org[Roles.Leader];
        (await api.PutAsJsonAsync($"/api/v1/people/{leader.PersonId}/roles", new { roles = new[] { Roles.Researcher } })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RolesAsync(leader)).ShouldContain(Roles.Researcher);
        var newcomer = await _factory.AddPersonAsync(_org.Id, "Tomi Token", "tomi@adminrecent.example");
        (await api.PostAsJsonAsync("/api/v1/invitations", new { personId = newcomer, roles = Array.Empty<string>() })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task The_services_refuse_an_administrators_act_without_a_recent_sign_in_whoever_calls_them()
    {
        // No page or route in between: a later caller that forgot to ask would still be refused by the service.
        var admin = _org[Roles.Admin];
        var coordinator = _org[Roles.Coordinator];
        var newcomer = await _factory.AddPersonAsync(_org.Id, "Sol Service", "sol@adminrecent.example");
        var before = await RowCounts.TakeAsync(_factory.Database);

        var refusals = await AsAccountAsync(async services =>
        {
            // A browser session of the administrator's that carries no sign-in time, as one past the window.
            var user = new ClaimsPrincipal(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, admin.AccountId.ToString()),
                new Claim(UpstanderClaims.Person, admin.PersonId.ToString()),
                new Claim(UpstanderClaims.Organisation, _org.Id.ToString()),
                new Claim(ClaimTypes.Role, Roles.Admin),
            ], "test"));
            services.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext { User = user, RequestServices = services };
            services.GetRequiredService<CurrentActor>().Kind.ShouldBe("account");
            var editor = services.GetRequiredService<PersonEditor>();
            var recovery = services.GetRequiredService<AccountRecovery>();
            var issuer = services.GetRequiredService<InvitationIssuer>();
            var ct = CancellationToken.None;
            return new
            {
                Roles = await editor.SetRolesAsync(coordinator.PersonId, [Roles.Admin], ct),
                Reactivate = await services.GetRequiredService<AccountLifecycle>().ReactivateAsync(coordinator.PersonId, ct),
                Link = await recovery.GiveLinkAsync(coordinator.PersonId, "http://localhost", ct),
                TwoFactorOff = await recovery.TurnOffTwoFactorAsync(coordinator.PersonId, ct),
                Invite = await issuer.CreateAsync(newcomer, [Roles.CaseManager], "http://localhost", email: false, ct),
                Everyone = await issuer.CreateForEveryoneAsync(10, "http://localhost", ct),
            };
        });

        refusals.Roles.ShouldBe(PersonEditResult.NotRecent);
        refusals.Reactivate.ShouldBe(AccountChangeRefusal.NotRecent);
        refusals.Link.ShouldBe((null, AccountChangeRefusal.NotRecent));
        refusals.TwoFactorOff.ShouldBe(AccountChangeRefusal.NotRecent);
        refusals.Invite.Refusal.ShouldBe(InvitationRefusal.NotRecent);
        refusals.Everyone.Refusal.ShouldBe(InvitationRefusal.NotRecent);
        refusals.Everyone.Issued.ShouldBeEmpty();
        RowCounts.Differences(before, await RowCounts.TakeAsync(_factory.Database)).ShouldBeEmpty();
        (await RolesAsync(coordinator)).ShouldNotContain(Roles.Admin);

        // Upstander acting by itself (a CLI verb, a job) is not asked.
        var asSystem = await _factory.InScopeAsync(_org.Id, async services =>
        {
            services.GetRequiredService<CurrentActor>().ActAsSystem();
            return await services.GetRequiredService<InvitationIssuer>().CreateAsync(newcomer, [], "http://localhost", email: false, CancellationToken.None);
        });
        asSystem.Refusal.ShouldBe(InvitationRefusal.None);
    }

    /// <summary>Runs work in a scope of the organisation's that, unlike <see cref="UpstanderFactory.InScopeAsync{T}"/>, does not act as the system.</summary>
    private async Task<T> AsAccountAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        using var scope = _factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Upstander.Platform.Tenancy.OrganisationScope>().Enter(_org.Id);
        return await work(scope.ServiceProvider);
    }

    private static void ShouldGoToConfirm(HttpResponseMessage response, string confirmUrl, string what)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, what);
        response.Headers.Location!.OriginalString.ShouldBe(confirmUrl, what);
    }

    private Task<List<string>> RolesAsync(TestAccount account) => DbAsync(db =>
        (from ur in db.UserRoles where ur.UserId == account.AccountId join r in db.Roles on ur.RoleId equals r.Id select r.Name!).ToListAsync());

    private Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> query) => _factory.InScopeAsync(null, s => query(s.GetRequiredService<AppDbContext>()));
}
