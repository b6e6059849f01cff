using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Queue;

/// <summary>What the coordinators' alert counts: raised requests without a supporter, and safety concerns nobody has followed up.</summary>
public sealed record UrgentCounts(int Waiting, int Concerns);

/// <summary>
/// The coordinators' alert: how many requests the safety screen raised are still without a supporter who
/// accepted them (waiting or offered), and how many safety concerns raised in conversations nobody has followed
/// up yet, on the coordinator's home page and programme page. Counts only.
/// </summary>
public sealed class UrgentRequestsNoticeViewComponent(CurrentActor actor, AppDbContext db, SafetyConcerns safetyConcerns) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!actor.IsInRole(Roles.Coordinator))
        {
            return Content("");
        }
        var waiting = await db.Set<SupportRequestRecord>()
            .CountAsync(r => r.Priority != QueuePriority.Routine && (r.Status == RequestStatus.Waiting || r.Status == RequestStatus.Offered), HttpContext.RequestAborted);
        var concerns = await safetyConcerns.OpenCountAsync(HttpContext.RequestAborted);
        return waiting == 0 && concerns == 0 ? Content("") : View("/Features/PeerSupport/Queue/_UrgentRequestsNotice.cshtml", new UrgentCounts(waiting, concerns));
    }
}

/// <summary>
/// Where the support queue stands now, for a coordinator's home page, and the supporters' debrief requests nobody has
/// arranged yet (<paramref name="Debriefs"/>; <paramref name="DebriefsToday"/> of them asked for today).
/// </summary>
public sealed record ProgrammeSummary(int Waiting, int Offered, int Active, int Debriefs, int DebriefsToday);

/// <summary>
/// "The programme" on a coordinator's home page: requests waiting for a supporter, offered, and open conversations, and
/// the debrief requests still open: a supporter who asked to talk today should not wait for a coordinator to happen on the
/// well-being page. Counts only; who asked shows on that page.
/// </summary>
public sealed class ProgrammeSummaryViewComponent(CurrentActor actor, AppDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!actor.IsInRole(Roles.Coordinator))
        {
            return Content("");
        }
        var counts = await db.Set<SupportRequestRecord>()
            .Where(r => r.Status == RequestStatus.Waiting || r.Status == RequestStatus.Offered || r.Status == RequestStatus.Active)
            .GroupBy(r => r.Status).Select(g => new { Status = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Status, g => g.Count, HttpContext.RequestAborted);
        var debriefs = await db.Set<DebriefRequest>().Where(d => d.Status == DebriefStatus.Open)
            .GroupBy(d => d.Urgency).Select(g => new { Urgency = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Urgency, g => g.Count, HttpContext.RequestAborted);
        return View("/Features/PeerSupport/Queue/_ProgrammeSummary.cshtml", new ProgrammeSummary(
            counts.GetValueOrDefault(RequestStatus.Waiting), counts.GetValueOrDefault(RequestStatus.Offered), counts.GetValueOrDefault(RequestStatus.Active),
            debriefs.Values.Sum(), debriefs.GetValueOrDefault(DebriefUrgency.Today)));
    }
}
