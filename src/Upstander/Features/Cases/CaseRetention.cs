using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Retention;

namespace Upstander.Features.Cases;

/// <summary>Speak-up settings (section "SpeakUp").</summary>
public sealed class SpeakUpOptions
{
    /// <summary>How long after closing a case's content is kept.</summary>
    public int RetentionDays { get; set; } = 365;

    /// <summary>How often the background job looks for content past its retention time.</summary>
    public int RetentionIntervalMinutes { get; set; } = 60;
}

/// <summary>
/// Removes content that belongs to a report but lives outside the case tables (evidence files, the escrow entry a
/// released report was made from; journal entries sent with a report are copied into its account). The reporting and
/// escrow sides register their implementations; retention calls every registered one with the reports it erases, inside
/// the transaction of its erase: what they change in the database is saved and committed with the pass's own changes, all
/// or nothing. What lives outside the database (a file's encrypted bytes) is removed in <see cref="CommittedAsync"/>, once
/// the erase is committed, so that a pass that fails midway leaves every case whole.
/// </summary>
public interface IReportContentEraser
{
    /// <summary>Removes the content of these reports from the database (unsaved); returns how many files went (other content is not counted).</summary>
    Task<int> EraseAsync(IReadOnlyList<Guid> reportIds, CancellationToken ct);

    /// <summary>
    /// Called once the erase <see cref="EraseAsync"/> took part in is committed: removes what it left outside the database
    /// (and may save a little of its own). Never fails the pass: what it cannot do now is left for later.
    /// </summary>
    Task CommittedAsync(CancellationToken ct) => Task.CompletedTask;
}

/// <summary>A case being worked on, and the retention section held for it while it is closed (<see cref="CaseRetention.HoldAsync"/>).</summary>
public sealed class CaseHold(ReportRecord report, IAsyncDisposable? section) : IAsyncDisposable
{
    public ReportRecord Report => report;

    public ValueTask DisposeAsync() => section?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>What one report retention pass removed (counts only).</summary>
public sealed record ReportRetentionCounts(int Reports, int Messages, int Notes, int PlanItems, int Labels, int Actions, int Files)
{
    public static ReportRetentionCounts None { get; } = new(0, 0, 0, 0, 0, 0, 0);

    public ReportRetentionCounts Add(ReportRetentionCounts o) =>
        new(Reports + o.Reports, Messages + o.Messages, Notes + o.Notes, PlanItems + o.PlanItems, Labels + o.Labels, Actions + o.Actions, Files + o.Files);

