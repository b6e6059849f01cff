using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Queue;

/// <summary>
/// The coordinators' alert: how many requests the safety screen raised are still without a supporter who
/// accepted them (waiting or offered), on the coordinator's home page and programme page. Counts only.
/// </summary>
public sealed class UrgentRequestsNoticeViewComponent(CurrentActor actor, AppDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!actor.IsInRole(Roles.Coordinator))
        {
            return Content("");
        }
        var count = await db.Set<SupportRequestRecord>()
            .CountAsync(r => r.Priority != QueuePriority.Routine && (r.Status == RequestStatus.Waiting || r.Status == RequestStatus.Offered), HttpContext.RequestAborted);
        return count == 0 ? Content("") : View("/Features/PeerSupport/Queue/_UrgentRequestsNotice.cshtml", count);
    }
}
