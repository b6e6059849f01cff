using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Mail;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>Working a case through the pages: audited reads, statuses with reasons, messages, the custodian, access.</summary>
public sealed class CaseFlowTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_case_is_worked_with_audited_reads_statuses_that_need_reasons_messages_notes_and_a_plan(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        var named = await world.PersonAsync("Named Person", null);
        var id = await world.ReceiveAsync([named], account: "They shouted at me");
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var path = $"/cases/{id}";

        var page = await PageAsync(client, path);
        page.ShouldContain("They shouted at me");
        page.ShouldContain("Named Person");
        page.ShouldContain("witness W");
        var reads = await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ProtectedRead && e.TargetId == id.ToString("N")));
        reads.ShouldBe(1);

        // A status needs a reason from that status's list: otherwise 400, and nothing changes.
        foreach (var (to, reason) in new[] { ("Acknowledged", ""), ("Acknowledged", "formal-investigation"), ("Received", "received-and-read"), ("Nonsense", "received-and-read") })
        {
            (await PostAsync(client, path + "?handler=Move", ("To", to), ("Reason", reason))).StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{to}/{reason}");
        }
        var unchanged = await world.ReportAsync(id);
        (unchanged.Status, unchanged.AcknowledgedAt, unchanged.AssigneeId).ShouldBe((ReportStatus.Received, (DateTimeOffset?)null, (Guid?)null));
        (await world.InScopeAsync((_, db) => db.Set<ReportEvent>().CountAsync(e => e.ReportId == id))).ShouldBe(0);

        Location(await PostAsync(client, path + "?handler=Move", ("To", "Acknowledged"), ("Reason", "received-and-read")));
        Location(await PostAsync(client, path + "?handler=Send", ("Body", "We are on it")));
        Location(await PostAsync(client, path + "?handler=Note", ("Body", "Private thought")));
        Location(await PostAsync(client, path + "?handler=Plan", ("Item", "Interview W")));
        Location(await PostAsync(client, path + "?handler=Label", ("Label", "night shift")));
        Location(await PostAsync(client, path + "?handler=Outcome", ("Outcome", "substantiated"), ("Actions", "Warning given")));
        (await PostAsync(client, path + "?handler=Outcome", ("Outcome", "made-up"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var report = await world.ReportAsync(id);
        (report.Status, report.AssigneeId).ShouldBe((ReportStatus.Acknowledged, world.CaseManager));
        report.AcknowledgedAt.ShouldNotBeNull();
        report.FeedbackGivenAt.ShouldNotBeNull("the first case-side message is feedback");
        var message = await world.InScopeAsync((_, db) => db.Set<ReportMessage>().SingleAsync(m => m.ReportId == id));
        (message.FromReporter, message.AuthorId, message.Number).ShouldBe((false, (Guid?)world.CaseManager, 1));
        message.BodySealed!.ShouldNotContain("We are on it");
        var status = await world.InScopeAsync((_, db) => db.Set<ReportEvent>().SingleAsync(e => e.ReportId == id && e.Kind == "status"));
        (status.FromStatus, status.ToStatus, status.Reason).ShouldBe((ReportStatus.Received, ReportStatus.Acknowledged, "received-and-read"));
        (await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.Action == CaseAudit.StatusChanged && e.TargetId == id.ToString("N")))).ShouldBe(1);

        var readsBefore = await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ProtectedRead && e.TargetId == id.ToString("N")));
        readsBefore.ShouldBe(17, "every showing: the first view, the page fetched before each of 11 posts, and each of 5 refused forms shown again");
        page = await PageAsync(client, path);
        // The history keeps each outcome recorded (insight reads the outcome a case had at the end of a quarter).
        foreach (var text in new[] { "We are on it", "Private thought", "Interview W", "night shift", "Warning given", "Substantiated", "Outcome recorded (Substantiated)" })
        {
            page.ShouldContain(text);
        }
        (await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ProtectedRead && e.TargetId == id.ToString("N")))).ShouldBe(readsBefore + 1);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_held_identity_is_revealed_only_when_a_custodian_approves_and_the_reporter_is_told(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        var reporterName = $"Employee of {world.Org.Name}";
        var named = await world.PersonAsync("Named Person", null);
        var id = await world.ReceiveAsync([named], held: true, assignee: world.CaseManager);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var custodian = await world.Factory.SignInAsync(world.Org[Roles.Custodian]);
        var path = $"/cases/{id}";

        (await PageAsync(manager, path)).ShouldNotContain(reporterName);
        (await PageAsync(manager, "/cases")).ShouldNotContain(reporterName);
        (await PageAsync(custodian, "/")).ShouldContain("No request to see a reporter's name is waiting.");
        (await PostAsync(manager, path + "?handler=Reveal", ("Reason", "because"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Location(await PostAsync(manager, path + "?handler=Reveal", ("Reason", "needed-for-investigation")));
        (await PostAsync(manager, path + "?handler=Reveal", ("Reason", "needed-for-investigation"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "one pending request at a time");

        // The custodian's home page says a request waits (a count, nothing else) and the menu leads to the desk.
        var home = await PageAsync(custodian, "/");
        home.ShouldContain("1 request to see a reporter's name is waiting for your decision.");
        home.ShouldContain("<a href=\"/custodian\">Identity custodian</a>");
        home.ShouldNotContain("Blue Heron");

        // The custodian sees the request without any content, and refuses: the name stays hidden.
        var desk = await PageAsync(custodian, "/custodian");
        desk.ShouldContain("Blue Heron");
        desk.ShouldNotContain("What happened");
        desk.ShouldNotContain("Named Person");
        // The browser asks for a decision before sending, as the server would refuse none.
        var decisions = System.Text.RegularExpressions.Regex.Matches(desk, "<input[^>]*name=\"Decision\"[^>]*>");
        decisions.Count.ShouldBe(2);
        decisions.ShouldAllBe(d => d.Value.Contains(" required"));
        var request = await world.InScopeAsync((_, db) => db.Set<RevealRequest>().SingleAsync());
        (await PostAsync(custodian, "/custodian", ("RequestId", request.Id.ToString()), ("Decision", "maybe"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Location(await PostAsync(custodian, "/custodian", ("RequestId", request.Id.ToString()), ("Decision", "refuse")));
        (await world.ReportAsync(id)).IdentityHeld.ShouldBeTrue();
        (await PageAsync(manager, path)).ShouldNotContain(reporterName);

        // Asked again and approved: recorded, audited, the reporter told, and only now the name shows.
        Location(await PostAsync(manager, path + "?handler=Reveal", ("Reason", "reporter-safety")));
        var second = await world.InScopeAsync((_, db) => db.Set<RevealRequest>().SingleAsync(r => r.Status == RevealStatus.Pending));
        Location(await PostAsync(custodian, "/custodian", ("RequestId", second.Id.ToString()), ("Decision", "approve")));
        (await PostAsync(custodian, "/custodian", ("RequestId", second.Id.ToString()), ("Decision", "approve"))).StatusCode.ShouldBe(HttpStatusCode.NotFound, "already decided");
        (await world.ReportAsync(id)).IdentityHeld.ShouldBeFalse();
        (await world.InScopeAsync((_, db) => db.Set<ReportEvent>().CountAsync(e => e.ReportId == id && e.Kind == "identity-revealed"))).ShouldBe(1);
        (await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.Action == CaseAudit.RevealApproved))).ShouldBe(1);
        var told = await world.InScopeAsync(async (s, db) =>
        {
            var m = await db.Set<ReportMessage>().SingleAsync(x => x.ReportId == id);
            (m.FromReporter, m.AuthorId).ShouldBe((false, (Guid?)null));
            return s.GetRequiredService<FieldProtector>().Open(m.BodySealed!, ReportMessage.BodyPurpose, m.Id);
        });
        told.ShouldBe(CaseWork.RevealNotice);
        (await PageAsync(manager, path)).ShouldContain(reporterName);
        (await world.ReportAsync(id)).FeedbackGivenAt.ShouldBeNull("a system message is not the case manager's feedback");
    }

    [Fact]
    public async Task A_custodian_in_the_named_persons_line_never_sees_the_request()
    {
        await using var world = await CaseWorld.StartAsync();
        var named = await world.PersonAsync("Named Person", null);
        await world.ReportToAsync(world.Org[Roles.Custodian].PersonId, named);
        var id = await world.ReceiveAsync([named], held: true, assignee: world.CaseManager);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        Location(await PostAsync(manager, $"/cases/{id}?handler=Reveal", ("Reason", "needed-for-investigation")));
        var custodian = await world.Factory.SignInAsync(world.Org[Roles.Custodian]);
        (await PageAsync(custodian, "/custodian")).ShouldContain("No request is waiting.");
        (await PageAsync(custodian, "/")).ShouldContain("No request to see a reporter's name is waiting.", customMessage: "the home page counts through the same conflict rule");
        var request = await world.InScopeAsync((_, db) => db.Set<RevealRequest>().SingleAsync());
        (await PostAsync(custodian, "/custodian", ("RequestId", request.Id.ToString()), ("Decision", "approve"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await world.ReportAsync(id)).IdentityHeld.ShouldBeTrue();

        // Neither the case manager nor the administrators are told at once that the only custodian is conflicted: either
        // would learn whose line the held-back reporter or the named person is close to (an administrator may be the case
        // manager who asked). The administrators are told once the request has waited long, a count and not which report,
        // which says no more than the audit log's undecided request.
        var admin = await world.Factory.SignInAsync(world.Org[Roles.Admin]);
        (await PageAsync(admin, "/admin")).ShouldNotContain(WaitingNotice);
        (await PageAsync(manager, $"/cases/{id}")).ShouldNotContain("Nobody but");
        world.Factory.Clock.Advance(CustodianDesk.LongWait - TimeSpan.FromHours(1));
        admin = await world.Factory.SignInAsync(world.Org[Roles.Admin]); // the sessions above have ended meanwhile
        (await PageAsync(admin, "/admin")).ShouldNotContain(WaitingNotice);
        world.Factory.Clock.Advance(TimeSpan.FromHours(2));
        (await PageAsync(admin, "/admin")).ShouldContain("1 request to see the name of a reporter who asked for it to be held back is waiting: nobody but the case manager who asked holds the identity custodian role, or it has waited more than 14 days.");
        manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await PageAsync(manager, $"/cases/{id}")).ShouldNotContain("Nobody but");
        await world.ReportToAsync(world.Org[Roles.Custodian].PersonId, null);
        var free = await world.Factory.SignInAsync(world.Org[Roles.Custodian]);
        Location(await PostAsync(free, "/custodian", ("RequestId", request.Id.ToString()), ("Decision", "refuse")));
        (await PageAsync(admin, "/admin")).ShouldNotContain(WaitingNotice, customMessage: "decided");
    }

    private const string WaitingNotice = "request to see the name of a reporter who asked for it to be held back";

    [Fact]
    public async Task With_nobody_else_holding_the_custodian_role_the_case_manager_and_the_administrators_are_told_a_request_would_wait()
    {
        await using var world = await CaseWorld.StartAsync();
        var id = await world.ReceiveAsync([], held: true, assignee: world.CaseManager);
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);
        var custodian = world.Org[Roles.Custodian].PersonId;
        (await api.PostAsync($"/api/v1/people/{custodian}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var admin = await world.Factory.SignInAsync(world.Org[Roles.Admin]);

        (await PageAsync(manager, $"/cases/{id}")).ShouldContain("Nobody but you holds the identity custodian role");
        (await PageAsync(admin, "/admin")).ShouldNotContain(WaitingNotice, customMessage: "nothing waits yet");
        Location(await PostAsync(manager, $"/cases/{id}?handler=Reveal", ("Reason", "needed-for-investigation")));
        (await PageAsync(manager, $"/cases/{id}")).ShouldContain("Nobody but the case manager who asked holds the identity custodian role");
        (await PageAsync(admin, "/admin")).ShouldContain("1 request to see the name of a reporter who asked for it to be held back is waiting: nobody but the case manager who asked holds the identity custodian role");

        // Once someone holds the role again, the request is theirs to decide and neither page warns.
        (await api.PostAsync($"/api/v1/people/{custodian}/account/reactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PageAsync(manager, $"/cases/{id}")).ShouldNotContain("Nobody but");
        (await PageAsync(admin, "/admin")).ShouldNotContain(WaitingNotice);
    }

    /// <summary>
    /// Roles are not exclusive: a case manager who is also a custodian neither sees, counts, is emailed about nor decides
    /// their own reveal request (404, nothing changed), while they decide a colleague's; another custodian decides theirs.
    /// </summary>
    [Fact]
    public async Task A_custodian_never_decides_their_own_reveal_request()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var both = await world.AccountAsync("Casey Both", "casey-both", Roles.Custodian, Roles.CaseManager);
        var named = await world.PersonAsync("Named Person", null);
        var own = await world.ReceiveAsync([named], held: true, assignee: both.PersonId);
        var colleagues = await world.ReceiveAsync([named], held: true, assignee: world.CaseManager);
        var client = await world.Factory.SignInAsync(both);
        Location(await PostAsync(client, $"/cases/{own}?handler=Reveal", ("Reason", "needed-for-investigation")));
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        Location(await PostAsync(manager, $"/cases/{colleagues}?handler=Reveal", ("Reason", "needed-for-investigation")));
        var mine = await world.InScopeAsync((_, db) => db.Set<RevealRequest>().SingleAsync(r => r.ReportId == own));
        var theirs = await world.InScopeAsync((_, db) => db.Set<RevealRequest>().SingleAsync(r => r.ReportId == colleagues));

        var desk = await PageAsync(client, "/custodian");
        desk.ShouldContain(theirs.Id.ToString("D"));
        desk.ShouldNotContain(mine.Id.ToString("D"));
        (await PageAsync(client, "/")).ShouldContain("1 request to see a reporter's name is waiting for your decision.");
        (await world.InScopeAsync((_, db) => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == CaseNotices.RevealPurpose && m.About == own)))
            .ShouldBe(1, "only the other custodian is emailed");
        (await world.InScopeAsync((_, db) => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == CaseNotices.RevealPurpose && m.About == colleagues))).ShouldBe(2);

        var before = await RowCounts.TakeAsync(world.Factory.Database);
        (await PostAsync(client, "/custodian", ("RequestId", mine.Id.ToString()), ("Decision", "approve"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        RowCounts.Differences(before, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();
        (await world.ReportAsync(own)).IdentityHeld.ShouldBeTrue();
        (await world.InScopeAsync((_, db) => db.Set<RevealRequest>().SingleAsync(r => r.Id == mine.Id))).Status.ShouldBe(RevealStatus.Pending);

        // Another custodian decides it.
        var custodian = await world.Factory.SignInAsync(world.Org[Roles.Custodian]);
        Location(await PostAsync(custodian, "/custodian", ("RequestId", mine.Id.ToString()), ("Decision", "approve")));
        (await world.ReportAsync(own)).IdentityHeld.ShouldBeFalse();
    }

    /// <summary>
    /// Every assignment is recorded as taking a case is: moving or writing on a case nobody holds takes it (an "assigned"
    /// event and <c>speak-up.case-assigned</c>), and the rules, whether run from the routing page or by the sweep,
    /// record <c>speak-up.case-routed</c> for each case they route, as routing a new report does.
    /// </summary>
    [Fact]
    public async Task Every_assignment_is_recorded_with_its_event_and_audit_event()
    {
        await using var world = await CaseWorld.StartAsync();
        var moved = await world.ReceiveAsync([]);
        var written = await world.ReceiveAsync([]);
        await world.MoveAsync(moved, ReportStatus.Acknowledged, "received-and-read");
        await world.InScopeAsync(async (s, db) =>
        {
            var report = await db.Set<ReportRecord>().SingleAsync(r => r.Id == written);
            await s.GetRequiredService<CaseWork>().SendAsync(report, "We have your report.", world.CaseManager, CancellationToken.None);
            return true;
        });
        foreach (var id in new[] { moved, written })
        {
            (await world.ReportAsync(id)).AssigneeId.ShouldBe(world.CaseManager);
            var assigned = await world.InScopeAsync((_, db) => db.Set<ReportEvent>().SingleAsync(e => e.ReportId == id && e.Kind == "assigned"));
            (assigned.Reason, assigned.ActorId).ShouldBe(("taken", (Guid?)world.CaseManager));
            (await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.Action == CaseAudit.Assigned && e.TargetId == id.ToString("N")
                && e.Detail == "kind=assigned;reason=taken"))).ShouldBe(1);
        }

        await world.RuleAsync();
        var waiting = await world.ReceiveAsync([]);
        var leaver = await world.PersonAsync("Left Person", null);
        var orphaned = await world.ReceiveAsync([], assignee: leaver);
        (await world.SweepAsync()).ShouldBe(1);
        await world.RunRulesAsync();
        foreach (var id in new[] { waiting, orphaned })
        {
            (await world.ReportAsync(id)).AssigneeId.ShouldBe(world.CaseManager);
            (await world.InScopeAsync((_, db) => db.Set<ReportEvent>().CountAsync(e => e.ReportId == id && e.Kind == "assigned" && e.Reason == "routing-rule"))).ShouldBe(1);
            (await world.InScopeAsync((_, db) => db.AuditEvents.CountAsync(e => e.Action == CaseAudit.Routed && e.TargetId == id.ToString("N") && e.Detail == null)))
                .ShouldBe(1, "routed by the rules");
        }
    }

    [Fact]
    public async Task Other_roles_are_turned_away_from_cases_and_a_case_of_another_case_manager_is_404()
    {
        await using var world = await CaseWorld.StartAsync();
        var id = await world.ReceiveAsync([]);
        foreach (var role in new[] { Roles.Employee, Roles.PeerSupporter, Roles.Coordinator, Roles.Admin, Roles.Leader, Roles.Custodian })
        {
            var client = await world.Factory.SignInAsync(world.Org[role]);
            foreach (var url in new[] { "/cases", $"/cases/{id}", "/cases/overdue" })
            {
                var response = await client.GetAsync(url);
                response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} {url}");
                response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
            }
        }
        (await (await world.Factory.SignInAsync(world.Org[Roles.Employee])).GetAsync("/custodian")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var other = await world.PersonAsync("Another Person", null);
        var theirs = await world.ReceiveAsync([], assignee: other);
        (await (await world.Factory.SignInAsync(world.Org[Roles.CaseManager])).GetAsync($"/cases/{theirs}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Routing_rules_send_new_reports_to_their_case_manager_unless_conflicted()
    {
        await using var world = await CaseWorld.StartAsync();
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await PostAsync(client, "/cases/routing?handler=Add", ("Category", "Not A Key!"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Location(await PostAsync(client, "/cases/routing?handler=Add", ("Category", "intimidation"), ("CaseManagerId", world.CaseManager.ToString())));
        var routed = await world.ReceiveAsync([], category: "intimidation", route: true);
        (await world.ReportAsync(routed)).AssigneeId.ShouldBe(world.CaseManager);
        var other = await world.ReceiveAsync([], category: "verbal-abuse", route: true);
        (await world.ReportAsync(other)).AssigneeId.ShouldBeNull();
        var conflicted = await world.ReceiveAsync([world.CaseManager], category: "intimidation", route: true);
        (await world.ReportAsync(conflicted)).AssigneeId.ShouldBeNull("a conflict wins over the rule");
    }
}
