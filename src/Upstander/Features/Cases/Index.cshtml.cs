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
