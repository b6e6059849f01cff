using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Queue;

/// <summary>
/// Queue health for coordinators: figures now and over a period, the queue (urgent first, then oldest), open
/// conversations (with an administrative close), and each supporter's load. Never a topic, the requester's
/// words or the people they named; the requester's name only when they allowed it.
/// </summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class IndexModel(SupportQueue queue, IStringLocalizer<SharedResource> t) : PageModel
{
    public QueueView View { get; private set; } = null!;
    public int Period { get; private set; } = QueuePeriods.Default;
    public string? Done { get; private set; }

    [BindProperty] public Guid? RequestId { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task OnGetAsync(int? period, string? done, CancellationToken ct)
    {
        Done = done is "closed" or "returned" ? done : null;
        await LoadAsync(period, ct);
    }

    public async Task<IActionResult> OnPostCloseAsync(int? period, CancellationToken ct)
    {
        if (RequestId is not { } id || await queue.FindAsync(id, ct) is not { } record)
        {
            return NotFound();
        }
        if (record.Status != RequestStatus.Active)
        {
            ModelState.AddModelError(nameof(RequestId), t["Only an open conversation can be closed."]);
        }
        if (!CoordinatorCloseReasons.IsKnown(Reason))
        {
            ModelState.AddModelError(nameof(Reason), t["Choose a reason for closing from the list."]);
        }
        if (ModelState.IsValid && !await queue.CloseAsync(record, Reason!, ct))
        {
            ModelState.AddModelError(nameof(RequestId), t["Only an open conversation can be closed."]);
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(period, ct);
            return Page();
        }
        return Redirect($"/coordinate/support?period={QueuePeriods.Normalise(period)}&done=closed");
    }

    public async Task<IActionResult> OnPostReturnAsync(int? period, CancellationToken ct)
    {
        if (RequestId is not { } id || await queue.FindAsync(id, ct) is not { } record)
        {
            return NotFound();
        }
        if (record.Status != RequestStatus.Offered || !await queue.ReturnToQueueAsync(record, ct))
        {
            ModelState.AddModelError(nameof(RequestId), t["Only a request offered to a supporter can be returned to the queue."]);
            await LoadAsync(period, ct);
            return Page();
        }
        return Redirect($"/coordinate/support?period={QueuePeriods.Normalise(period)}&done=returned");
    }

    private async Task LoadAsync(int? period, CancellationToken ct)
    {
        Period = QueuePeriods.Normalise(period);
        View = await queue.ViewAsync(Period, ct);
    }
}
