using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Cases;

/// <summary>The intake queue: cases waiting unassigned and the case manager's own, by their next deadline. Never content.</summary>
[Authorize(Roles = Roles.CaseManager)]
public sealed class IndexModel(CaseWork work, CurrentActor actor) : PageModel
{
    public CaseQueue Queue { get; private set; } = new([], []);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (actor.PersonId is not { } me)
        {
            return NotFound();
        }
        Queue = await work.QueueAsync(me, ct);
        return Page();
    }
}

/// <summary>The overdue view: the case manager's workable cases past a deadline.</summary>
[Authorize(Roles = Roles.CaseManager)]
public sealed class OverdueModel(CaseWork work, CurrentActor actor) : PageModel
{
    public IReadOnlyList<CaseRow> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (actor.PersonId is not { } me)
        {
            return NotFound();
        }
        Rows = await work.OverdueAsync(me, ct);
        return Page();
    }
}

/// <summary>The case managers' reminder, on the home page and the intake queue: how many of their cases are due soon or overdue.</summary>
public sealed class CaseDeadlinesNoticeViewComponent(CurrentActor actor, CaseWork work) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!actor.IsInRole(Roles.CaseManager) || actor.PersonId is not { } me)
        {
            return Content("");
        }
        var counts = await work.DeadlinesAsync(me, HttpContext.RequestAborted);
        return counts.DueSoon == 0 && counts.Overdue == 0 ? Content("") : View("/Features/Cases/_DeadlinesNotice.cshtml", counts);
    }
}

/// <summary>
/// A case manager's section of the home page: how many reports wait for a case manager, how many of their own cases are
/// open, and in how many of the cases they may work (open or closed) the reporter has written something no one has read.
/// </summary>
public sealed record CaseSummary(int Waiting, int Mine, int NewMessages = 0);

/// <summary>
/// "Cases" on a case manager's home page: counts only, through the same conflict rules as the intake queue
/// (<see cref="CaseWork.SummaryAsync"/>), from the cases the deadline reminder above it has read on the same request.
/// </summary>
public sealed class CaseSummaryViewComponent(CurrentActor actor, CaseWork work) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!actor.IsInRole(Roles.CaseManager) || actor.PersonId is not { } me)
        {
            return Content("");
        }
        return View("/Features/Cases/_CaseSummary.cshtml", await work.SummaryAsync(me, HttpContext.RequestAborted));
    }
}

/// <summary>"Identity custodian" on a custodian's home page: how many reveal requests they may decide are waiting. A count only.</summary>
public sealed class RevealSummaryViewComponent(CurrentActor actor, CustodianDesk desk) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!actor.IsInRole(Roles.Custodian) || actor.PersonId is not { } me)
        {
            return Content("");
        }
        var pending = await desk.PendingAsync(me, HttpContext.RequestAborted);
        return View("/Features/Cases/_RevealSummary.cshtml", pending.Count);
    }
}
