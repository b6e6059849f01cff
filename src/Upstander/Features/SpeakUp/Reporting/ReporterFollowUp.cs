using Microsoft.EntityFrameworkCore;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>A message as the reporter sees it.</summary>
public sealed record ReporterMessageView(int Number, DateTimeOffset SentAt, bool FromReporter, string Body);

/// <summary>Everything the reporter's follow-up page shows: where the case stands, what they wrote, messages, and a check-in when one is due.</summary>
public sealed record FollowUpView(
    ReportRecord Report, ReportAccount? Account, ReportInvolved? Involved, IReadOnlyList<FollowUpFile> Files,
    IReadOnlyList<ReporterMessageView> Messages, int? CheckInDay, IReadOnlyList<string> InvolvedNames);

/// <summary>A file the reporter added, by id and its original name.</summary>
public sealed record FollowUpFile(Guid Id, string Name);

/// <summary>
/// The reporter's side of a sent report, for a named reporter (by their person id) or an anonymous one (after the
/// receipt and passphrase): reading their own report and the case side's messages, replying, and answering retaliation
/// check-ins. The caller has established that the person is the report's author. Scoped.
/// </summary>
public sealed class ReporterFollowUp(AppDbContext db, TimeProvider clock, AuditLog audit, FieldProtector protector, ReportFiles files, Receipts receipts,
    Cases.CaseNotices notices, Cases.CaseIntake intake, ExclusiveLocks locks)
{
    /// <summary>The reports a signed-in person sent with their name (or that were released from escrow), newest first.</summary>
    public Task<List<ReportRecord>> OwnAsync(Guid personId, CancellationToken ct) =>
        db.Set<ReportRecord>().Where(r => r.ReporterId == personId).OrderByDescending(r => r.ReceivedAt).ToListAsync(ct);

    public Task<ReportRecord?> OwnAsync(Guid personId, Guid id, CancellationToken ct) =>
        db.Set<ReportRecord>().SingleOrDefaultAsync(r => r.Id == id && r.ReporterId == personId, ct);

    /// <summary>
    /// A report of the current organisation that a follow-up session opened, by id and the receipt's keyed hash; null
    /// once that receipt no longer opens it (its named reporter withdrew or replaced it, or retention erased it), which
    /// ends the session.
    /// </summary>
    public Task<ReportRecord?> ByFollowUpSessionAsync(Guid id, string receiptLookup, CancellationToken ct) =>
        db.Set<ReportRecord>().SingleOrDefaultAsync(r => r.Id == id && r.ReceiptLookup == receiptLookup && r.PassphraseHash != null, ct);

    /// <summary>
    /// The report a receipt and passphrase open (anonymous, or named with a receipt its reporter set up), or null;
    /// always costs one passphrase derivation.
    /// </summary>
    public async Task<ReportRecord?> ByReceiptAsync(string receipt, string passphrase, CancellationToken ct)
    {
        var lookup = receipts.Lookup(receipt);
        var report = await db.Set<ReportRecord>().SingleOrDefaultAsync(r => r.ReceiptLookup == lookup, ct);
        var ok = receipts.VerifyPassphrase(passphrase, report?.PassphraseHash);
        return ok ? report : null;
    }

    /// <summary>
    /// Gives a named reporter a receipt for their own report, with the passphrase they chose, so that they can follow it
    /// without their account (after leaving, or when they cannot sign in). A new receipt replaces the one before, and
    /// follow-up sessions the old one opened end. Returns the receipt's 16 digits, which are shown once and not kept.
    /// </summary>
    public async Task<string> IssueReceiptAsync(ReportRecord report, string passphrase, CancellationToken ct)
    {
        if (report.Way == ReportWay.Anonymous)
        {
            throw new InvalidOperationException("An anonymous report's receipt is given when it is sent.");
        }
        var receipt = Receipts.New();
        var replaced = report.HasReceipt;
        report.SetReceipt(receipts.Lookup(receipt), receipts.HashPassphrase(passphrase));
        audit.RecordByReporter(report, ReportingAudit.ReceiptIssued, ReportingAudit.TargetReport, report.Id, detail: replaced ? "replaced" : null);
        await db.SaveChangesAsync(ct);
        return receipt;
    }

    /// <summary>Withdraws a named reporter's receipt: only their account opens the report again.</summary>
    public async Task WithdrawReceiptAsync(ReportRecord report, CancellationToken ct)
    {
        report.WithdrawReceipt();
        audit.RecordByReporter(report, ReportingAudit.ReceiptWithdrawn, ReportingAudit.TargetReport, report.Id);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Everything the follow-up page shows. Each showing that opens anything sealed (what they wrote, the messages, the
    /// files' names) is an audited read of the report, saved before anything is opened: by the reporter, held back when
    /// their identity is, as a conversation's reads are by its participants.
    /// </summary>
    public Task<FollowUpView> ViewAsync(ReportRecord report, CancellationToken ct) => ReadAsync(report, null, ct);

    /// <summary>Everything the page shows, for the reporter's own copy; audited as a read of the report with detail <c>copy</c>.</summary>
    public Task<FollowUpView> CopyAsync(ReportRecord report, CancellationToken ct) => ReadAsync(report, "copy", ct);

    private async Task<FollowUpView> ReadAsync(ReportRecord report, string? detail, CancellationToken ct)
    {
        var messages = await db.Set<ReportMessage>().Where(m => m.ReportId == report.Id).OrderBy(m => m.Number).ToListAsync(ct);
        var fileRows = await files.ListAsync(report.Id, ct);
        var now = clock.GetUtcNow();
        foreach (var message in messages.Where(m => !m.FromReporter && m.ReadAt is null))
        {
            message.MarkRead(now);
        }
        if (detail is not null || report.AccountSealed is not null || report.InvolvedSealed is not null
            || messages.Any(m => m.BodySealed is not null) || fileRows.Any(f => f.NameSealed is not null))
        {
            audit.RecordByReporter(report, AuditActions.ProtectedRead, ReportingAudit.TargetReport, report.Id, detail: detail);
        }
        await db.SaveChangesAsync(ct);
        var account = report.AccountSealed is null ? null : ReportDraftContent.ReadAccount(protector.Open(report.AccountSealed, ReportRecord.AccountPurpose, report.Id));
        var involved = report.InvolvedSealed is null ? null : ReportDraftContent.ReadInvolved(protector.Open(report.InvolvedSealed, ReportRecord.InvolvedPurpose, report.Id));
        var names = involved is { Named.Count: > 0 }
            ? await db.People.Where(p => involved.Named.Contains(p.Id)).OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(ct)
            : [];
        return new FollowUpView(report, account, involved, [.. files.Named(fileRows).Select(f => new FollowUpFile(f.Row.Id, f.Name))],
            [.. messages.Select(m => new ReporterMessageView(m.Number, m.SentAt, m.FromReporter, m.BodySealed is null ? "" : protector.Open(m.BodySealed, ReportMessage.BodyPurpose, m.Id)))],
            await DueCheckInAsync(report, ct), names);
    }

    /// <summary>
    /// One of the files the reporter added to <paramref name="report"/>, decrypted for them to download again; null
    /// when the file is not one of this report's. The read is audited as any read of evidence is.
    /// </summary>
    public async Task<OpenedFile?> OpenFileAsync(ReportRecord report, Guid fileId, CancellationToken ct)
    {
        if (await files.OpenAsync(report.Id, fileId, ct) is not { } opened)
        {
            return null;
        }
        audit.RecordByReporter(report, AuditActions.ProtectedRead, ReportFile.AuditTarget, fileId);
        await audit.SaveAsync(ct);
        return opened;
    }

    /// <summary>
    /// Adds the reporter's message to the thread and returns true; never to a case retention erased
    /// (<see cref="ReportRecord.ContentErased"/>): false, and nothing is stored, when the case is erased by the time it is
    /// saved (<see cref="Cases.CaseRetention.HoldAsync"/>). A case held by someone who may no longer hold it (no longer an active case
    /// manager, or conflicted since) is let go of first, in the same save, after holding the case as a case manager's
    /// change does and reading it again (a case let go of and taken by a case manager meanwhile stays theirs), so that it waits in the queue of every case
    /// manager who may see it (<see cref="Cases.CaseIntake.LetGoIfUnheldAsync"/>). When no earlier message of theirs waits
    /// unread, or the case was just let go of, the case side is told by email in the same save
    /// (<see cref="Cases.CaseNotices.ReporterWroteAsync"/>), whether the case is open or closed.
    /// </summary>
    public async Task<bool> ReplyAsync(ReportRecord report, string body, CancellationToken ct)
    {
        var unheld = await intake.UnheldAsync(report, ct);
        await using var hold = await Cases.CaseRetention.HoldAsync(db, locks, report, ct, toChange: unheld);
        if (hold is null)
        {
            return false;
        }
        var letGo = unheld && await intake.LetGoIfUnheldAsync(report, ct);
        if (letGo || !await db.Set<ReportMessage>().AnyAsync(m => m.ReportId == report.Id && m.FromReporter && m.ReadAt == null, ct))
        {
            await notices.ReporterWroteAsync(report, ct);
        }
        await ReportThread.SaveNextAsync(db, protector, report, fromReporter: true, authorId: null, body, clock.GetUtcNow(), message =>
            audit.RecordByReporter(report, ReportingAudit.ReporterMessage, ReportingAudit.TargetReport, report.Id, detail: $"number={message.Number}"), ct);
        return true;
    }

    /// <summary>The check-in day (30, 90, 180) waiting for an answer, if any (<see cref="RetaliationCheckIn.Due"/>); none once the case is <see cref="ReportRecord.ContentErased"/>.</summary>
    public async Task<int?> DueCheckInAsync(ReportRecord report, CancellationToken ct)
    {
        if (report.ContentErased)
        {
            return null;
        }
        var answered = await db.Set<RetaliationCheckIn>().Where(c => c.ReportId == report.Id).MaxAsync(c => (int?)c.Day, ct);
        return RetaliationCheckIn.Due(report.ReceivedAt, report.IsOpen, report.ClosedAt, answered, clock.GetUtcNow());
    }

    /// <summary>
    /// Records the answer to the due check-in; a yes flags the case, records a "retaliation-flagged" event and tells the
    /// case side by email (<see cref="Cases.CaseNotices.RetaliationReportedAsync"/>), after letting go of a case its holder
    /// may no longer hold, as a message does (<see cref="ReplyAsync"/>).
    /// <see cref="CheckInOutcome.Finished"/>, with nothing stored, when retention has erased the case (read again inside
    /// its section for a closed case, or for a yes that may let go of it, as a message is), <see cref="CheckInOutcome.Invalid"/> when none is due or the answer
    /// is not one of the three, and
    /// <see cref="CheckInOutcome.AlreadyAnswered"/> when the same check-in was answered at the same moment (another tab,
    /// a second click): the unique (report, day) index keeps the first answer, and nothing of this one is stored.
    /// </summary>
    public async Task<CheckInOutcome> AnswerCheckInAsync(ReportRecord report, int day, string? answer, CancellationToken ct)
    {
        if (answer is null || !RetaliationCheckIn.Answers.Contains(answer))
        {
            return CheckInOutcome.Invalid;
        }
        var unheld = answer == RetaliationCheckIn.Yes && await intake.UnheldAsync(report, ct);
        await using var hold = await Cases.CaseRetention.HoldAsync(db, locks, report, ct, toChange: unheld);
        if (hold is null)
        {
            return CheckInOutcome.Finished;
        }
        if (await DueCheckInAsync(report, ct) != day)
        {
            return await AnsweredAsync(report, day, ct) ? CheckInOutcome.AlreadyAnswered : CheckInOutcome.Invalid;
        }
        var mark = ChangeMark.Take(db);
        var now = clock.GetUtcNow();
        db.Add(RetaliationCheckIn.Answer(report, day, answer, now));
        if (answer == RetaliationCheckIn.Yes)
        {
            if (unheld)
            {
                await intake.LetGoIfUnheldAsync(report, ct);
            }
            report.FlagRetaliation(now);
            db.Add(ReportEvent.Record(report, "retaliation-flagged", null, null, "check-in-" + day.ToString(System.Globalization.CultureInfo.InvariantCulture), null, now));
            await notices.RetaliationReportedAsync(report, ct);
        }
        audit.RecordByReporter(report, ReportingAudit.CheckIn, ReportingAudit.TargetReport, report.Id, detail: $"day={day}");
        try
        {
            await db.SaveChangesAsync(ct);
            return CheckInOutcome.Recorded;
        }
        catch (DbUpdateException)
        {
            await mark.UndoAsync(ct);
            if (await AnsweredAsync(report, day, ct))
            {
                return CheckInOutcome.AlreadyAnswered;
            }
            throw;
        }
    }

    private Task<bool> AnsweredAsync(ReportRecord report, int day, CancellationToken ct) =>
        db.Set<RetaliationCheckIn>().AnyAsync(c => c.ReportId == report.Id && c.Day == day, ct);
}

public enum CheckInOutcome
{
    Recorded,
    Invalid,
    AlreadyAnswered,

    /// <summary>Retention has erased the case: nothing more is answered on it.</summary>
    Finished,
}
