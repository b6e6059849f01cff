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
public sealed class CaseIntake(AppDbContext db, CaseConflicts conflicts, AuditLog audit, TimeProvider clock) : Accounts.IHandOverSweep
{
    /// <summary>
    /// Routes one newly received (or newly released) report. Call it with a report added to, or loaded by, this
    /// scope's <see cref="AppDbContext"/>; it assigns when a rule applies, records the event and saves. Returns the case
    /// manager it went to, or null when it waits in the intake queue.
    /// </summary>
    public async Task<Guid?> RouteAsync(ReportRecord report, CancellationToken ct)
    {
        var rules = await db.Set<RoutingRule>().OrderBy(r => r.Position).ThenBy(r => r.CreatedAt).ToListAsync(ct);
        var managers = await conflicts.CaseManagersAsync(ct);
        var to = await ChooseAsync(report, rules, managers, ct);
        if (to is { } chosen)
        {
            report.Assign(chosen);
            db.Add(ReportEvent.Record(report, "assigned", null, null, "routing-rule", null, clock.GetUtcNow()));
            audit.Record(CaseAudit.Routed, CaseAudit.Target, report.Id);
        }
        await db.SaveChangesAsync(ct);
        return to;
    }

    /// <summary>Runs the rules over every open case waiting unassigned, and takes a case away from an assignee who has become conflicted.</summary>
    public async Task RunRulesAsync(CancellationToken ct)
    {
        var open = await db.Set<ReportRecord>().Where(r => r.Status != ReportStatus.Closed && r.ContentErasedAt == null).ToListAsync(ct);
        var rules = await db.Set<RoutingRule>().OrderBy(r => r.Position).ThenBy(r => r.CreatedAt).ToListAsync(ct);
        var managers = await conflicts.CaseManagersAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var report in open)
        {
            if (report.AssigneeId is { } assignee && (!managers.Contains(assignee) || !await conflicts.MaySeeAsync(report, assignee, ct)))
            {
                report.Assign(null);
                db.Add(ReportEvent.Record(report, "unassigned", null, null, "conflict-or-role", null, now));
            }
            if (report.AssigneeId is null && await ChooseAsync(report, rules, managers, ct) is { } chosen)
            {
                report.Assign(chosen);
                db.Add(ReportEvent.Record(report, "assigned", null, null, "routing-rule", null, now));
            }
        }
        audit.Record(CaseAudit.Routed, CaseAudit.Target, detail: "rules-run");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Open cases assigned to someone who no longer holds an active case manager's account (deactivated, or the role
    /// taken away) go back to routing: the rules choose another case manager, or the case waits in the intake queue.
    /// A reporter's case never waits with nobody able to see it.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var managers = await conflicts.CaseManagersAsync(ct);
        var orphaned = await db.Set<ReportRecord>()
            .Where(r => r.Status != ReportStatus.Closed && r.ContentErasedAt == null && r.AssigneeId != null && !managers.Contains(r.AssigneeId.Value))
            .ToListAsync(ct);
        if (orphaned.Count == 0)
        {
            return 0;
        }
        var rules = await db.Set<RoutingRule>().OrderBy(r => r.Position).ThenBy(r => r.CreatedAt).ToListAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var report in orphaned)
        {
            report.Assign(null);
            db.Add(ReportEvent.Record(report, "unassigned", null, null, "not-a-case-manager", null, now));
            if (await ChooseAsync(report, rules, managers, ct) is { } chosen)
            {
                report.Assign(chosen);
                db.Add(ReportEvent.Record(report, "assigned", null, null, "routing-rule", null, now));
            }
            audit.Record(CaseAudit.Routed, CaseAudit.Target, report.Id, detail: "reason=assignee-not-a-case-manager");
        }
        await db.SaveChangesAsync(ct);
        return orphaned.Count;
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
            var eligible = new List<Guid>();
            foreach (var manager in managers)
            {
                if (await conflicts.MaySeeAsync(report, manager, ct))
                {
                    eligible.Add(manager);
                }
            }
            if (eligible.Count > 0)
            {
                var load = await db.Set<ReportRecord>()
                    .Where(r => r.Status != ReportStatus.Closed && r.AssigneeId != null && eligible.Contains(r.AssigneeId.Value))
                    .GroupBy(r => r.AssigneeId!.Value).Select(g => new { g.Key, Count = g.Count() })
                    .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
                return eligible.OrderBy(m => load.GetValueOrDefault(m)).ThenBy(m => m).First();
            }
        }
        return null;
    }
}
