using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>
/// A closed case stays with the case manager who closed it, and that person may leave, lose the role, or (after a
/// re-organisation) become conflicted on it. What its reporter sends afterwards, a message or a retaliation "yes", must
/// still reach a case manager who may see the case: never only the one who can no longer hold it.
/// </summary>
public sealed class CaseHolderTests
{
    private const string RetaliationReported = "speak-up.retaliation-reported";

    [Fact]
    public async Task A_closes_A_is_deactivated_and_the_reporter_writes_another_case_manager_is_emailed_and_sees_it_waiting()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var colleague = await ColleagueAsync(world);
        var id = await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([id], "resolved-informally");
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);

        (await api.PostAsync($"/api/v1/people/{world.CaseManager}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var swept = await world.ReportAsync(id);
        (swept.Status, swept.AssigneeId).ShouldBe((ReportStatus.Closed, null), "the closed case is let go of, not routed and not reopened");
        (await EventsAsync(world, id)).ShouldContain(e => e.Kind == "unassigned" && e.Reason == CaseReasons.NotACaseManager && e.ActorId == null);
        var other = await world.Factory.SignInAsync(colleague);
        // Nothing new yet: a closed case waits only once its reporter writes.
        (await other.GetStringAsync("/cases")).ShouldNotContain($"/cases/{id:D}");

        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        await ReplyAsync(reporter, id, "It has started again since the case was closed.");

        (await MailCountAsync(world, id, CaseNotices.ReporterWrotePurpose)).ShouldBe(1, "the colleague, the one case manager left");
        (await sink.WaitForMailToAsync(colleague.Email)).Subject.ShouldBe("Case Org: a reporter has written to the case team");
        var queue = await other.GetStringAsync("/cases");
        queue.ShouldContain($"/cases/{id:D}");
        queue.ShouldContain("1 new message from the reporter");
        (await other.GetStringAsync($"/cases/{id:D}")).ShouldContain("It has started again since the case was closed.");
    }

    [Fact]
    public async Task After_a_reorganisation_the_holder_of_a_closed_case_is_conflicted_the_reporters_message_goes_to_the_others_and_running_the_rules_lets_go_too()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var colleague = await ColleagueAsync(world);
        var named = await world.PersonAsync("Named Person", null);
        var written = await world.ReceiveAsync([named], assignee: world.CaseManager);
        var quiet = await world.ReceiveAsync([named], assignee: world.CaseManager);
        await world.AcknowledgeAndCloseAsync([written, quiet], "resolved-informally");

        // The re-organisation: the person the reports name now reports to the case manager who closed them.
        await world.ReportToAsync(named, world.CaseManager);
        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        await ReplyAsync(reporter, written, "The same manager is still doing it.");

        var report = await world.ReportAsync(written);
        (report.Status, report.AssigneeId).ShouldBe((ReportStatus.Closed, null));
        (await EventsAsync(world, written)).ShouldContain(e => e.Kind == "unassigned" && e.Reason == "conflict-or-role" && e.ActorId == null);
        var audited = await world.InScopeAsync((_, db) => db.AuditEvents.Where(e => e.Action == CaseAudit.Routed && e.TargetId == written.ToString("N")).ToListAsync());
        audited.ShouldHaveSingleItem().ActorId.ShouldBeNull("Upstander let go of the case inside the reporter's request, not the reporter");
        (await MailCountAsync(world, written, CaseNotices.ReporterWrotePurpose)).ShouldBe(1, "the colleague only: the holder is conflicted now");
        await sink.WaitForMailToAsync(colleague.Email);
        sink.Received.ShouldNotContain(m => m.To.Mailboxes.Any(b => b.Address == world.Org[Roles.CaseManager].Email));
        (await (await world.Factory.SignInAsync(colleague)).GetStringAsync("/cases")).ShouldContain($"/cases/{written:D}");
        var holder = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await holder.GetAsync($"/cases/{written:D}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The other closed case, whose reporter said nothing, is let go of when the rules are run.
        (await world.ReportAsync(quiet)).AssigneeId.ShouldBe(world.CaseManager);
        await world.RunRulesAsync();
        var let = await world.ReportAsync(quiet);
        (let.Status, let.AssigneeId).ShouldBe((ReportStatus.Closed, null));
        (await EventsAsync(world, quiet)).ShouldContain(e => e.Kind == "unassigned" && e.Reason == "conflict-or-role");
    }

    [Fact]
    public async Task A_retaliation_yes_on_a_closed_case_is_emailed_to_its_holder_or_to_every_case_manager_and_waits_in_the_queue_until_taken()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var colleague = await ColleagueAsync(world);
        var held = await world.ReceiveAsync([], assignee: world.CaseManager);
        var nobodys = await world.ReceiveAsync([], assignee: world.CaseManager);
        world.Factory.Clock.Advance(TimeSpan.FromDays(2));
        await world.AcknowledgeAndCloseAsync([held, nobodys], "resolved-informally");
        await world.InScopeAsync(async (_, db) =>
        {
            (await db.Set<ReportRecord>().SingleAsync(r => r.Id == nobodys)).Assign(null);
            return await db.SaveChangesAsync();
        });
        world.Factory.Clock.Advance(TimeSpan.FromDays(29));
        var other = await world.Factory.SignInAsync(colleague);
        (await other.GetStringAsync("/cases")).ShouldContain("No report is waiting.");
        (await other.GetStringAsync("/")).ShouldContain("No report is waiting for a case manager");

        var reporter = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        await YesAsync(reporter, held);
        await YesAsync(reporter, nobodys);

        (await MailCountAsync(world, held, RetaliationReported)).ShouldBe(1, "the case manager holding it");
        (await MailCountAsync(world, nobodys, RetaliationReported)).ShouldBe(2, "nobody holds it: both case managers");
        var mail = await sink.WaitForMailToAsync(colleague.Email);
        mail.Subject.ShouldBe("Case Org: a reporter says they are being treated worse since reporting");
        (mail.Subject + mail.TextBody).ShouldNotContain("Blue Heron");
        (mail.Subject + mail.TextBody).ShouldNotContain(nobodys.ToString());

        var queue = await other.GetStringAsync("/cases");
        queue.ShouldContain($"/cases/{nobodys:D}");
        queue.ShouldNotContain($"/cases/{held:D}"); // it has a case manager
        queue.ShouldContain("Retaliation reported");
        (await other.GetStringAsync("/")).ShouldContain("1 report waiting for a case manager", Case.Sensitive, "the home page counts it as the queue shows it");
        // Opening it is not enough: it waits until someone takes it.
        await other.GetStringAsync($"/cases/{nobodys:D}");
        (await other.GetStringAsync("/cases")).ShouldContain($"/cases/{nobodys:D}");
        Location(await PostAsync(other, $"/cases/{nobodys:D}?handler=Take"));
        (await other.GetStringAsync("/")).ShouldContain("No report is waiting for a case manager");
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await manager.GetStringAsync("/cases")).ShouldNotContain($"/cases/{nobodys:D}");
        (await world.ReportAsync(nobodys)).AssigneeId.ShouldBe(colleague.PersonId);
    }

    /// <summary>The organisation's coordinator, made a case manager too (so someone is left when the first one goes).</summary>
    private static async Task<TestAccount> ColleagueAsync(CaseWorld world)
    {
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);
        var coordinator = world.Org[Roles.Coordinator];
        (await api.PutAsJsonAsync($"/api/v1/people/{coordinator.PersonId}/roles", new RolesRequest([Roles.Coordinator, Roles.CaseManager])))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        return coordinator;
    }

    private static async Task ReplyAsync(HttpClient reporter, Guid id, string text)
    {
        var page = $"/speak-up/reports/{id:D}";
        (await reporter.PostFormAsync(page + "?handler=Reply", new() { ["Reply"] = text }, tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    private static async Task YesAsync(HttpClient reporter, Guid id)
    {
        var page = $"/speak-up/reports/{id:D}";
        (await reporter.PostFormAsync(page + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "yes" }, tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    private static Task<List<ReportEvent>> EventsAsync(CaseWorld world, Guid id) =>
        world.InScopeAsync((_, db) => db.Set<ReportEvent>().Where(e => e.ReportId == id).ToListAsync());

    private static Task<int> MailCountAsync(CaseWorld world, Guid id, string purpose) =>
        world.InScopeAsync((_, db) => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == purpose && m.About == id));
}
