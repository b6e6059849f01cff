using Microsoft.EntityFrameworkCore;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;

namespace Upstander.Features.Cases;

/// <summary>
/// Routes reports to case managers by the organisation's rules, in position order: the first rule that matches and
/// yields a case manager who is not conflicted wins (a rule's own case manager, or the least-loaded case manager of
/// the pool). A conflict always wins over a rule: with nobody eligible, the report waits unassigned in the intake
/// queue, which only non-conflicted case managers see. Scoped.
/// </summary>
public sealed class CaseIntake(AppDbContext db, CaseConflicts conflicts, AuditLog audit, TimeProvider clock, CaseNotices notices, ExclusiveLocks locks)
    : Accounts.IHandOverSweep
{
    /// <summary>
    /// Routes one newly received (or newly released) report. Call it with a report added to, or loaded by, this
    /// scope's <see cref="AppDbContext"/>; it assigns when a rule applies, records the event and saves. Returns the case
    /// manager it went to, or null when it waits in the intake queue.
    /// </summary>
    public async Task<Guid?> RouteAsync(ReportRecord report, CancellationToken ct)
    {
        var to = await AssignByRulesAsync(report, await RulesAsync(ct), await conflicts.CaseManagersAsync(ct), clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        return to;
    }

    /// <summary>
    /// Runs the rules over every open case waiting unassigned, and takes a case away from an assignee who has become
    /// conflicted or is no longer an active case manager. A closed case is let go of too (not routed): it waits unassigned,
    /// and comes back into the queue if its reporter writes. Each case to change is held and read again first
    /// (<see cref="HeldAgainAsync"/>), so a case a case manager took or moved meanwhile is decided on as they left it.
    /// </summary>
    public async Task RunRulesAsync(CancellationToken ct)
    {
        var cases = await db.Set<ReportRecord>()
            .Where(r => r.ContentErasedAt == null && (r.Status != ReportStatus.Closed || r.AssigneeId != null)).ToListAsync(ct);
        var rules = await RulesAsync(ct);
        var managers = await conflicts.CaseManagersAsync(ct);
        foreach (var report in cases)
        {
            // Decided once per reading of the case: before the hold, then again inside it, and acted on from that answer.
            var unheld = false;
            await HeldAgainAsync(report, async () => (unheld = await NoLongerHeldAsync(report, managers, ct) is not null) || (report.AssigneeId is null && report.IsOpen), async () =>
            {
                var now = clock.GetUtcNow();
                if (unheld)
                {
                    Unassign(report, CaseReasons.ConflictOrRole, now);
                }
                if (report.AssigneeId is null && report.IsOpen)
                {
                    await AssignByRulesAsync(report, rules, managers, now, ct);
                }
            }, ct);
        }
        audit.Record(CaseAudit.Routed, CaseAudit.Target, detail: "rules-run");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// For a case that <paramref name="due"/> says must change as this request read it: holds it as a case manager's
    /// change does (<see cref="CaseRetention.HoldAsync"/>), reads it again inside, and when <paramref name="due"/> still says
    /// so, makes the <paramref name="change"/> and saves it before the hold ends. A case manager who took, handed over or
    /// moved the case meanwhile is never overwritten: the change is decided on what they left. Returns whether it changed.
    /// </summary>
    private async Task<bool> HeldAgainAsync(ReportRecord report, Func<Task<bool>> due, Func<Task> change, CancellationToken ct)
    {
        if (!await due())
        {
            return false;
        }
        await using var hold = await CaseRetention.HoldAsync(db, locks, report, ct, toChange: true);
        if (hold is null || !await due())
        {
            return false;
        }
        await change();
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Cases held by someone who may no longer hold them are let go of: someone who no longer holds an active case
    /// manager's account (deactivated, or the role taken away), or who has become conflicted on the case because the
    /// organisation chart changed (an import or an edit put them in the line of someone it names, or of its reporter), and
    /// so can no longer open it while nobody else sees it. An open one goes back to routing (the rules choose another case
    /// manager, or it waits in the intake queue); a closed one waits unassigned, so that what its reporter writes later
    /// reaches every case manager who may see it. A reporter's case never waits with nobody able to see it. Run after
    /// every stop, role change and change to the chart, and each hour (<see cref="Accounts.IHandOverSweep"/>). Each case is
    /// held and read again before it is let go of (<see cref="HeldAgainAsync"/>): one let go of and taken meanwhile (by a
    /// reporter's message, then a case manager) stays with whoever took it. Returns how many it let go of.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var managers = await conflicts.CaseManagersAsync(ct);
        var held = await db.Set<ReportRecord>().Where(r => r.ContentErasedAt == null && r.AssigneeId != null).ToListAsync(ct);
        List<RoutingRule>? rules = null;
        var letGo = 0;
        foreach (var report in held)
        {
            Unheld? why = null;
            if (await HeldAgainAsync(report, async () => (why = await NoLongerHeldAsync(report, managers, ct)) is not null, async () =>
            {
                var now = clock.GetUtcNow();
                LetGo(report, why!, now);
                if (report.IsOpen)
                {
                    await AssignByRulesAsync(report, rules ??= await RulesAsync(ct), managers, now, ct);
                }
            }, ct))
            {
                letGo++;
            }
        }
        return letGo;
    }

    /// <summary>
    /// Called inside the reporter's request, with the case held and read again (<see cref="CaseRetention.HoldAsync"/> to
    /// change, when <see cref="UnheldAsync"/> said so), before the case side is told they wrote or answered a check-in with yes: when
    /// the case's holder is no longer an active case manager, or may no longer see the case, the case is let go of (not
    /// routed), so that every case manager who may see it is told and finds it waiting in the queue. Adds the change to
    /// this scope's unit of work without saving; the caller's save carries it. Audited as the system, never as the reporter.
    /// Returns whether it let go.
    /// </summary>
    public async Task<bool> LetGoIfUnheldAsync(ReportRecord report, CancellationToken ct)
    {
        if (report.AssigneeId is null || await NoLongerHeldAsync(report, await conflicts.CaseManagersAsync(ct), ct) is not { } reason)
        {
            return false;
        }
        LetGo(report, reason, clock.GetUtcNow());
        return true;
    }

    /// <summary>
    /// Whether the case, as this request read it, is held by someone who may no longer hold it: the reporter's request then
    /// holds the case and reads it again before <see cref="LetGoIfUnheldAsync"/>, so that a case let go of and taken by a
    /// case manager meanwhile stays theirs.
    /// </summary>
    public async Task<bool> UnheldAsync(ReportRecord report, CancellationToken ct) =>
        report.AssigneeId is not null && await NoLongerHeldAsync(report, await conflicts.CaseManagersAsync(ct), ct) is not null;

    /// <summary>Why a case's assignee may no longer hold it: the reason its event records, and the one its audit event gives.</summary>
    private sealed record Unheld(string Reason, string AuditReason)
    {
        public static Unheld NotACaseManager { get; } = new(CaseReasons.NotACaseManager, "assignee-not-a-case-manager");
        public static Unheld Conflicted { get; } = new(CaseReasons.ConflictOrRole, "assignee-conflicted");
    }

    /// <summary>Why the case's assignee may no longer hold it (not an active case manager, or conflicted on it); null when they may, or nobody holds it.</summary>
    private async Task<Unheld?> NoLongerHeldAsync(ReportRecord report, List<Guid> managers, CancellationToken ct)
    {
        if (report.AssigneeId is not { } assignee)
        {
            return null;
        }
        if (!managers.Contains(assignee))
        {
            return Unheld.NotACaseManager;
        }
        return await conflicts.MaySeeAsync(report, assignee, ct) ? null : Unheld.Conflicted;
    }

    /// <summary>Unassigns as Upstander's own decision (<see cref="SweepAsync"/>, or inside a reporter's request): audited as the system.</summary>
    private void LetGo(ReportRecord report, Unheld why, DateTimeOffset now)
    {
        Unassign(report, why.Reason, now);
        audit.RecordAsSystem(CaseAudit.Routed, CaseAudit.Target, report.Id, detail: "reason=" + why.AuditReason);
    }

    private Task<List<RoutingRule>> RulesAsync(CancellationToken ct) =>
        db.Set<RoutingRule>().OrderBy(r => r.Position).ThenBy(r => r.CreatedAt).ToListAsync(ct);

    private void Unassign(ReportRecord report, string reason, DateTimeOffset now)
    {
        report.Assign(null);
        db.Add(ReportEvent.Record(report, "unassigned", null, null, reason, null, now));
    }

    /// <summary>
    /// Gives an unassigned case to the case manager the rules choose, if any, and records it (the "assigned" event and a
    /// <c>speak-up.case-routed</c> audit event per case, for a new report and when the rules are run or a sweep routes
    /// again alike); returns who.
    /// </summary>
    private async Task<Guid?> AssignByRulesAsync(ReportRecord report, List<RoutingRule> rules, List<Guid> managers, DateTimeOffset now, CancellationToken ct)
    {
        var chosen = await ChooseAsync(report, rules, managers, ct);
        if (chosen is not null)
        {
            report.Assign(chosen);
            db.Add(ReportEvent.Record(report, "assigned", null, null, "routing-rule", null, now));
            // Routing is Upstander's decision, made inside whoever's request received the report: for a new report that is
            // its author's, and an account beside a held-back report's id would tell administrators who sent it.
            audit.RecordAsSystem(CaseAudit.Routed, CaseAudit.Target, report.Id);
            await notices.AssignedAsync(report, chosen.Value, ct);
        }
        return chosen;
    }

    private async Task<Guid?> ChooseAsync(ReportRecord report, List<RoutingRule> rules, List<Guid> managers, CancellationToken ct)
    {
        foreach (var rule in rules.Where(r => r.Matches(report)))
        {
            if (rule.CaseManagerId is { } one)
            {
                if (managers.Contains(one) && await conflicts.MaySeeAsync(report, one, ct))
                {
                    return one;
                }
                continue;
            }
            if (await conflicts.LeastLoadedAsync(await conflicts.EligibleAsync(report, managers, ct), ct) is { } least)
            {
                return least;
            }
        }
        return null;
    }
}
