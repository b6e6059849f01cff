using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>
/// The coordinators' alert list: safety concerns raised in conversations (open ones first, with the supporter to reach and
/// a way to record the follow-up), then requests the safety screen raised. When, urgency, status and a name only if
/// allowed; never the text.
/// </summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class CoordinatorRequestsModel(SupportRequests requests, SafetyConcerns concerns, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<CoordinatorRequestRow> Rows { get; private set; } = [];
    public IReadOnlyList<ConcernRow> Concerns { get; private set; } = [];
    public bool FollowedUp { get; private set; }

    [BindProperty] public Guid? ConcernId { get; set; }
    [BindProperty] public bool Confirm { get; set; }

    public async Task OnGetAsync(bool followedUp, CancellationToken ct)
    {
        FollowedUp = followedUp;
        await LoadAsync(ct);
    }

    /// <summary>A coordinator records that someone followed a concern up (400 with the reason, nothing changed, otherwise).</summary>
    public async Task<IActionResult> OnPostFollowUpAsync(CancellationToken ct)
    {
        var concern = ConcernId is { } id ? await concerns.FindAsync(id, ct) : null;
        if (concern is not { IsOpen: true })
        {
            ModelState.AddModelError(nameof(ConcernId), t["That concern is not open: it may have been followed up already."]);
        }
        else if (!Confirm)
        {
            ModelState.AddModelError(nameof(Confirm), t["Tick the box to confirm that someone has checked in with them."]);
        }
        if (!ModelState.IsValid)
        {
            await LoadAsync(ct);
            return Page();
        }
        if (!await concerns.FollowUpAsync(concern!, ConcernFollowedUpBy.Coordinator, ct))
        {
            // The supporter, or another coordinator, recorded it in the meantime.
            ModelState.AddModelError(nameof(ConcernId), t["That concern is not open: it may have been followed up already."]);
            await LoadAsync(ct);
            return Page();
        }
        return Redirect("/coordinate/requests?followedUp=true");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Concerns = await concerns.ForCoordinatorsAsync(ct);
        Rows = await requests.RaisedForCoordinatorsAsync(ct);
    }
}
