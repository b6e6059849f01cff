using Microsoft.EntityFrameworkCore;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;

namespace Upstander.Features.Cases;

/// <summary>One case in a list: never content; the reporter's name only when it is the case managers' to see.</summary>
public sealed record CaseRow(Guid Id, DateTimeOffset ReceivedAt, string Category, ReportStatus Status, ReportWay Way, string Who, bool NameShown,
    Deadline? Deadline, bool RetaliationFlagged, bool Mine, bool WaitsForAHolder, int NewMessages = 0)
{
    /// <summary>
    /// Whether the row waits in the intake queue when nobody holds the case: <see cref="ReportRecord.WaitsForAHolder"/>
    /// (open, or a retaliation "yes" since it closed), or a closed one whose reporter has written something unread.
    /// </summary>
    public bool Waiting => WaitsForAHolder || NewMessages > 0;
}

public sealed record CaseQueue(IReadOnlyList<CaseRow> Unassigned, IReadOnlyList<CaseRow> Mine);

public sealed record DeadlineCounts(int DueSoon, int Overdue);

/// <summary>One message of a case's thread; <see cref="New"/> for a reporter's message no case manager had opened the case to read before.</summary>
public sealed record CaseMessageView(int Number, DateTimeOffset SentAt, bool FromReporter, string? Author, string Body, bool New = false);

public sealed record CaseNoteView(DateTimeOffset WrittenAt, string? Author, string Body);

public sealed record CasePlanView(Guid Id, string Text, DateTimeOffset? DoneAt);

public sealed record CaseEventView(DateTimeOffset At, string Kind, ReportStatus? To, string? Reason, string? Actor);

/// <summary>Everything a non-conflicted case manager sees of one case (its reading is audited).</summary>
public sealed record CaseView(
    ReportRecord Report, string Who, bool NameShown, string? Assignee, bool Mine,
    IReadOnlyList<(string Key, string Text)> Account, IReadOnlyList<string> NamedPeople, IReadOnlyList<(string Key, string Text)> Involved,
    IReadOnlyList<CaseMessageView> Messages, IReadOnlyList<CaseNoteView> Notes, IReadOnlyList<string> Labels, IReadOnlyList<CasePlanView> Plan,
    CaseOutcome? Outcome, string? Actions, IReadOnlyList<CaseEventView> Events, RevealRequest? LatestReveal, IReadOnlyList<(Guid Id, string Name)> HandoverTo,
    bool ReporterCannotRead = false,
    bool ReporterReadsByReceipt = false,
    bool HandoverByUpstander = false,
    bool NoOtherCustodian = false);

