using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.SpeakUp.Reporting;

public static class ReportingAudit
{
    public const string Sent = "speak-up.report-sent";
    public const string DraftSaved = "speak-up.draft-saved";
    public const string DraftDiscarded = "speak-up.draft-discarded";
    public const string JournalWritten = "speak-up.journal-written";
    public const string JournalEdited = "speak-up.journal-edited";
    public const string JournalDeleted = "speak-up.journal-deleted";
    public const string ReporterMessage = "speak-up.reporter-message";
    public const string CheckIn = "speak-up.retaliation-check-in";
    public const string FollowUpOpened = "speak-up.follow-up-opened";
    public const string FollowUpRefused = "speak-up.follow-up-refused";
    public const string ReceiptIssued = "speak-up.receipt-issued";
    public const string ReceiptWithdrawn = "speak-up.receipt-withdrawn";
    public const string ErasedFileBytesRemoved = "speak-up.erased-file-bytes-removed";
    public const string TargetReport = "report";
    public const string TargetDraft = "report-draft";
    public const string TargetJournal = "journal-entry";

    /// <summary>
    /// Records what a report's author did about <paramref name="report"/>: with their account when the case side may
    /// know who they are, and without any actor while who they are is held back (anonymous, escrow, or a named report
    /// with the identity held), so that the audit log cannot reveal it.
    /// </summary>
    public static void RecordByReporter(this AuditLog audit, ReportRecord report, string action, string targetType, Guid targetId, string? detail = null)
    {
        if (report.IdentityHeld)
        {
            audit.RecordAsHiddenReporter(action, targetType, targetId, detail);
        }
        else
        {
            audit.Record(action, targetType, targetId, detail: detail);
        }
    }
}

