using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Upstander.Features.Accounts;
using Upstander.Features.Cases;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.Features.PeerSupport.Conversations;
using Upstander.Tests.Features.People;
using Upstander.Tests.Features.SpeakUp.Cases;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>Leavers and deactivated accounts: nobody keeps access after they leave, and nothing they held is left waiting.</summary>
public sealed partial class AccountLifecycleTests
{
    private const string Inactive = "This account is no longer active, so it cannot sign in.";
    private const string Mismatch = "That email and password do not match.";
    private const string Locked = "This account is locked for a while after too many attempts.";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_leaver_is_stopped_when_their_leave_date_comes_where_the_organisation_is(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Leavers Org");
        // 20:00 UTC is the next morning in Auckland: the leave date is "today" there and still tomorrow in UTC. The next
        // such evening, not AheadOfUtc's 2031, so the access token issued on the real clock is still valid.
        var now = factory.Clock.GetUtcNow();
        var evening = new DateTimeOffset(now.UtcDateTime.Date.AddHours(20), TimeSpan.Zero);
        await AheadOfUtc.EnterAsync(factory, org.Id, evening > now ? evening : evening.AddDays(1));
        var aucklandToday = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(1);

        var employee = org[Roles.Employee];
        var session = await factory.SignInAsync(employee);
        var api = await factory.ApiClientAsync(org, employee);
        (await api.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var admin = await factory.SignInForApiAsync(org[Roles.Admin]);
        var invitedLeaver = await factory.AddPersonAsync(org.Id, "Ina Invited", "ina@leavers.example");
        await admin.InviteAsync(invitedLeaver, Roles.Employee);

        // The directory says both leave today (set straight in the database, as a nightly feed would leave it).
        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            foreach (var person in await db.People.Where(p => p.Id == employee.PersonId || p.Id == invitedLeaver).ToListAsync())
            {
                person.Apply(Leaving(person, aucklandToday), factory.Clock.GetUtcNow());
            }
            await db.SaveChangesAsync();
        });
        (await StateAsync(factory, org, employee.PersonId)).Active.ShouldBeTrue("nothing stops an account before the pass runs");

        await factory.Services.GetServices<IHostedService>().OfType<LeaversJob>().Single().RunOnceAsync(CancellationToken.None);

        var state = await StateAsync(factory, org, employee.PersonId);
        state.Active.ShouldBeFalse("the leave date has come in Auckland, though not yet in UTC");
        state.DeactivatedBecause.ShouldBe(DeactivationReason.Left);

