using System.Net;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>
/// Two people acting on one case, or one reveal request, at the same moment: the second acts on what the first left, as
/// if it had come a moment later, and a lost race changes nothing.
/// </summary>
public sealed class CaseWorkRaceTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_case_managers_taking_one_waiting_case_at_once_leave_it_with_one_and_the_other_finds_it_taken(Engine engine)
    {
        // The first take has read the case, still waiting for a case manager, and is held there.
        var (world, gate, id, path) = await CaseAsync(engine, mine: false);
        await using var _ = world;
        var second = await world.AccountAsync("Robin Second", "robin-second", Roles.CaseManager);
        var (firstClient, secondClient) = (await world.Factory.SignInAsync(world.Org[Roles.CaseManager]), await world.Factory.SignInAsync(second));
        var (firstToken, secondToken) = (await firstClient.AntiforgeryTokenAsync(path), await secondClient.AntiforgeryTokenAsync(path));

        var (first, then) = await FirstHeldAsync(gate,
            () => firstClient.PostWithTokenAsync(path + "?handler=Take", firstToken), () => secondClient.PostWithTokenAsync(path + "?handler=Take", secondToken));

        Location(then).ShouldContain("done=assigned");
        first.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the case is another case manager's by then");
        (await world.ReportAsync(id)).AssigneeId.ShouldBe(second.PersonId);
        var (events, audited) = await world.InScopeAsync(async (_, db) => (
            await db.Set<ReportEvent>().Where(e => e.ReportId == id && e.Kind == "assigned").Select(e => e.ActorId).ToListAsync(),
            await db.AuditEvents.CountAsync(e => e.Action == CaseAudit.Assigned)));
        events.ShouldBe([second.PersonId], "taken once, by the case manager who holds it");
        audited.ShouldBe(1);
        (await firstClient.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_move_made_from_a_status_the_case_has_just_left_is_refused_and_changes_nothing(Engine engine)
    {
        // In one tab the case manager acknowledges the new case; that post has read the case, still received, and is held
        // there while the other tab closes it.
        var (world, gate, id, path) = await CaseAsync(engine, mine: true);
        await using var _ = world;
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var token = await manager.AntiforgeryTokenAsync(path);

        var (answer, closed) = await FirstHeldAsync(gate,
            () => manager.PostWithTokenAsync(path + "?handler=Move", token, ("To", "Acknowledged"), ("Reason", "received-and-read")),
            () => manager.PostWithTokenAsync(path + "?handler=Move", token, ("To", "Closed"), ("Reason", "outcome-shared"), ("ToReporter", "We looked into it and it is resolved.")));

        Location(closed).ShouldContain("done=status");
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await answer.Content.ReadAsStringAsync()).ShouldContain("Choose a status this case can move to.");
        var report = await world.ReportAsync(id);
        report.Status.ShouldBe(ReportStatus.Closed);
        report.ClosedAt.ShouldNotBeNull();
        (await world.InScopeAsync((_, db) => db.Set<ReportEvent>().Where(e => e.ReportId == id && e.Kind == ReportEvent.StatusKind).Select(e => e.ToStatus).ToListAsync()))
            .ShouldBe([ReportStatus.Closed]);
    }

    [Theory]
    [InlineData(Engine.Sqlite, "refuse")]
    [InlineData(Engine.Sqlite, "approve")]
    [InlineData(Engine.Postgres, "refuse")]
    [InlineData(Engine.Postgres, "approve")]
    public async Task A_reveal_request_decided_twice_at_once_is_decided_once_and_the_reporter_told_once(Engine engine, string held)
    {
        // The first decision (two tabs, a double click) has found the request pending and is held there while an approval
        // of the same request goes through.
        var gate = new QueryGate("case_reveal_requests", "\"RequestedBy\"");
        await using var world = await CaseWorld.StartAsync(engine, services: gate.Register);
        var id = await world.ReceiveAsync([], held: true, assignee: world.CaseManager);
        var request = (await world.RevealRequestAsync(id)).ToString("D");
        var custodian = await world.Factory.SignInAsync(world.Org[Roles.Custodian]);
        var token = await custodian.AntiforgeryTokenAsync("/custodian");

        var (first, approved) = await FirstHeldAsync(gate,
            () => custodian.PostWithTokenAsync("/custodian", token, ("RequestId", request), ("Decision", held)),
            () => custodian.PostWithTokenAsync("/custodian", token, ("RequestId", request), ("Decision", "approve")));

        Location(approved).ShouldContain("done=approved");
        first.StatusCode.ShouldBe(HttpStatusCode.NotFound, "the request was decided by then");
        (await world.ReportAsync(id)).IdentityHeld.ShouldBeFalse();
        var (status, events, audited, messages) = await world.InScopeAsync(async (_, db) => (
            await db.Set<RevealRequest>().Where(r => r.ReportId == id).Select(r => r.Status).SingleAsync(),
            await db.Set<ReportEvent>().Where(e => e.ReportId == id && (e.Kind.StartsWith("reveal-") || e.Kind == "identity-revealed")).Select(e => e.Kind).ToListAsync(),
            await db.AuditEvents.Where(e => e.Action == CaseAudit.RevealApproved || e.Action == CaseAudit.RevealRefused).Select(e => e.Action).ToListAsync(),
            await db.Set<ReportMessage>().CountAsync(m => m.ReportId == id)));
        status.ShouldBe(RevealStatus.Approved);
        events.Order().ShouldBe(["identity-revealed", "reveal-requested"]);
        audited.ShouldBe([CaseAudit.RevealApproved]);
        messages.ShouldBe(1, "the reporter is told once");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_case_taken_while_the_rules_run_stays_with_the_case_manager_who_took_it(Engine engine)
    {
        // Running the rules has read the cases waiting for a case manager, this one among them, and is held there while a
        // case manager takes it; the rule would give it to another.
        var (world, gate) = await GatedAsync(engine, "\"AssigneeId\" IS NOT NULL");
        await using var _ = world;
        var id = await world.ReceiveAsync([]);
        var other = await world.AccountAsync("Robin Second", "robin-second", Roles.CaseManager);
        await world.RuleAsync(other.PersonId);
        var (manager, path) = (await world.Factory.SignInAsync(world.Org[Roles.CaseManager]), $"/cases/{id:D}");
        var token = await manager.AntiforgeryTokenAsync(path);

        var taken = (await FirstHeldAsync(gate, async () => { await world.RunRulesAsync(); return true; }, () => manager.PostWithTokenAsync(path + "?handler=Take", token))).Second;

        Location(taken).ShouldContain("done=assigned");
        (await world.ReportAsync(id)).AssigneeId.ShouldBe(world.CaseManager);
        var (events, routed) = await world.InScopeAsync(async (_, db) => (
            await db.Set<ReportEvent>().Where(e => e.ReportId == id && e.Kind == "assigned").Select(e => e.Reason).ToListAsync(),
            await db.AuditEvents.CountAsync(e => e.Action == CaseAudit.Routed && e.TargetId == id.ToString("N"))));
        events.ShouldBe(["taken"], "taken once, and not routed after");
        routed.ShouldBe(0);
        (await manager.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_reporters_message_leaves_a_case_taken_since_it_was_let_go_with_the_case_manager_who_took_it(Engine engine)
    {
        // The case's holder has become conflicted on it. The reporter's message has read the case, still theirs, and is held
        // there while the case is let go of (a sweep after the change to the chart) and another case manager takes it.
        var (world, gate) = await GatedAsync(engine, "\"ReporterId\" =");
        await using var _ = world;
        var named = await world.PersonAsync("Named Person", null);
        var id = await world.ReceiveAsync([named], assignee: world.CaseManager);
        await world.ReportToAsync(named, world.CaseManager);
        var other = await world.AccountAsync("Robin Second", "robin-second", Roles.CaseManager);
        var (reporter, page) = (await world.Factory.SignInAsync(world.Org[Roles.Employee]), $"/speak-up/reports/{id:D}");
        var (taker, path) = (await world.Factory.SignInAsync(other), $"/cases/{id:D}");
        var token = await reporter.AntiforgeryTokenAsync(page);

        var (sent, taken) = await FirstHeldAsync(gate, () => reporter.PostWithTokenAsync(page + "?handler=Reply", token, ("Reply", "It happened again.")), async () =>
        {
            (await world.SweepAsync()).ShouldBe(1);
            return await taker.PostWithTokenAsync(path + "?handler=Take", await taker.AntiforgeryTokenAsync(path));
        });

        Location(taken).ShouldContain("done=assigned");
        Location(sent).ShouldContain("done=sent");
        (await world.ReportAsync(id)).AssigneeId.ShouldBe(other.PersonId);
        var (events, messages) = await world.InScopeAsync(async (_, db) => (
            await db.Set<ReportEvent>().Where(e => e.ReportId == id && (e.Kind == "assigned" || e.Kind == "unassigned")).Select(e => e.Kind).ToListAsync(),
            await db.Set<ReportMessage>().CountAsync(m => m.ReportId == id && m.FromReporter)));
        events.Order().ToList().ShouldBe(["assigned", "unassigned"], "let go of once, then taken once");
        messages.ShouldBe(1);
        (await taker.GetStringAsync(path)).ShouldContain("It happened again.");
    }

    /// <summary>
    /// A case received in a new world (held by its case manager when <paramref name="mine"/>, otherwise waiting), and a gate
    /// that holds the first read of a case to work on it (<see cref="CaseWork.FindAsync"/>) once armed.
    /// </summary>
    private static async Task<(CaseWorld World, QueryGate Gate, Guid Id, string Path)> CaseAsync(Engine engine, bool mine)
    {
        var (world, gate) = await GatedAsync(engine, "\"AssigneeId\" IS NULL");
        var id = await world.ReceiveAsync([], assignee: mine ? world.CaseManager : null);
        return (world, gate, id, $"/cases/{id:D}");
    }

    /// <summary>A new world, and a gate that holds the first query of a case whose text holds <paramref name="marker"/> once armed.</summary>
    private static async Task<(CaseWorld World, QueryGate Gate)> GatedAsync(Engine engine, string marker)
    {
        var gate = new QueryGate("reports", marker);
        return (await CaseWorld.StartAsync(engine, services: gate.Register), gate);
    }

    /// <summary>Starts <paramref name="first"/> and holds it at the gate, runs <paramref name="second"/> to its answer, then lets the first go on.</summary>
    private static async Task<(TFirst First, HttpResponseMessage Second)> FirstHeldAsync<TFirst>(QueryGate gate,
        Func<Task<TFirst>> first, Func<Task<HttpResponseMessage>> second)
    {
        gate.Arm();
        var held = Task.Run(first);
        await gate.ReachedAsync();
        var answer = await second();
        gate.Open();
        return (await held, answer);
    }
}