/// <summary>
/// Makes the reports people send from the reporting form, named and anonymous (a released escrow report is made by
/// <see cref="Escrow.EscrowStore"/>, with the same sealed shapes, and routed report by report). Seals the account and the people involved, stores evidence files encrypted, copies the
/// chosen journal entries, removes the reporter's draft, and audits without content. Also keeps signed-in reporters'
/// private drafts. Scoped.
/// </summary>
public sealed class ReportSubmission(
    AppDbContext db, TimeProvider clock, AuditLog audit, FieldProtector protector, ReportFiles files, Receipts receipts, SupportRequests directory,
    Cases.CaseIntake intake)
{
    /// <summary>The content's problems, including ids that are not the organisation's (people, department) or not the reporter's own (journal).</summary>
    public async Task<List<(string Field, string Message)>> CheckAsync(ReportDraftContent content, Guid? reporterId, bool toSend, CancellationToken ct)
    {
        var problems = ReportRules.Check(content, toSend);
        if (content.Named.Count > 0 && (reporterId is null || content.Named.Contains(reporterId.Value)
            || (await directory.PeopleAsync([.. content.Named.Distinct()], ct)).Count != content.Named.Distinct().Count()))
        {
            problems.Add((nameof(content.Named), "Choose people from the directory search."));
        }
        if (content.DepartmentId is { } department && !await db.Departments.AnyAsync(d => d.Id == department, ct))
        {
            problems.Add((nameof(content.DepartmentId), "Choose a department from the list."));
        }
        if (content.JournalEntries.Count > 0)
        {
            var ids = content.JournalEntries.Distinct().ToList();
            var own = reporterId is null ? 0 : await db.Set<JournalEntry>().CountAsync(e => ids.Contains(e.Id) && e.PersonId == reporterId, ct);
            if (own != ids.Count)
            {
                problems.Add((nameof(content.JournalEntries), "Choose entries from your journal."));
            }
        }
        return problems;
    }

    /// <summary>
    /// Sends a named report (<paramref name="identityHeld"/>: case managers see a pseudonym), for <paramref name="reporterId"/> in the current organisation. The content must have passed <see cref="CheckAsync"/>.
    /// </summary>
    public async Task<ReportRecord> SubmitAsync(ReportDraftContent content, ReportWay way, Guid reporterId, bool identityHeld, IReadOnlyList<PreparedFile> evidence, CancellationToken ct)
    {
        if (way == ReportWay.Anonymous)
        {
            throw new ArgumentException("Anonymous reports are sent with SubmitAnonymousAsync.", nameof(way));
        }
        var report = ReportRecord.Receive(db.CurrentOrganisationId!.Value, way, reporterId, identityHeld, Pseudonyms.Next(),
            content.Category!, content.DepartmentId, Clean(content.Location), clock.GetUtcNow());
        await SaveAsync(report, content, reporterId, evidence, ct);
        return report;
    }

    /// <summary>Sends an anonymous report with the reporter's chosen passphrase; returns it with its receipt (16 digits, shown once, never stored).</summary>
    public async Task<(ReportRecord Report, string Receipt)> SubmitAnonymousAsync(ReportDraftContent content, string passphrase, IReadOnlyList<PreparedFile> evidence, CancellationToken ct)
    {
        if (content.Named.Count > 0 || content.JournalEntries.Count > 0)
        {
            throw new ArgumentException("An anonymous report names nobody from the directory and has no journal.", nameof(content));
        }
        var report = ReportRecord.Receive(db.CurrentOrganisationId!.Value, ReportWay.Anonymous, null, true, Pseudonyms.Next(),
            content.Category!, content.DepartmentId, Clean(content.Location), clock.GetUtcNow());
        var receipt = Receipts.New();
        report.SetReceipt(receipts.Lookup(receipt), receipts.HashPassphrase(passphrase));
        await SaveAsync(report, content, null, evidence, ct);
        return (report, receipt);
    }

    private async Task SaveAsync(ReportRecord report, ReportDraftContent content, Guid? reporterId, IReadOnlyList<PreparedFile> evidence, CancellationToken ct)
    {
        var journal = new List<AttachedJournalEntry>();
        if (reporterId is not null && content.JournalEntries.Count > 0)
        {
            var ids = content.JournalEntries.Distinct().ToList();
            foreach (var entry in await db.Set<JournalEntry>().Where(e => ids.Contains(e.Id) && e.PersonId == reporterId).OrderBy(e => e.WrittenAt).ToListAsync(ct))
            {
                journal.Add(new AttachedJournalEntry(entry.WrittenAt, entry.TextSealed is null ? "" : protector.Open(entry.TextSealed, JournalEntry.TextPurpose, entry.Id)));
            }
        }
        report.Seal(protector.Seal(content.AccountJson(journal), ReportRecord.AccountPurpose, report.Id),
            protector.Seal(content.InvolvedJson(), ReportRecord.InvolvedPurpose, report.Id));
        db.Add(report);
        db.Add(ReportEvent.Record(report, "received", null, ReportStatus.Received, null, null, report.ReceivedAt));
        if (reporterId is not null && await db.Set<ReportDraft>().SingleOrDefaultAsync(d => d.PersonId == reporterId, ct) is { } draft)
        {
            db.Remove(draft);
        }
        var written = files.Store(report, evidence);
        audit.RecordByReporter(report, ReportingAudit.Sent, ReportingAudit.TargetReport, report.Id,
            detail: $"way={report.Way};held={report.IdentityHeld};files={evidence.Count};journal={journal.Count}");
        // The report and its routing commit together. Stored without it, a failure in routing would show the reporter an
        // error for a report that was in fact sent, which they would then send again, and an anonymous reporter would never
        // see the receipt that is their only way back to it.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await db.SaveChangesAsync(ct);
            // Into case intake: routing rules apply, and conflicts of interest always win.
            await intake.RouteAsync(report, ct);
            await transaction.CommitAsync(ct);
        }
        catch
        {
            written.ForEach(File.Delete);
            throw;
        }
    }

    /// <summary>The signed-in reporter's draft, opened for them alone; null when they have none.</summary>
    public async Task<ReportDraftContent?> OwnDraftAsync(Guid personId, CancellationToken ct) =>
        await db.Set<ReportDraft>().SingleOrDefaultAsync(d => d.PersonId == personId, ct) is { ContentSealed: { } sealedContent } draft
            ? ReportDraftContent.FromJson(protector.Open(sealedContent, ReportDraft.ContentPurpose, draft.Id))
            : null;

    public async Task SaveDraftAsync(Guid personId, ReportDraftContent content, CancellationToken ct)
    {
        var draft = await db.Set<ReportDraft>().SingleOrDefaultAsync(d => d.PersonId == personId, ct);
        if (draft is null)
        {
            draft = ReportDraft.Start(db.CurrentOrganisationId!.Value, personId);
            db.Add(draft);
        }
        draft.Save(protector.Seal(content.ToJson(), ReportDraft.ContentPurpose, draft.Id), clock.GetUtcNow());
        audit.RecordAsHiddenReporter(ReportingAudit.DraftSaved, ReportingAudit.TargetDraft, draft.Id);
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> DiscardDraftAsync(Guid personId, CancellationToken ct)
    {
        if (await db.Set<ReportDraft>().SingleOrDefaultAsync(d => d.PersonId == personId, ct) is not { } draft)
        {
            return false;
        }
        db.Remove(draft);
        audit.RecordAsHiddenReporter(ReportingAudit.DraftDiscarded, ReportingAudit.TargetDraft, draft.Id);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The organisations' public report links (/report/{slug}): made from the name on first use, found by slug. Scoped.</summary>
public sealed partial class ReportLinks(AppDbContext db, TimeProvider clock)
{
    /// <summary>The current organisation's link slug, made (and saved) the first time it is asked for.</summary>
    public async Task<string> SlugAsync(CancellationToken ct)
    {
        var organisationId = db.CurrentOrganisationId!.Value;
        if (await db.Set<ReportLink>().SingleOrDefaultAsync(l => l.OrganisationId == organisationId, ct) is { } link)
        {
            return link.Slug;
        }
        var name = await Organisation.NameAsync(db, organisationId, ct);
        var stem = NotSlug().Replace(name.ToLowerInvariant(), "-").Trim('-');
        stem = stem.Length == 0 ? "organisation" : stem[..Math.Min(stem.Length, 60)].Trim('-');
        var slug = stem;
        for (var n = 2; await db.Set<ReportLink>().AnyAsync(l => l.Slug == slug, ct); n++)
        {
            slug = $"{stem}-{n}";
        }
        db.Add(new ReportLink(organisationId, slug, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        return slug;
    }

    /// <summary>The organisation behind a slug; null when there is none.</summary>
    public async Task<Guid?> FindAsync(string? slug, CancellationToken ct) =>
        slug is { Length: > 0 and <= ReportLink.SlugMaxLength }
            ? await db.Set<ReportLink>().Where(l => l.Slug == slug).Select(l => (Guid?)l.OrganisationId).SingleOrDefaultAsync(ct)
            : null;

    /// <summary>
    /// Finds the organisation behind a public link and makes the request act for it; null (the page answers 404) when
    /// there is none, or when a signed-in visitor's own organisation is another one.
    /// </summary>
    public async Task<(Guid Id, string Name)?> EnterAsync(string? slug, OrganisationScope scope, CancellationToken ct)
    {
        if (await FindAsync(slug, ct) is not { } organisationId || (scope.OrganisationId is { } current && current != organisationId))
        {
            return null;
        }
        scope.Enter(organisationId);
        return (organisationId, await Organisation.NameAsync(db, organisationId, ct));
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
