using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// Retention for escrow: when a released report's content is erased, the entry it was made from is erased too
/// (<see cref="HeldEntry.Erase"/>): otherwise its envelope, which the in-process reviewers' key opens, would keep the
/// account, the reporter's id and the named person after the report itself forgot them. Its changes are saved with
/// the retention run's. Counts nothing: the number it returns is the files' (<see cref="Cases.IReportContentEraser"/>).
/// </summary>
public sealed class EscrowEntriesEraser(AppDbContext db) : Cases.IReportContentEraser
{
    public async Task<int> EraseAsync(IReadOnlyList<Guid> reportIds, CancellationToken ct)
    {
        var ids = reportIds.ToList();
        foreach (var entry in await db.Set<HeldEntry>().Where(e => e.ReportId != null && ids.Contains(e.ReportId.Value)).ToListAsync(ct))
        {
            entry.Erase();
        }
        return 0;
    }
}
