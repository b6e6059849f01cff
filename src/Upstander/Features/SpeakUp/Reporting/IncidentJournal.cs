using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>One journal entry as its author sees it.</summary>
public sealed record JournalView(Guid Id, DateTimeOffset WrittenAt, DateTimeOffset? EditedAt, string Text);

/// <summary>The signed-in person's private incident journal: only they can list, read, change or delete their entries. Scoped.</summary>
public sealed class IncidentJournal(AppDbContext db, TimeProvider clock, AuditLog audit, FieldProtector protector, CurrentActor actor)
{
    private Guid Me => actor.PersonId ?? throw new InvalidOperationException("The journal is for signed-in people.");

    public async Task<IReadOnlyList<JournalView>> ListAsync(CancellationToken ct) =>
        [.. (await db.Set<JournalEntry>().Where(e => e.PersonId == Me).OrderByDescending(e => e.WrittenAt).ToListAsync(ct)).Select(Open)];

    /// <summary>One of the signed-in person's own entries; null for anyone else's (the page answers 404).</summary>
    public Task<JournalEntry?> OwnAsync(Guid id, CancellationToken ct) =>
        db.Set<JournalEntry>().SingleOrDefaultAsync(e => e.Id == id && e.PersonId == Me, ct);

    public JournalView Open(JournalEntry entry) =>
        new(entry.Id, entry.WrittenAt, entry.EditedAt, entry.TextSealed is null ? "" : protector.Open(entry.TextSealed, JournalEntry.TextPurpose, entry.Id));

    public async Task<JournalEntry> WriteAsync(string text, CancellationToken ct)
    {
        var entry = JournalEntry.Write(db.CurrentOrganisationId!.Value, Me, clock.GetUtcNow());
        entry.Seal(protector.Seal(text.Trim(), JournalEntry.TextPurpose, entry.Id));
        db.Add(entry);
        audit.RecordAsHiddenReporter(ReportingAudit.JournalWritten, ReportingAudit.TargetJournal, entry.Id);
        await db.SaveChangesAsync(ct);
        return entry;
    }

    public async Task EditAsync(JournalEntry entry, string text, CancellationToken ct)
    {
        entry.Edit(protector.Seal(text.Trim(), JournalEntry.TextPurpose, entry.Id), clock.GetUtcNow());
        audit.RecordAsHiddenReporter(ReportingAudit.JournalEdited, ReportingAudit.TargetJournal, entry.Id);
        await db.SaveChangesAsync(ct);
    }

    public async Task DeleteAsync(JournalEntry entry, CancellationToken ct)
    {
        db.Remove(entry);
        audit.RecordAsHiddenReporter(ReportingAudit.JournalDeleted, ReportingAudit.TargetJournal, entry.Id);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Checks an entry's text; null when it is fine, else the English message (localization key).</summary>
    public static string? Check(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "Write something for the entry."
        : text.Length > JournalEntry.TextMaxLength ? "The entry is longer than we can take. Please shorten it."
        : null;
}