/// <summary>
/// Case handling for case managers in the current organisation. Every query goes through <see cref="CaseConflicts"/>:
/// a conflicted case manager gets nothing (null, so the page answers 404), sees nothing in lists and counts nothing.
/// A case manager sees cases waiting unassigned and their own. Every change records a <see cref="ReportEvent"/> where it
/// matters and an audit event; reading a case's content records a protected read first. Scoped.
/// </summary>
public sealed class CaseWork(AppDbContext db, CaseConflicts conflicts, FieldProtector protector, AuditLog audit, TimeProvider clock, CaseNotices notices,
    ExclusiveLocks locks)
{
    public const string RevealNotice = "A custodian approved showing your name to the case managers handling your report, as the process allows. You can reply here if you have concerns.";

    private IQueryable<ReportRecord> Reports => db.Set<ReportRecord>();

    /// <summary>The cases <see cref="WorkableAsync"/> read in this scope, and for whom; forgotten when a case changes here.</summary>
    private (Guid Person, List<ReportRecord> Reports)? _workable;

    /// <summary>
    /// Cases this person may work: waiting unassigned or assigned to them, and not conflicted. Read once per scope (one
    /// request): the home page's deadline reminder and its case summary, or the intake queue and its reminder, share it.
    /// </summary>
    private async Task<List<ReportRecord>> WorkableAsync(Guid me, CancellationToken ct)
    {
        if (_workable is { } read && read.Person == me)
        {
            return read.Reports;
        }
        var reports = await conflicts.VisibleAsync(Reports.Where(r => r.AssigneeId == null || r.AssigneeId == me), me, ct);
        _workable = (me, reports);
        return reports;
    }

    /// <summary>
    /// The intake queue: open cases nobody has taken, and every case of this person's. A closed case nobody holds comes
    /// back into the queue while its reporter has written something no case manager has read, and once its reporter has
    /// said at a check-in after it closed that they are being treated worse, until someone takes it.
    /// </summary>
    public async Task<CaseQueue> QueueAsync(Guid me, CancellationToken ct)
    {
        var rows = await RowsAsync(await WorkableAsync(me, ct), me, ct);
        return new CaseQueue([.. rows.Where(r => !r.Mine && r.Waiting)], [.. rows.Where(r => r.Mine)]);
    }

    /// <summary>The counts of the home page's case section, as <see cref="QueueAsync"/> would give them: no names read, no rows made.</summary>
    public async Task<CaseSummary> SummaryAsync(Guid me, CancellationToken ct)
    {
        var workable = await WorkableAsync(me, ct);
        var open = workable.Where(r => r.Status != ReportStatus.Closed).ToList();
        var unread = await UnreadFromReportersAsync(workable, ct);
        return new CaseSummary(workable.Count(r => r.AssigneeId != me && r.WaitsForAHolder), open.Count(r => r.AssigneeId == me), unread.Count);
    }

    /// <summary>
    /// For each of <paramref name="reports"/> whose reporter has written messages no case manager has opened the case to
    /// read, how many (a reporter's message is read when a case manager who may work the case opens it).
    /// </summary>
    private async Task<Dictionary<Guid, int>> UnreadFromReportersAsync(List<ReportRecord> reports, CancellationToken ct)
    {
        if (reports.Count == 0)
        {
            return [];
        }
        var ids = reports.Select(r => r.Id).ToList();
        var counts = await db.Set<ReportMessage>()
            .Where(m => m.FromReporter && m.ReadAt == null && ids.Contains(m.ReportId))
            .GroupBy(m => m.ReportId)
            .Select(g => new { ReportId = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        return counts.ToDictionary(c => c.ReportId, c => c.Count);
    }

    public async Task<IReadOnlyList<CaseRow>> OverdueAsync(Guid me, CancellationToken ct) =>
        [.. (await RowsAsync(await WorkableAsync(me, ct), me, ct)).Where(r => r.Deadline?.State == DeadlineState.Overdue)];

    public async Task<DeadlineCounts> DeadlinesAsync(Guid me, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var deadlines = (await WorkableAsync(me, ct)).Select(r => CaseDeadlines.Next(r, now)?.State).ToList();
        return new DeadlineCounts(deadlines.Count(s => s == DeadlineState.DueSoon), deadlines.Count(s => s == DeadlineState.Overdue));
    }

    private async Task<List<CaseRow>> RowsAsync(List<ReportRecord> reports, Guid me, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var names = await NamesAsync(reports.Where(ShowsName).Select(r => r.ReporterId!.Value), ct);
        var unread = await UnreadFromReportersAsync(reports, ct);
        return [.. reports
            .Select(r => (Report: r, Deadline: CaseDeadlines.Next(r, now)))
            .OrderBy(x => x.Deadline is null ? 1 : 0).ThenBy(x => x.Deadline?.At).ThenBy(x => x.Report.ReceivedAt)
            .Select(x => new CaseRow(x.Report.Id, x.Report.ReceivedAt, x.Report.Category, x.Report.Status, x.Report.Way,
                Who(x.Report, names), ShowsName(x.Report), x.Deadline, x.Report.RetaliationFlaggedAt is not null, x.Report.AssigneeId == me,
                x.Report.WaitsForAHolder, unread.GetValueOrDefault(x.Report.Id)))];
    }

    private static bool ShowsName(ReportRecord r) => !r.IdentityHeld && r.ReporterId is not null;

    private static string Who(ReportRecord r, Dictionary<Guid, string> names) =>
        ShowsName(r) && names.TryGetValue(r.ReporterId!.Value, out var name) ? name : r.Pseudonym;

    /// <summary>A case this person may work; null for an unknown id, another organisation's, another's case, or a conflict (all 404).</summary>
    public async Task<ReportRecord?> FindAsync(Guid id, Guid me, CancellationToken ct)
    {
        var report = await Reports.SingleOrDefaultAsync(r => r.Id == id && (r.AssigneeId == null || r.AssigneeId == me), ct);
        return report is not null && await conflicts.MaySeeAsync(report, me, ct) ? report : null;
    }

    /// <summary>
    /// The case as <see cref="FindAsync"/> finds it, to open or change: a closed case is held against retention
    /// (<see cref="CaseRetention.HoldAsync"/>) until the hold is disposed, so that nothing is written to a case a pass is
    /// erasing, and a pass never erases what was just written (a note, a reopening, a message marked read). Null (404) when
    /// the case is not found, or was erased or taken by someone else while this waited. With <paramref name="toChange"/> (every
    /// form on the case's page) an open case is held as well and read again inside the hold, so that two changes at once go one
    /// after the other: of two case managers taking a waiting case at once, the later finds it taken (404), and a second
    /// move from the same status is checked against the status the first left.
    /// </summary>
    public async Task<CaseHold?> FindToWorkAsync(Guid id, Guid me, CancellationToken ct, bool toChange = false)
    {
        if (await FindAsync(id, me, ct) is not { } report || await CaseRetention.HoldAsync(db, locks, report, ct, toChange) is not { } hold)
        {
            return null;
        }
        if (report.AssigneeId is { } holder && holder != me)
        {
            await hold.DisposeAsync();
            return null;
        }
        return hold;
    }

    /// <summary>
    /// Opens the case's content for a case manager who may work it; records the protected read first. The reporter's
    /// messages nobody had read are marked read now, and shown as new this once; a retaliation flag the page shows that no
    /// case manager had opened the case to see is marked seen (<see cref="ReportRecord.RetaliationSeen"/>).
    /// </summary>
    public async Task<CaseView> OpenAsync(ReportRecord report, Guid me, CancellationToken ct)
    {
        await audit.RecordReadAsync(CaseAudit.Target, report.Id, ct);
        var named = conflicts.Named(report) ?? [];
        var messages = await db.Set<ReportMessage>().Where(m => m.ReportId == report.Id).OrderBy(m => m.Number).ToListAsync(ct);
        // The cases this person may work stay the same (the counts of unread messages are read apart from them).
        var unread = messages.Where(m => m.FromReporter && m.ReadAt is null).ToHashSet();
        if (unread.Count > 0 || report.RetaliationUnseen)
        {
            var now = clock.GetUtcNow();
            foreach (var message in unread)
            {
                message.MarkRead(now);
            }
            if (report.RetaliationUnseen)
            {
                report.RetaliationSeen();
            }
            await db.SaveChangesAsync(ct);
        }
        var notes = await db.Set<CaseNote>().Where(n => n.ReportId == report.Id).OrderBy(n => n.WrittenAt).ToListAsync(ct);
        var plan = await db.Set<CasePlanItem>().Where(i => i.ReportId == report.Id).OrderBy(i => i.Position).ToListAsync(ct);
        var labels = await db.Set<CaseLabel>().Where(l => l.ReportId == report.Id).OrderBy(l => l.Text).Select(l => l.Text).ToListAsync(ct);
        var outcome = await db.Set<CaseOutcome>().SingleOrDefaultAsync(o => o.ReportId == report.Id, ct);
        var events = await db.Set<ReportEvent>().Where(e => e.ReportId == report.Id).OrderBy(e => e.At).ToListAsync(ct);
        var reveal = await db.Set<RevealRequest>().Where(r => r.ReportId == report.Id).OrderByDescending(r => r.RequestedAt).FirstOrDefaultAsync(ct);
        // For a reporter whose name is held back the list would tell who is in their management line (the case managers
        // missing from it though unrelated to everyone named), so Upstander chooses instead (HandOverAsync) and names nobody.
        var byUpstander = HandoverChosenByUpstander(report);
        var handover = byUpstander ? [] : (await conflicts.EligibleAsync(report, ct)).Where(m => m != me).ToList();
        var names = await NamesAsync(named
            .Concat(messages.Where(m => m.AuthorId is not null).Select(m => m.AuthorId!.Value))
            .Concat(notes.Where(n => n.AuthorId is not null).Select(n => n.AuthorId!.Value))
            .Concat(events.Where(e => e.ActorId is not null).Select(e => e.ActorId!.Value))
            .Concat(handover)
            .Concat(report.AssigneeId is { } a ? [a] : [])
            .Concat(ShowsName(report) ? [report.ReporterId!.Value] : []), ct);
        string Open(string? value, string purpose, Guid id) => value is null ? "" : protector.Open(value, purpose, id);
        // A named reporter who has left (or was stopped) cannot sign in to read messages sent here. Said only where the
        // case manager already sees who the reporter is: for a held identity it would narrow the reporter down to leavers.
        // A receipt the reporter set up still opens the report, so the notice then says that messages do reach them.
        var reporterInactive = await ReporterKnownToHaveLeftAsync(report, ct);
        // Nobody decides their own request: with no other custodian, a request (waiting, or about to be made) waits until an
        // administrator names one. Said only when nobody else holds the role at all, never when others do but are
        // conflicted: that would tell the case manager whose line a held-back reporter is in.
        var asker = reveal is { Status: RevealStatus.Pending, RequestedBy: { } requestedBy } ? requestedBy : me;
        var noOtherCustodian = report.IdentityHeld && report.ReporterId is not null
            && !(await Accounts.AccountLifecycle.ActivePeopleInRoleAsync(db, Roles.Custodian, ct)).Any(c => c != asker);

        return new CaseView(report, Who(report, names), ShowsName(report), report.AssigneeId is { } assignee ? names.GetValueOrDefault(assignee) : null,
            report.AssigneeId == me,
            ReportContent.Fields(report.AccountSealed is null ? null : Open(report.AccountSealed, ReportRecord.AccountPurpose, report.Id)),
            [.. named.Select(n => names.GetValueOrDefault(n) ?? "?")],
            ReportContent.Fields(report.InvolvedSealed is null ? null : Open(report.InvolvedSealed, ReportRecord.InvolvedPurpose, report.Id), "named"),
            [.. messages.Select(m => new CaseMessageView(m.Number, m.SentAt, m.FromReporter,
                m.AuthorId is { } author ? names.GetValueOrDefault(author) : null, Open(m.BodySealed, ReportMessage.BodyPurpose, m.Id), unread.Contains(m)))],
            [.. notes.Select(n => new CaseNoteView(n.WrittenAt, n.AuthorId is { } author ? names.GetValueOrDefault(author) : null, Open(n.BodySealed, CaseNote.BodyPurpose, n.Id)))],
            labels,
            [.. plan.Select(i => new CasePlanView(i.Id, Open(i.TextSealed, CasePlanItem.TextPurpose, i.Id), i.DoneAt))],
            outcome, outcome?.ActionsSealed is { } actions ? Open(actions, CaseOutcome.ActionsPurpose, report.Id) : null,
            [.. events.Select(e => new CaseEventView(e.At, e.Kind, e.ToStatus, e.Reason, e.ActorId is { } actor ? names.GetValueOrDefault(actor) : null))],
            reveal,
            [.. handover.Select(h => (h, names.GetValueOrDefault(h) ?? "?")).OrderBy(h => h.Item2, StringComparer.CurrentCulture)],
            reporterInactive && !report.HasReceipt,
            reporterInactive && report.HasReceipt,
            byUpstander,
            noOtherCustodian);
    }

    /// <summary>
    /// Whether a handover of <paramref name="report"/> goes to the case manager Upstander chooses rather than one picked from
    /// a list: when its reporter is known to Upstander but their name is held back from case managers.
    /// </summary>
    public static bool HandoverChosenByUpstander(ReportRecord report) => report.ReporterId is not null && !ShowsName(report);

    /// <summary>
    /// Hands the case over: to <paramref name="to"/> when the case manager picked one from the list, or, for a reporter whose
    /// name is held back (<see cref="HandoverChosenByUpstander"/>), to the other case manager who may see it with the
    /// fewest open cases, whatever was posted. False, with nothing changed, when that one may not hold it or there is none.
    /// </summary>
    public async Task<bool> HandOverAsync(ReportRecord report, Guid? to, string reason, Guid me, CancellationToken ct)
    {
        if (HandoverChosenByUpstander(report))
        {
            to = await conflicts.LeastLoadedAsync([.. (await conflicts.EligibleAsync(report, ct)).Where(m => m != me)], ct);
        }
        return to is { } chosen && chosen != me && await AssignAsync(report, chosen, reason, me, ct);
    }

    /// <summary>
    /// Moves the case with a reason from the list, and with <paramref name="toReporter"/> (when given) sends the
    /// reporter a message in the same unit of work. The caller has checked <see cref="MustTellReporterAsync"/>.
    /// </summary>
    public async Task MoveAsync(ReportRecord report, ReportStatus to, string reason, Guid me, string? toReporter, CancellationToken ct)
    {
        if (!CaseReasons.Next(report.Status).Contains(to) || !CaseReasons.IsKnown(to, reason))
        {
            throw new ArgumentException("Not a status this case can move to, or not a reason for it.", nameof(reason));
        }
        var from = report.Status;
        var now = clock.GetUtcNow();
        _workable = null;
        report.MoveTo(to, now);
        TakeIfUnheld(report, me, now);
        db.Add(ReportEvent.Record(report, ReportEvent.StatusKind, from, to, reason, me, now));
        audit.Record(CaseAudit.StatusChanged, CaseAudit.Target, report.Id, detail: $"from={from};to={to};reason={reason}");
        if (!string.IsNullOrWhiteSpace(toReporter))
        {
            await SaveMessageAsync(report, toReporter, me, now, ct);
        }
        else
        {
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// Whether moving the case to <paramref name="to"/> must carry a message to the reporter: resolving or closing a
    /// case tells the reporter how it ended, unless a case manager has written to them since the case last changed
    /// status, or the reporter is known to have no way to read it (a named reporter, shown by name, who left without
    /// a receipt). For a held identity it is always asked, so the rule does not reveal who has left.
    /// </summary>
    public async Task<bool> MustTellReporterAsync(ReportRecord report, ReportStatus to, CancellationToken ct)
    {
        if (to is not (ReportStatus.Resolved or ReportStatus.Closed) || (!report.HasReceipt && await ReporterKnownToHaveLeftAsync(report, ct)))
        {
            return false;
        }
        var lastWritten = await db.Set<ReportMessage>()
            .Where(m => m.ReportId == report.Id && !m.FromReporter && m.AuthorId != null)
            .OrderByDescending(m => m.Number).Select(m => (DateTimeOffset?)m.SentAt).FirstOrDefaultAsync(ct);
        return lastWritten is not { } written || written < report.StatusChangedAt;
    }

    /// <summary>A message to the reporter from the case side; the first one counts as feedback (the 3-month deadline).</summary>
    public Task SendAsync(ReportRecord report, string body, Guid? me, CancellationToken ct) =>
        SaveMessageAsync(report, body, me, clock.GetUtcNow(), ct);

    private Task<ReportMessage> SaveMessageAsync(ReportRecord report, string body, Guid? me, DateTimeOffset now, CancellationToken ct) =>
        ReportThread.SaveNextAsync(db, protector, report, fromReporter: false, me, body, now, _ =>
        {
            if (me is { } author)
            {
                _workable = null;
                report.FeedbackGiven(now);
                TakeIfUnheld(report, author, now);
            }
            audit.Record(CaseAudit.MessageSent, CaseAudit.Target, report.Id);
        }, ct);

    /// <summary>A named reporter the case manager sees by name whose account is no longer active (never said for a held identity).</summary>
    private async Task<bool> ReporterKnownToHaveLeftAsync(ReportRecord report, CancellationToken ct) =>
        ShowsName(report) && !await db.Users.AnyAsync(a => a.PersonId == report.ReporterId && a.DeactivatedAt == null, ct);

    public async Task NoteAsync(ReportRecord report, string body, Guid me, CancellationToken ct)
    {
        var note = CaseNote.Write(report, me, clock.GetUtcNow());
        note.SealBody(protector.Seal(body.Trim(), CaseNote.BodyPurpose, note.Id));
        db.Add(note);
        audit.Record(CaseAudit.NoteWritten, CaseAudit.Target, report.Id);
        await db.SaveChangesAsync(ct);
    }

    public async Task LabelAsync(ReportRecord report, string label, bool add, CancellationToken ct)
    {
        var text = label.Trim();
        var existing = await db.Set<CaseLabel>().SingleOrDefaultAsync(l => l.ReportId == report.Id && l.Text == text, ct);
        if (add && existing is null)
        {
            db.Add(CaseLabel.Add(report, text, clock.GetUtcNow()));
        }
        else if (!add && existing is not null)
        {
            db.Remove(existing);
        }
        audit.Record(CaseAudit.LabelsChanged, CaseAudit.Target, report.Id, detail: add ? "added" : "removed");
        await db.SaveChangesAsync(ct);
    }

    public async Task AddPlanItemAsync(ReportRecord report, string text, Guid me, CancellationToken ct)
    {
        var position = (await db.Set<CasePlanItem>().Where(i => i.ReportId == report.Id).MaxAsync(i => (int?)i.Position, ct) ?? 0) + 1;
        var item = CasePlanItem.Add(report, position, me, clock.GetUtcNow());
        item.SealText(protector.Seal(text.Trim(), CasePlanItem.TextPurpose, item.Id));
        db.Add(item);
        audit.Record(CaseAudit.PlanChanged, CaseAudit.Target, report.Id, detail: "item-added");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Ticks a plan item off (or opens it again); false when the item is not this case's.</summary>
    public async Task<bool> TickAsync(ReportRecord report, Guid itemId, bool done, Guid me, CancellationToken ct)
    {
        if (await db.Set<CasePlanItem>().SingleOrDefaultAsync(i => i.Id == itemId && i.ReportId == report.Id, ct) is not { } item)
        {
            return false;
        }
        item.Tick(done, me, clock.GetUtcNow());
        audit.Record(CaseAudit.PlanChanged, CaseAudit.Target, report.Id, detail: done ? "item-done" : "item-reopened");
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task RecordOutcomeAsync(ReportRecord report, string outcome, string? actions, Guid me, CancellationToken ct)
    {
        var record = await db.Set<CaseOutcome>().SingleOrDefaultAsync(o => o.ReportId == report.Id, ct);
        if (record is null)
        {
            record = CaseOutcome.For(report);
            db.Add(record);
        }
        var now = clock.GetUtcNow();
        record.Record(outcome, string.IsNullOrWhiteSpace(actions) ? null : protector.Seal(actions.Trim(), CaseOutcome.ActionsPurpose, report.Id), me, now);
        db.Add(ReportEvent.Record(report, ReportEvent.OutcomeKind, null, null, outcome, me, now));
        audit.Record(CaseAudit.OutcomeRecorded, CaseAudit.Target, report.Id, detail: "outcome=" + outcome);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Takes an unassigned case (reason "taken") or hands it over to another non-conflicted case manager.</summary>
    public async Task<bool> AssignAsync(ReportRecord report, Guid to, string reason, Guid me, CancellationToken ct)
    {
        if (!(await conflicts.CaseManagersAsync(ct)).Contains(to) || !await conflicts.MaySeeAsync(report, to, ct))
        {
            return false;
        }
        Assign(report, to, report.AssigneeId is null && to == me ? "assigned" : "handed-over", reason, me, clock.GetUtcNow());
        if (to != me)
        {
            await notices.AssignedAsync(report, to, ct);
        }
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Acting on a case nobody holds (moving it, writing to the reporter) takes it, recorded as taking it from the queue:
    /// the same "assigned" event and audit event as <see cref="AssignAsync"/>. Adds to the caller's unit of work.
    /// </summary>
    private void TakeIfUnheld(ReportRecord report, Guid me, DateTimeOffset now)
    {
        if (report.AssigneeId is null)
        {
            Assign(report, me, "assigned", "taken", me, now);
        }
    }

    /// <summary>Gives the case to <paramref name="to"/> and records it (a <see cref="ReportEvent"/> of <paramref name="kind"/> and the audit event), unsaved.</summary>
    private void Assign(ReportRecord report, Guid to, string kind, string reason, Guid me, DateTimeOffset now)
    {
        _workable = null;
        report.Assign(to);
        db.Add(ReportEvent.Record(report, kind, null, null, reason, me, now));
        audit.Record(CaseAudit.Assigned, CaseAudit.Target, report.Id, detail: $"kind={kind};reason={reason}");
    }

    public async Task RequestRevealAsync(ReportRecord report, string reason, Guid me, CancellationToken ct)
    {
        db.Add(RevealRequest.Ask(report, me, reason, clock.GetUtcNow()));
        db.Add(ReportEvent.Record(report, "reveal-requested", null, null, reason, me, clock.GetUtcNow()));
        audit.Record(CaseAudit.RevealRequested, CaseAudit.Target, report.Id, detail: "reason=" + reason);
        await notices.RevealRequestedAsync(report, me, ct);
        await db.SaveChangesAsync(ct);
    }

    public Task<bool> RevealPendingAsync(ReportRecord report, CancellationToken ct) =>
        db.Set<RevealRequest>().AnyAsync(r => r.ReportId == report.Id && r.Status == RevealStatus.Pending, ct);

    private async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        return wanted.Count == 0 ? [] : await db.People.Where(p => wanted.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
    }
}

/// <summary>A pending reveal request as a custodian sees it: no report content at all.</summary>
public sealed record RevealRow(Guid Id, DateTimeOffset RequestedAt, string Reason, string Pseudonym, string? RequestedBy);

/// <summary>
/// The identity custodian's desk: pending reveal requests on reports the custodian is not conflicted on and did not ask
/// for themselves (a case manager may hold the custodian role too, and must not approve their own request), and the
/// decision. An approval reveals the name to case managers, records "identity-revealed", and tells the reporter in a
/// system message on the report. Scoped.
/// </summary>
public sealed class CustodianDesk(AppDbContext db, CaseConflicts conflicts, CaseWork work, AuditLog audit, TimeProvider clock, ExclusiveLocks locks)
{
    /// <summary>
    /// Pending requests on cases whose content is still there. Retention closes a case's pending request when it erases the
    /// case (<see cref="RevealStatus.Lapsed"/>); one left pending on an erased case (by a pass before that rule) is never
    /// listed, counted or decided either.
    /// </summary>
    private IQueryable<RevealRequest> Waiting() => db.Set<RevealRequest>()
        .Where(r => r.Status == RevealStatus.Pending && db.Set<ReportRecord>().Any(report => report.Id == r.ReportId && report.ContentErasedAt == null));

    public async Task<IReadOnlyList<RevealRow>> PendingAsync(Guid me, CancellationToken ct)
    {
        var pending = await Waiting().Where(r => r.RequestedBy != me).OrderBy(r => r.RequestedAt).ToListAsync(ct);
        var ids = pending.Select(p => p.ReportId).ToList();
        var visible = (await conflicts.VisibleAsync(db.Set<ReportRecord>().Where(r => ids.Contains(r.Id)), me, ct)).ToDictionary(r => r.Id);
        var askers = pending.Where(p => p.RequestedBy is not null).Select(p => p.RequestedBy!.Value).Distinct().ToList();
        var names = await db.People.Where(p => askers.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return [.. pending.Where(p => visible.ContainsKey(p.ReportId))
            .Select(p => new RevealRow(p.Id, p.RequestedAt, p.Reason, visible[p.ReportId].Pseudonym, p.RequestedBy is { } by ? names.GetValueOrDefault(by) : null))];
    }

    /// <summary>How long a pending request may wait before the administration page counts it whatever the reason.</summary>
    public static readonly TimeSpan LongWait = TimeSpan.FromDays(14);

    /// <summary>
    /// How many pending requests wait with nobody to decide them: nobody but the case manager who asked holds the custodian
    /// role, or the request has waited longer than <see cref="LongWait"/>. The administration page says so (a count, never
    /// which report), so that someone else is named custodian. Custodians who exist but are all too close to the people a
    /// request concerns are deliberately not counted as such: an administrator (who may also be the case manager who asked)
    /// would learn whose line a held-back reporter is close to. Such a request is counted once it has waited
    /// <see cref="LongWait"/>, which says no more than the audit log's undecided request. A request whose case retention
    /// erased is not counted.
    /// </summary>
    public async Task<int> UnattendedAsync(CancellationToken ct)
    {
        var pending = await Waiting().ToListAsync(ct);
        if (pending.Count == 0)
        {
            return 0;
        }
        var custodians = await Accounts.AccountLifecycle.ActivePeopleInRoleAsync(db, Roles.Custodian, ct);
        var longAgo = clock.GetUtcNow() - LongWait;
        return pending.Count(p => p.RequestedAt <= longAgo || custodians.All(c => c == p.RequestedBy));
    }

    /// <summary>
    /// A pending request this custodian may decide (not conflicted, not their own request); null otherwise (404). Its case,
    /// open or closed, is held (<see cref="CaseRetention.HoldAsync"/>) until the holder is disposed, and the request read
    /// again inside: null if a pass erased the case, or another decision (a second tab, another custodian) came first,
    /// while this waited. So a request is decided once: never approved and refused, the reporter never told twice.
    /// </summary>
    public async Task<(RevealRequest Request, CaseHold Case)?> FindAsync(Guid id, Guid me, CancellationToken ct)
    {
        var request = await Waiting().SingleOrDefaultAsync(r => r.Id == id && r.RequestedBy != me, ct);
        var report = request is null ? null : await db.Set<ReportRecord>().SingleOrDefaultAsync(r => r.Id == request.ReportId, ct);
        if (request is null || report is null || !await conflicts.MaySeeAsync(report, me, ct)
            || await CaseRetention.HoldAsync(db, locks, report, ct, toChange: true) is not { } hold)
        {
            return null;
        }
        await db.Entry(request).ReloadAsync(ct);
        if (request.Status != RevealStatus.Pending)
        {
            await hold.DisposeAsync();
            return null;
        }
        return (request, hold);
    }

    public async Task DecideAsync(RevealRequest request, ReportRecord report, bool approve, Guid me, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        request.Decide(approve, me, now);
        if (approve)
        {
            report.Reveal();
            db.Add(ReportEvent.Record(report, "identity-revealed", null, null, request.Reason, me, now));
            audit.Record(CaseAudit.RevealApproved, CaseAudit.Target, report.Id);
            await work.SendAsync(report, CaseWork.RevealNotice, null, ct);
            return;
        }
        db.Add(ReportEvent.Record(report, "reveal-refused", null, null, request.Reason, me, now));
        audit.Record(CaseAudit.RevealRefused, CaseAudit.Target, report.Id);
        await db.SaveChangesAsync(ct);
    }
}