    public override string ToString() =>
        $"reports={Reports};messages={Messages};notes={Notes};plan-items={PlanItems};labels={Labels};actions={Actions};files={Files}";
}

/// <summary>
/// Removes a closed case's content <see cref="SpeakUpOptions.RetentionDays"/> after it closed: the account and
/// involved people, messages, internal notes, the plan's items, labels, the actions taken, and (through each
/// <see cref="IReportContentEraser"/>) evidence files and what a released escrow report's entry still held. A request to
/// reveal the reporter still pending then lapses with it (<see cref="RevealStatus.Lapsed"/>, audited without content).
/// Dates, category, status and the outcome key stay for aggregate insight. A reopened case has no close date, so it stays
/// until it closes again and that date passes. A closed case past that time is still kept while its reporter waits for
/// the case side: while a message from the reporter is unread (no case manager who may work the case has opened it
/// since), and while a retaliation "yes" given after it closed has not reached the case side: while it waits in the intake
/// queue with nobody holding the case, and until a case manager who may work the case has opened it since the yes (its
/// page shows the flag first, <see cref="ReportRecord.RetaliationFlagSeen"/>), as its holder, told by email, would to act
/// on it (reopening the case, or writing to the reporter). The first pass after the message is read, or the case is
/// held and has been opened since the yes (a reopened case is not closed, and a later close comes after the yes), removes
/// it. That wait lasts only while some case manager may see the case (<see cref="CaseConflicts.EligibleAsync(ReportRecord, CancellationToken)"/>): with everyone
/// conflicted nobody could ever read it.
/// A pass holds the organisation's <see cref="Section"/> from reading which cases are due until their erase is
/// committed, and erases them in one transaction; the reporter's writes to a closed case hold the same section and read
/// the case again inside it (<see cref="SpeakUp.Reporting.ReporterFollowUp"/>). So a message or check-in answer either lands
/// before the pass decides (and keeps the case while it waits) or finds the case erased and is refused: never deleted
/// unread, never stored on an erased case. Scoped.
/// </summary>
public sealed class CaseRetention(AppDbContext db, TimeProvider clock, AuditLog audit, IOptions<SpeakUpOptions> options, IEnumerable<IReportContentEraser> erasers,
    CaseConflicts conflicts, ExclusiveLocks locks)
{
    /// <summary>
    /// The per-organisation section a pass holds while it decides and erases, and that a reporter's message or check-in
    /// answer to a closed case holds while it reads the case again and saves.
    /// </summary>
    public const string Section = "speak-up.case-retention";

    /// <summary>
    /// For work on a case (a reporter's message or check-in answer, a case manager's note, reopening, opening its page, a
    /// custodian's decision): for a closed case, enters <see cref="Section"/> and reads the case again inside it, so that
    /// what the caller then checks and saves is ordered with a retention pass: saved before the pass decides (which then
    /// sees it), or refused after the pass has erased the case. Null, with the section left, when the case is erased
    /// (<see cref="ReportRecord.ContentErased"/>) by then. A case this request read as open takes no section, at no cost:
    /// an open case is never erased, and one closed since cannot be due for at least a day
    /// (<see cref="SpeakUpOptions.RetentionDays"/>). With <paramref name="toChange"/> (a case manager's change, a custodian's
    /// decision, a reporter's message or check-in answer that lets go of the case, routing or letting go of it by
    /// <see cref="CaseIntake"/>) an open case is held too: two such changes at once are then ordered, and the later checks what the earlier
    /// left (a case taken meanwhile, a status already moved, a request already decided) rather than what it read before.
    /// Disposing the hold ends the section.
    /// </summary>
    public static async Task<CaseHold?> HoldAsync(AppDbContext db, ExclusiveLocks locks, ReportRecord report, CancellationToken ct, bool toChange = false)
    {
        if (report.IsOpen && !toChange)
        {
            return report.ContentErased ? null : new CaseHold(report, null);
        }
        var section = await locks.EnterAsync(db, Section, report.OrganisationId, ct);
        try
        {
            await db.Entry(report).ReloadAsync(ct);
        }
        catch
        {
            await section.DisposeAsync();
            throw;
        }
        if (report.ContentErased)
        {
            await section.DisposeAsync();
            return null;
        }
        return new CaseHold(report, section);
    }

    public async Task<ReportRetentionCounts> RunAsync(CancellationToken ct)
    {
        ReportRetentionCounts counts;
        await using (await locks.EnterAsync(db, Section, db.CurrentOrganisationId!.Value, ct))
        {
            counts = await EraseDueAsync(ct);
        }
        if (counts.Reports > 0)
        {
            foreach (var eraser in erasers)
            {
                await eraser.CommittedAsync(ct);
            }
            await RetentionStorage.ReclaimAsync(db, ct);
        }
        return counts;
    }

    private async Task<ReportRetentionCounts> EraseDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-options.Value.RetentionDays);
        var closed = await db.Set<ReportRecord>()
            .Where(r => r.ContentErasedAt == null && r.Status == ReportStatus.Closed && r.ClosedAt <= cutoff)
            .Select(r => new
            {
                Report = r,
                Waits = db.Set<ReportMessage>().Any(m => m.ReportId == r.Id && m.FromReporter && m.ReadAt == null)
                    || (r.RetaliationFlaggedAt > r.ClosedAt
                        && (r.AssigneeId == null || r.RetaliationFlagSeen == null || r.RetaliationFlagSeen < r.RetaliationFlaggedAt)),
            })
            .ToListAsync(ct);
        var due = new List<ReportRecord>();
        foreach (var candidate in closed)
        {
            // What waits for the case side keeps the case only while a case manager may read it: otherwise nobody ever
            // would, and nothing would ever remove it.
            if (!candidate.Waits || (await conflicts.EligibleAsync(candidate.Report, ct)).Count == 0)
            {
                due.Add(candidate.Report);
            }
        }
        if (due.Count == 0)
        {
            return ReportRetentionCounts.None;
        }
        var ids = due.Select(r => r.Id).ToList();
        // All or nothing: a pass that fails midway (the process stops, the database refuses) leaves every case whole.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var files = 0;
        foreach (var eraser in erasers)
        {
            files += await eraser.EraseAsync(ids, ct);
        }
        var messages = await db.Set<ReportMessage>().Where(m => ids.Contains(m.ReportId)).ExecuteDeleteAsync(ct);
        var notes = await db.Set<CaseNote>().Where(n => ids.Contains(n.ReportId)).ExecuteDeleteAsync(ct);
        var items = await db.Set<CasePlanItem>().Where(i => ids.Contains(i.ReportId)).ExecuteDeleteAsync(ct);
        var labels = await db.Set<CaseLabel>().Where(l => ids.Contains(l.ReportId)).ExecuteDeleteAsync(ct);
        var actions = 0;
        foreach (var outcome in await db.Set<CaseOutcome>().Where(o => ids.Contains(o.ReportId) && o.ActionsSealed != null).ToListAsync(ct))
        {
            outcome.EraseActions();
            actions++;
        }
        // A request to reveal the reporter of a case that no longer exists for anyone closes with it, undecided.
        foreach (var request in await db.Set<RevealRequest>().Where(r => ids.Contains(r.ReportId) && r.Status == RevealStatus.Pending).ToListAsync(ct))
        {
            request.Lapse(now);
            audit.Record(CaseAudit.RevealLapsed, CaseAudit.Target, request.ReportId);
        }
        foreach (var report in due)
        {
            report.EraseContent(now);
        }
        var counts = new ReportRetentionCounts(due.Count, messages, notes, items, labels, actions, files);
        audit.Record(CaseAudit.RetentionRun, CaseAudit.Target, detail: counts.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return counts;
    }

