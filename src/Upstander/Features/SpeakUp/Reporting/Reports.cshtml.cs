using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// The reports a signed-in person sent with their name. Everyone signed in; only their own. Someone with a leave date
/// is reminded that a receipt keeps an open report within reach after their account stops.
/// </summary>
public sealed class ReportsModel(ReporterFollowUp followUp, CurrentActor actor, AppDbContext db) : PageModel
{
    public IReadOnlyList<ReportRecord> Reports { get; private set; } = [];

    /// <summary>The person's leave date, when an open report of theirs has no receipt yet (else null: nothing to remind).</summary>
    public DateOnly? LeavingWithoutReceipt { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var me = actor.PersonId!.Value;
        Reports = await followUp.OwnAsync(me, ct);
        if (Reports.Any(r => r.IsOpen && !r.HasReceipt))
        {
            LeavingWithoutReceipt = await db.People.Where(p => p.Id == me).Select(p => p.LeaveDate).SingleOrDefaultAsync(ct);
        }
    }
}