        // The right password learns why; a wrong one learns nothing new.
        var right = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = employee.Email, ["Password"] = UpstanderFactory.Password });
        right.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await right.Content.ReadAsStringAsync()).ShouldContain(Inactive);
        var wrong = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = employee.Email, ["Password"] = "not the password at all" });
        var wrongPage = await wrong.Content.ReadAsStringAsync();
        wrongPage.ShouldContain(Mismatch);
        wrongPage.ShouldNotContain(Inactive);

        // The token stops at once; the session at its next check.
        (await api.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        factory.Clock.Advance(SecurityServices.StampInterval + TimeSpan.FromMinutes(1));
        var home = await session.GetAsync("/");
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");

        // The invitation the other leaver had not used yet is withdrawn.
        var invitation = await factory.InScopeAsync(org.Id, services =>
            services.GetRequiredService<AppDbContext>().Invitations.SingleAsync(i => i.PersonId == invitedLeaver));
        invitation.RevokedAt.ShouldNotBeNull();

        var events = await AuditAsync(factory, org);
        events.ShouldContain(e => e.Action == AuditActions.AccountDeactivated && e.TargetId == employee.AccountId.ToString("N")
            && e.Detail == "because=left" && e.ActorKind == "system");
        events.ShouldContain(e => e.Action == AuditActions.TokenRevoked && e.Detail == "because=left");
        events.ShouldContain(e => e.Action == AuditActions.SignInFailed && e.Outcome == "deactivated");

        // Running the pass again changes nothing more.
        var before = events.Count;
        await factory.Services.GetServices<IHostedService>().OfType<LeaversJob>().Single().RunOnceAsync(CancellationToken.None);
        (await AuditAsync(factory, org)).Count.ShouldBe(before);
    }

    [Fact]
    public async Task An_admin_deactivates_and_reactivates_an_account_but_never_their_own()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Pause Org");
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        var leader = org[Roles.Leader];
        var page = $"/admin/people/{leader.PersonId:D}";
        (await admin.GetStringAsync(page)).ShouldContain("This person has an active account.");

        var deactivated = await admin.PostFormAsync(page + "?handler=Deactivate", new(), tokenFrom: page);
        deactivated.Headers.Location!.OriginalString.ShouldBe(page + "?saved=deactivated");
        var shown = await admin.GetStringAsync(page + "?saved=deactivated");
        shown.ShouldContain("The account was deactivated.");
        shown.ShouldContain("This account was deactivated by an administrator on");
        var refused = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = leader.Email, ["Password"] = UpstanderFactory.Password });
        (await refused.Content.ReadAsStringAsync()).ShouldContain(Inactive);
        (await admin.GetStringAsync("/admin/people?q=" + Uri.EscapeDataString(leader.Email))).ShouldContain("<td>Deactivated</td>");

        // Their own account: refused with a reason, and nothing changes.
        var ownPage = $"/admin/people/{org[Roles.Admin].PersonId:D}";
        (await admin.GetStringAsync(ownPage)).ShouldNotContain("Deactivate account");
        var auditBefore = (await AuditAsync(factory, org)).Count;
        var own = await admin.PostFormAsync(ownPage + "?handler=Deactivate", new(), tokenFrom: ownPage);
        own.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await own.Content.ReadAsStringAsync()).ShouldContain("You cannot deactivate your own account.");
        (await StateAsync(factory, org, org[Roles.Admin].PersonId)).Active.ShouldBeTrue();
        (await AuditAsync(factory, org)).Count.ShouldBe(auditBefore);

        var reactivated = await admin.PostFormAsync(page + "?handler=Reactivate", new(), tokenFrom: page);
        reactivated.Headers.Location!.OriginalString.ShouldBe(page + "?saved=reactivated");
        var again = factory.Browser();
        await again.SignInAsync(leader);
        (await again.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var events = await AuditAsync(factory, org);
        events.ShouldContain(e => e.Action == AuditActions.AccountDeactivated && e.Detail == "because=administrator" && e.ActorId == org[Roles.Admin].AccountId);
        events.ShouldContain(e => e.Action == AuditActions.AccountReactivated && e.TargetId == leader.AccountId.ToString("N"));
    }

    [Fact]
    public async Task Wrong_passwords_lock_a_deactivated_account_as_any_other_and_while_it_is_locked_nothing_says_why()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Guess Org");
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        var leader = org[Roles.Leader];
        var page = $"/admin/people/{leader.PersonId:D}";
        (await admin.PostFormAsync(page + "?handler=Deactivate", new(), tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        async Task<string> SignInAsync(string password)
        {
            var answer = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = leader.Email, ["Password"] = password });
            answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            return await answer.Content.ReadAsStringAsync();
        }

        // Four wrong guesses are answered as for any account; the fifth locks it, as it would an active one.
        for (var i = 0; i < 4; i++)
        {
            (await SignInAsync("a wrong guess " + i)).ShouldContain(Mismatch);
        }
        (await SignInAsync("a wrong guess 4")).ShouldContain(Locked);

        // While locked, the right password is not checked and learns nothing: the same "locked" as a wrong one.
        var right = await SignInAsync(UpstanderFactory.Password);
        right.ShouldContain(Locked);
        right.ShouldNotContain(Inactive);
        var events = await AuditAsync(factory, org);
        events.ShouldNotContain(e => e.Action == AuditActions.SignInFailed && e.Outcome == "deactivated");
        events.Count(e => e.Action == AuditActions.LockedOut && e.TargetId == leader.AccountId.ToString("N")).ShouldBe(2);
    }

    [Fact]
    public async Task The_sign_in_manager_itself_refuses_a_deactivated_account_between_password_and_code_and_ends_its_session()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Mark Org");
        // Only the mark is written (no new security stamp), so what refuses below is AccountSignInManager's own rule.
        Task MarkAsync(Guid accountId) => factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Users
            .Where(a => a.Id == accountId).ExecuteUpdateAsync(u => u
                .SetProperty(a => a.DeactivatedAt, factory.Clock.GetUtcNow())
                .SetProperty(a => a.DeactivatedBecause, DeactivationReason.Administrator)));

        var session = await factory.SignInAsync(org[Roles.Researcher]);
        await MarkAsync(org[Roles.Researcher].AccountId);
        factory.Clock.Advance(SecurityServices.StampInterval + TimeSpan.FromMinutes(1));
        (await session.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var coordinator = org[Roles.Coordinator];
        var client = factory.Browser();
        var password = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = coordinator.Email, ["Password"] = UpstanderFactory.Password });
        var codePage = password.Headers.Location!.OriginalString;
        codePage.ShouldStartWith("/account/sign-in/two-factor");
        await MarkAsync(coordinator.AccountId);
        var code = await client.PostFormAsync(codePage, new() { ["Code"] = Totp.Code(coordinator.TotpKey!) });
        code.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await code.Content.ReadAsStringAsync()).ShouldContain(Inactive);
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Editing_in_a_past_leave_date_stops_the_account_at_once_and_it_stays_stopped_until_the_date_is_cleared()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Edit Org");
        var api = await factory.ApiClientAsync(org, org[Roles.Admin]);
        var researcher = org[Roles.Researcher];
        var person = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{researcher.PersonId}"))!;
        var yesterday = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(-2);

        var edit = await api.PutAsJsonAsync($"/api/v1/people/{researcher.PersonId}", Edit(person, yesterday));
        edit.StatusCode.ShouldBe(HttpStatusCode.OK, await edit.Content.ReadAsStringAsync());
        var state = await api.GetFromJsonAsync<AccountStateView>($"/api/v1/people/{researcher.PersonId}/account");
        state!.Active.ShouldBeFalse("the edit stops the account, not the next hourly pass");
        state.DeactivatedBecause.ShouldBe(DeactivationReason.Left);

        var refused = await api.PostAsync($"/api/v1/people/{researcher.PersonId}/account/reactivate", null);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Clear or move the leave date first.");
        (await api.GetFromJsonAsync<AccountStateView>($"/api/v1/people/{researcher.PersonId}/account"))!.Active.ShouldBeFalse();

        (await api.PutAsJsonAsync($"/api/v1/people/{researcher.PersonId}", Edit(person, null))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await api.GetFromJsonAsync<AccountStateView>($"/api/v1/people/{researcher.PersonId}/account"))!.Active
            .ShouldBeFalse("clearing the date does not restart the account by itself");
        var restarted = await api.PostAsync($"/api/v1/people/{researcher.PersonId}/account/reactivate", null);
        restarted.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await restarted.Content.ReadFromJsonAsync<AccountStateView>())!.Active.ShouldBeTrue();

        // Own account and unknown people, through the API too.
        (await api.PostAsync($"/api/v1/people/{org[Roles.Admin].PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await api.PostAsync($"/api/v1/people/{Guid.NewGuid()}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var noAccount = await factory.AddPersonAsync(org.Id, "Nora Noaccount", "nora@edit.example");
        (await api.GetAsync($"/api/v1/people/{noAccount}/account")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_admin_cannot_end_their_own_access_with_a_leave_date_by_edit_or_import_but_can_record_one_to_come()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Own Leave Org");
        var admin = org[Roles.Admin];
        var api = await factory.ApiClientAsync(org, admin);
        var me = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{admin.PersonId}"))!;
        var other = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{org[Roles.Leader].PersonId}"))!;
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var updates = (await AuditAsync(factory, org)).Count(e => e.Action == AuditActions.PersonUpdated);

        var refused = await api.PutAsJsonAsync($"/api/v1/people/{admin.PersonId}", Edit(me, today.AddDays(-1)));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Ask another administrator to record your leave.");
        (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{admin.PersonId}"))!.LeaveDate.ShouldBeNull();
        (await AuditAsync(factory, org)).Count(e => e.Action == AuditActions.PersonUpdated).ShouldBe(updates, "nothing was saved");
        (await StateAsync(factory, org, admin.PersonId)).Active.ShouldBeTrue();

        // A date still to come is recorded; the leavers pass stops the account when it comes.
        (await api.PutAsJsonAsync($"/api/v1/people/{admin.PersonId}", Edit(me, today.AddDays(30)))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StateAsync(factory, org, admin.PersonId)).Active.ShouldBeTrue();

        // An import of the admin's own row with a date that has come is a row error; the other leaver in the file is imported and stopped.
        static string Row(PersonView p, DateOnly leave) => $"{p.Name},{p.WorkEmail},{p.EmployeeId},{leave:yyyy-MM-dd}";
        var csv = $"name,work_email,employee_id,leave_date\n{Row(me, today.AddDays(-1))}\n{Row(other, today.AddDays(-1))}\n";
        var session = await factory.SignInAsync(admin);
        var check = (await (await session.ApiImportAsync(csv, "validate")).Content.ReadFromJsonAsync<ImportReportView>())!;
        check.Problems.Select(p => (p.Row, p.Column)).ShouldBe([(2, PeopleCsv.LeaveDate)]);
        (await session.ApiImportAsync(csv, "all")).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var validOnly = await session.ApiImportAsync(csv, "valid-only");
        validOnly.StatusCode.ShouldBe(HttpStatusCode.OK, await validOnly.Content.ReadAsStringAsync());
        (await validOnly.Content.ReadFromJsonAsync<ImportReportView>())!.Result.ShouldBe(new ImportResultView("valid-only", true, 0, 1, 1));
        (await StateAsync(factory, org, admin.PersonId)).Active.ShouldBeTrue();
        (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{admin.PersonId}"))!.LeaveDate.ShouldBe(today.AddDays(30));
        (await StateAsync(factory, org, other.Id)).Active.ShouldBeFalse();
    }

    [Fact]
    public async Task The_administration_page_warns_while_there_is_time_when_the_organisation_would_be_left_without_an_admin()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Cover Org");
        var admin = org[Roles.Admin];
        var leader = org[Roles.Leader];
        var api = await factory.ApiClientAsync(org, admin);
        var session = await factory.SignInAsync(admin);
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

        (await session.GetStringAsync("/admin")).ShouldContain("Only one administrator has no leave date.");

        (await api.PutAsJsonAsync($"/api/v1/people/{leader.PersonId}/roles", new RolesRequest([Roles.Leader, Roles.Admin]))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await session.GetStringAsync("/admin");
        page.ShouldNotContain("Only one administrator");
        page.ShouldNotContain("Every administrator is leaving");

        foreach (var (who, leaves) in new[] { (admin, today.AddDays(40)), (leader, today.AddDays(20)) })
        {
            var person = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{who.PersonId}"))!;
            (await api.PutAsJsonAsync($"/api/v1/people/{who.PersonId}", Edit(person, leaves))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        page = await session.GetStringAsync("/admin");
        page.ShouldContain("Every administrator is leaving");
        page.ShouldContain($"After {today.AddDays(40):d MMMM yyyy}, nobody will be able to administer Upstander");
        var adminName = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{admin.PersonId}"))!.Name;
        var leaderName = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{leader.PersonId}"))!.Name;
        page.ShouldContain($"{leaderName} leaves on {today.AddDays(20):d MMMM yyyy}.");
        page.IndexOf(leaderName, StringComparison.Ordinal).ShouldBeLessThan(page.IndexOf(adminName, StringComparison.Ordinal), "soonest first");

        // A deactivated admin does not count as cover.
        var staying = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{leader.PersonId}"))!;
        (await api.PutAsJsonAsync($"/api/v1/people/{leader.PersonId}", Edit(staying, null))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.GetStringAsync("/admin")).ShouldContain("Only one administrator has no leave date.");
        (await api.PostAsync($"/api/v1/people/{leader.PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.GetStringAsync("/admin")).ShouldContain("Every administrator is leaving");
    }

    [Fact]
    public async Task A_deactivated_case_managers_open_cases_go_back_to_routing()
    {
        await using var world = await CaseWorld.StartAsync();
        var report = await world.ReceiveAsync([], assignee: world.CaseManager);
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);
        // The coordinator is also a case manager, so someone is left to see the intake queue.
        var coordinator = world.Org[Roles.Coordinator];
        (await api.PutAsJsonAsync($"/api/v1/people/{coordinator.PersonId}/roles", new RolesRequest([Roles.Coordinator, Roles.CaseManager])))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        (await api.PostAsync($"/api/v1/people/{world.CaseManager}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var record = await world.ReportAsync(report);
        record.AssigneeId.ShouldBeNull("no routing rule picks another case manager, so the case waits in the intake queue");
        var events = await world.InScopeAsync((_, db) => db.Set<Upstander.Features.SpeakUp.Reports.ReportEvent>().Where(e => e.ReportId == report).ToListAsync());
        events.ShouldContain(e => e.Kind == "unassigned" && e.Reason == "not-a-case-manager");
        var other = await world.Factory.SignInAsync(coordinator);
        (await other.GetStringAsync("/cases")).ShouldContain($"/cases/{report:D}");
        (await other.GetStringAsync($"/cases/{report:D}")).ShouldContain("(The case manager&#x27;s account was deactivated or their role removed)");
    }

    [Fact]
    public async Task A_case_manager_whom_a_new_manager_puts_in_the_line_of_someone_a_case_names_lets_go_of_it_at_once()
    {
        await using var world = await CaseWorld.StartAsync();
        var named = await world.PersonAsync("Named Person", manager: null);
        var open = await world.ReceiveAsync([named], assignee: world.CaseManager);
        var closed = await world.ReceiveAsync([named], assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([closed], "resolved-informally");
        var unrelated = await world.ReceiveAsync([], assignee: world.CaseManager);
        var other = await world.CaseManagerAsync("Other Manager", "other-manager");
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);
        var person = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{named}"))!;
        var holder = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{world.CaseManager}"))!;

        // The case manager holding both cases becomes the named person's manager: conflicted on both, they can no longer
        // open them, and while they hold them nobody else sees them.
        (await api.PutAsJsonAsync($"/api/v1/people/{named}", new PersonEditRequest(person.Name, person.WorkEmail, person.EmployeeId, person.Department,
            person.Team, holder.EmployeeId, person.Location, person.PreferredLanguage, person.StartDate, null))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await world.ReportAsync(open)).AssigneeId.ShouldBeNull("no routing rule picks another case manager, so the case waits in the intake queue");
        (await world.ReportAsync(closed)).AssigneeId.ShouldBeNull("a closed case waits unassigned, for what its reporter may write");
        (await world.ReportAsync(unrelated)).AssigneeId.ShouldBe(world.CaseManager, "a case naming nobody in their line stays");
        var events = await world.InScopeAsync((_, db) => db.Set<Upstander.Features.SpeakUp.Reports.ReportEvent>()
            .Where(e => e.Kind == "unassigned").Select(e => new { e.ReportId, e.Reason }).ToListAsync());
        events.Select(e => e.ReportId).ShouldBe([open, closed], ignoreOrder: true);
        events.ShouldAllBe(e => e.Reason == CaseReasons.ConflictOrRole);
        var queue = await world.InScopeAsync((s, _) => s.GetRequiredService<CaseWork>().QueueAsync(other.PersonId, CancellationToken.None));
        queue.Unassigned.Select(r => r.Id).ShouldContain(open);
        (await world.InScopeAsync((s, _) => s.GetRequiredService<CaseWork>().FindAsync(closed, other.PersonId, CancellationToken.None))).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_case_manager_is_told_when_a_named_reporter_can_no_longer_read_the_case_messages_but_never_for_a_held_identity()
    {
        await using var world = await CaseWorld.StartAsync();
        var reporter = world.Org[Roles.Employee];
        var named = await world.ReceiveAsync([], reporter: reporter.PersonId, assignee: world.CaseManager);
        var held = await world.ReceiveAsync([], reporter: reporter.PersonId, held: true, assignee: world.CaseManager);
        var caseManager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        const string Notice = "The reporter no longer has an active account here, so they cannot read what is sent on this page.";
        (await caseManager.GetStringAsync($"/cases/{named:D}")).ShouldNotContain(Notice);

        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);
        (await api.PostAsync($"/api/v1/people/{reporter.PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await caseManager.GetStringAsync($"/cases/{named:D}")).ShouldContain(Notice);
        (await caseManager.GetStringAsync($"/cases/{held:D}")).ShouldNotContain(Notice, customMessage: "a held identity is not narrowed down to the people who left");

        (await api.PostAsync($"/api/v1/people/{reporter.PersonId}/account/reactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await caseManager.GetStringAsync($"/cases/{named:D}")).ShouldNotContain(Notice);
    }

    [Fact]
    public async Task A_deactivated_supporters_conversation_goes_back_to_the_queue()
    {
        await using var world = await ConversationWorld.StartAsync();
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Active);

        (await api.PostAsync($"/api/v1/people/{world.Org[Roles.PeerSupporter].PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var record = await world.RecordAsync();
        record.SupporterId.ShouldNotBe(world.Org[Roles.PeerSupporter].PersonId);
        record.Status.ShouldBe(RequestStatus.Waiting, "nobody else can take it here, so it waits to be matched");
        (await AuditAsync(world.Factory, world.Org)).ShouldContain(e => e.Detail == "reason=supporter-deactivated");
    }

    private static PersonDetails Leaving(Person p, DateOnly leave) =>
        new(p.Name, p.WorkEmail, p.EmployeeId, null, p.Team, null, p.Location, p.PreferredLanguage, p.StartDate, leave);

    private static PersonEditRequest Edit(PersonView p, DateOnly? leave) =>
        new(p.Name, p.WorkEmail, p.EmployeeId, p.Department, p.Team, null, p.Location, p.PreferredLanguage, p.StartDate, leave);

    private static async Task<AccountState> StateAsync(UpstanderFactory factory, TestOrganisation org, Guid personId) =>
        (await factory.InScopeAsync(org.Id, services => services.GetRequiredService<AccountLifecycle>().StateAsync(personId, CancellationToken.None)))!;

    private static Task<List<AuditEvent>> AuditAsync(UpstanderFactory factory, TestOrganisation org) => factory.InScopeAsync(org.Id, services =>
        services.GetRequiredService<AppDbContext>().AuditEvents.OrderBy(e => e.Sequence).ToListAsync());
}
