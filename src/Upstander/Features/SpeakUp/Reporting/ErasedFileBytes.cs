using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Retention;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// Deletes the encrypted bytes of evidence files that retention erased and a process that stopped (between the erase's
/// commit and deleting them) left on disk, then their <see cref="ReportFileErasure"/> rows (a retention pass, hourly, in
/// every organisation). It deletes only files an erasure row names, a file already gone included: a file merely unknown
/// to the database is never touched, as it may be the evidence of a report that a database restored from an older backup
/// by mistake does not know yet (docs/operations.md). Two passes at once (several processes on PostgreSQL) delete the same
/// files and count each row once. Counts only are logged and audited, never a name. Scoped.
/// </summary>
public sealed class ErasedFileBytes(AppDbContext db, ReportFiles files, AuditLog audit)
{
    /// <summary>The retention pass's name.</summary>
    public const string PassName = "evidence bytes left after erasing";

    /// <summary>Deletes the bytes and erasure rows left in the current organisation; returns how many rows went.</summary>
    public async Task<int> RemoveAsync(CancellationToken ct)
    {
        var left = await db.Set<ReportFileErasure>().AsNoTracking().ToListAsync(ct);
        if (left.Count == 0)
        {
            return 0;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var removed = await files.DeleteErasedAsync(left, ct);
        if (removed > 0)
        {
            audit.Record(ReportingAudit.ErasedFileBytesRemoved, ReportFile.AuditTarget, detail: $"files={removed}");
            await db.SaveChangesAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return removed;
    }

    /// <summary>Runs the pass in every organisation, each in its own scope, acting as the system.</summary>
    public static Task<RetentionOutcome> RunEverywhereAsync(IServiceScopeFactory scopes, CancellationToken ct) =>
        EveryOrganisation.SumAsync(scopes, s => s.GetRequiredService<ErasedFileBytes>().RemoveAsync(ct), (a, b) => a + b, 0, ct)
            .DescribedAs(removed => new RetentionOutcome(removed > 0,
                $"Deleted the bytes of {removed} evidence files retention had erased and left on disk."));
}