    /// <summary>Runs retention for every organisation, each in its own scope, acting as the system.</summary>
    public static Task<OrganisationsSum<ReportRetentionCounts>> RunEverywhereAsync(IServiceScopeFactory scopes, CancellationToken ct) =>
        EveryOrganisation.SumAsync(scopes, s => s.GetRequiredService<CaseRetention>().RunAsync(ct), (a, b) => a.Add(b), ReportRetentionCounts.None, ct);

    /// <summary>What the <c>retention run</c> verb prints and the job logs for reports (counts only).</summary>
    public static RetentionOutcome Outcome(ReportRetentionCounts c) => new(c.Reports > 0,
        $"Retention removed the content of {c.Reports} closed reports: {c.Messages} messages, {c.Notes} notes, {c.PlanItems} plan items, {c.Labels} labels, {c.Actions} actions, {c.Files} files.");
}

public static class CaseServices
{
    public static IServiceCollection AddCases(this IServiceCollection services)
    {
        services.AddOptions<SpeakUpOptions>()
            .BindConfiguration("SpeakUp")
            .Validate(o => o.RetentionDays >= 1 && o.RetentionIntervalMinutes >= 1, "SpeakUp:RetentionDays and RetentionIntervalMinutes must be 1 or more.")
            .ValidateOnStart();
        services.AddScoped<CaseConflicts>();
        services.AddScoped<CaseIntake>();
        services.AddScoped<Accounts.IHandOverSweep>(provider => provider.GetRequiredService<CaseIntake>());
        services.AddScoped<CaseWork>();
        services.AddScoped<CaseNotices>();
        services.AddScoped<CustodianDesk>();
        services.AddScoped<SpeakUpInsights>();
        services.AddScoped<CaseRetention>();
        services.AddRetentionPass("closed reports",
            provider => TimeSpan.FromMinutes(provider.GetRequiredService<IOptions<SpeakUpOptions>>().Value.RetentionIntervalMinutes),
            (scopes, ct) => CaseRetention.RunEverywhereAsync(scopes, ct).DescribedAs(CaseRetention.Outcome));
        return services;
    }
}
