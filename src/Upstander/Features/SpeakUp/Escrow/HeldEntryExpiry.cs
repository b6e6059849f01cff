using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Retention;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// Retention for entries that were never released: one held longer than <see cref="EscrowOptions.HeldMonths"/> is deleted,
/// row and all, as a withdrawal deletes it. Its envelope opens with the reviewers' key the process holds, so keeping it
/// for ever would keep the account, the reporter's id and whom it names for ever, on the chance that others name the
/// same person some day; the escrow page says how long the wait lasts before anyone sends. Nobody is told: the server
/// does not know whose an entry is. A later entry about the same person waits for t distinct reporters among the entries
/// still kept. Runs in the release section, as a release and a withdrawal do, so an entry is never deleted while its
/// group is being judged. Scoped, inside an organisation.
/// </summary>
public sealed class HeldEntryExpiry(AppDbContext db, OrganisationScope scope, ExclusiveLocks locks, EscrowOptions options, TimeProvider clock, AuditLog audit)
{
    /// <summary>Deletes this organisation's held entries that arrived more than the held months ago; returns how many.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var organisation = scope.OrganisationId ?? throw new InvalidOperationException("Escrow works within an organisation.");
        var cutoff = clock.GetUtcNow().AddMonths(-options.HeldMonths);
        await using var section = await locks.EnterAsync(db, EscrowStore.ReleaseSection, organisation, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.Set<HeldEntry>().Where(e => e.ReleasedAt == null && e.MatchIndex != HeldEntry.NoIndex && e.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return 0;
        }
        audit.RecordAsSystem(EscrowAudit.Expired, "escrow-entry", null, detail: $"entries={deleted};held-months={options.HeldMonths}");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await RetentionStorage.ReclaimAsync(db, ct);
        return deleted;
    }
}
