using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// Invitations that meet another at the wrong moment: two invitations of one person at once, one while everyone is being
/// invited, and a work email that already has an account in another organisation, found before the acceptance or made
/// by another organisation's acceptance at the same moment. Each gets a clear answer, never a 500 or a second invitation.
/// </summary>
public sealed class InvitationConflictTests
{
    private const string Password = "lantern orchard pebble violin";
    private const string EmailHasAccount = "An account with this email address already exists";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_invitations_of_one_person_at_once_make_one_and_tell_the_other_one_is_waiting(Engine engine)
    {
        // Both find no invitation waiting for the person before either makes one.
        var barrier = new ReadBarrier("invitations", marker: "\"AcceptedAt\" IS NULL");
        await using var factory = new UpstanderFactory(engine) { TestServices = barrier.Register };
        var org = await factory.CreateOrganisationAsync("Twice Inviting Org");
        var personId = await factory.AddPersonAsync(org.Id, "Ivy Invited", "ivy@twice.example");
        var admins = new[] { await factory.SignInForApiAsync(org[Roles.Admin]), await factory.SignInForApiAsync(org[Roles.Admin]) };

        barrier.Arm();
        var answers = await Task.WhenAll(admins.Select(a => a.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = new[] { Roles.PeerSupporter } })));

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.Created, HttpStatusCode.Conflict], ignoreOrder: true);
        (await answers.Single(a => a.StatusCode == HttpStatusCode.Conflict).Content.ReadAsStringAsync()).ShouldContain("Invitation already pending");
        (await CountsAsync(factory, org.Id, personId)).ShouldBe((1, 1, 0, 0, 0));
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_invitation_that_arrives_while_everyone_is_invited_waits_and_is_told_one_is_waiting(Engine engine)
    {
        // Inviting everyone has read who has no invitation (this person among them) and is held there.
        var gate = new QueryGate("people", "ORDER BY");
        await using var factory = new UpstanderFactory(engine) { TestServices = gate.Register };
        var org = await factory.CreateOrganisationAsync("Everyone Race Org");
        var personId = await factory.AddPersonAsync(org.Id, "Eve Everyone", "eve@everyone.example");
        var bulk = await factory.SignInAsync(org[Roles.Admin]);
        var token = await bulk.AntiforgeryTokenAsync("/admin/invitations/everyone");
        var single = await factory.SignInForApiAsync(org[Roles.Admin]);

        var (everyone, one) = await HeldInProcess.SecondWaitsForFirstAsync(factory, InvitationIssuer.IssueSection, org.Id, gate,
            () => bulk.PostWithTokenAsync("/admin/invitations/everyone", token),
            () => single.PostAsJsonAsync("/api/v1/invitations", new { personId, roles = Array.Empty<string>() }));

        everyone.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await everyone.Content.ReadAsStringAsync()).ShouldContain("eve@everyone.example");
        one.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await one.Content.ReadAsStringAsync()).ShouldContain("Invitation already pending");
        (await CountsAsync(factory, org.Id, personId)).ShouldBe((1, 1, 0, 0, 0));
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_invitation_whose_address_has_an_account_in_another_organisation_is_refused_calmly_and_creates_nothing(Engine engine)
    {
        // Imported into both organisations and invited in both; the invitation in the first is accepted first.
        await using var factory = new UpstanderFactory(engine);
        var (first, second) = (await factory.CreateOrganisationAsync("First Home Org"), await factory.CreateOrganisationAsync("Second Home Org"));
        var (firstPerson, secondPerson) = (await factory.AddPersonAsync(first.Id, "Sam Both", "sam@both.example"), await factory.AddPersonAsync(second.Id, "Sam Both", "sam@both.example"));
        var firstLink = await (await factory.SignInForApiAsync(first[Roles.Admin])).InviteAsync(firstPerson);
        var secondAdmin = await factory.SignInForApiAsync(second[Roles.Admin]);
        var secondLink = await secondAdmin.InviteAsync(secondPerson);
        (await factory.Browser().AcceptWithPasswordAsync(firstLink, Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var before = await RowCounts.TakeAsync(factory.Database);
        var page = await factory.Browser().GetAsync(AccountsTestKit.PathOf(secondLink));
        page.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        PageText.Of(await page.Content.ReadAsStringAsync()).ShouldContain(EmailHasAccount);
        // A form opened before the other acceptance, posted after it.
        var posted = await factory.Browser().PostFormAsync(AccountsTestKit.PathOf(secondLink), new() { ["Password"] = Password, ["ConfirmPassword"] = Password },
            tokenFrom: "/account/sign-in");
        posted.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        PageText.Of(await posted.Content.ReadAsStringAsync()).ShouldContain(EmailHasAccount + ", and one address can have only one account. Ask your administrator");
        var browser = factory.Browser();
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", await browser.AntiforgeryTokenAsync("/account/sign-in"));
        var passkey = await browser.PostJsonAsync("/account/invitation/passkey/creation-options", new { token = AccountsTestKit.TokenOf(secondLink) });
        passkey.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await passkey.Content.ReadAsStringAsync()).ShouldContain(EmailHasAccount);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
        (await CountsAsync(factory, second.Id, secondPerson)).ShouldBe((1, 1, 0, 0, 0), "the invitation is still waiting, unaccepted");

        // Nor can the person be invited again there: the administrator is told the address has an account, not where.
        (await secondAdmin.DeleteAsync($"/api/v1/invitations/{await InvitationIdAsync(factory, second.Id, secondPerson)}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var again = await secondAdmin.PostAsJsonAsync("/api/v1/invitations", new { personId = secondPerson, roles = Array.Empty<string>() });
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await again.Content.ReadAsStringAsync();
        problem.ShouldContain("Work email already has an account");
        problem.ShouldNotContain(first.Name);
        var form = await secondAdmin.PostFormAsync($"/admin/invitations/new?person={secondPerson}", new() { ["person"] = secondPerson.ToString() });
        form.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        PageText.Of(await form.Content.ReadAsStringAsync()).ShouldContain("Sam Both cannot be invited: another Upstander account already uses their work email.");
        (await secondAdmin.GetStringAsync("/admin/invitations/new?q=Sam")).ShouldNotContain("sam@both.example", Case.Insensitive, "nobody whose address has an account is offered");
        (await secondAdmin.PostFormAsync("/admin/invitations/everyone", new())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CountsAsync(factory, second.Id, secondPerson)).ShouldBe((1, 1, 0, 0, 0), "inviting everyone passes them by too");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_acceptances_of_one_address_in_two_organisations_at_once_make_one_account_and_tell_the_other_calmly(Engine engine)
    {
        // Each organisation accepts its invitations one at a time, but two organisations at once. On PostgreSQL both are held
        // at the last check Identity makes before creating the account, so both find the address free and the database's
        // unique index decides; on SQLite a transaction holds the one write lock from its start, so the most two can share is
        // having found their invitations usable and the address free before either begins.
        var barrier = engine == Engine.Postgres ? new ReadBarrier("accounts", marker: "@normalizedEmail") : new ReadBarrier("invitations", marker: "TokenHash");
        await using var factory = new UpstanderFactory(engine) { TestServices = barrier.Register };
        var orgs = new[] { await factory.CreateOrganisationAsync("First Same Org"), await factory.CreateOrganisationAsync("Second Same Org") };
        var people = new Guid[2];
        var paths = new string[2];
        for (var i = 0; i < 2; i++)
        {
            people[i] = await factory.AddPersonAsync(orgs[i].Id, "Sam Same", "sam@same.example");
            paths[i] = AccountsTestKit.PathOf(await (await factory.SignInForApiAsync(orgs[i][Roles.Admin])).InviteAsync(people[i]));
        }

        var answers = await AccountsTestKit.PostPasswordsAtOnceAsync(barrier, (factory.Browser(), paths[0], Password), (factory.Browser(), paths[1], Password));

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.Redirect, HttpStatusCode.Conflict], ignoreOrder: true);
        var won = answers[0].StatusCode == HttpStatusCode.Redirect ? 0 : 1;
        PageText.Of(await answers[1 - won].Content.ReadAsStringAsync()).ShouldContain(EmailHasAccount);
        (await CountsAsync(factory, orgs[won].Id, people[won])).ShouldBe((1, 1, 1, 1, 1));
        (await CountsAsync(factory, orgs[1 - won].Id, people[1 - won])).ShouldBe((1, 1, 0, 0, 0), "the other invitation is still waiting, and made nothing");
        (await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Users.CountAsync(a => a.NormalizedUserName == "SAM@SAME.EXAMPLE"))).ShouldBe(1);
        (await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = "sam@same.example", ["Password"] = Password })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    /// <summary>
    /// The person's invitations and, of them, the audited invitation-created events, the accepted ones and the audited
    /// acceptances; and the person's accounts.
    /// </summary>
    private static Task<(int Invitations, int Created, int Accepted, int AcceptanceAudited, int Accounts)> CountsAsync(UpstanderFactory factory, Guid organisationId, Guid personId) =>
        factory.InScopeAsync(organisationId, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var invitations = await db.Invitations.Where(i => i.PersonId == personId).ToListAsync();
            var targets = invitations.Select(i => i.Id.ToString("N")).ToList();
            return (invitations.Count,
                await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvitationCreated && targets.Contains(e.TargetId!)),
                invitations.Count(i => i.AcceptedAt is not null),
                await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvitationAccepted && targets.Contains(e.TargetId!)),
                await db.Users.CountAsync(a => a.PersonId == personId));
        });

    private static Task<Guid> InvitationIdAsync(UpstanderFactory factory, Guid organisationId, Guid personId) =>
        factory.InScopeAsync(organisationId, s => s.GetRequiredService<AppDbContext>().Invitations.Where(i => i.PersonId == personId).Select(i => i.Id).SingleAsync());
}
