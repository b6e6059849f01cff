using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Offers;

/// <summary>
/// A coordinator moves an offered or active request to another eligible supporter. Shows the current match's
/// summary and up to three alternatives with the engine's explanations; never the requester's words or messages.
/// </summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class ReassignModel(SupportOffers offers, IStringLocalizer<SharedResource> t) : PageModel
{
    public ReassignView View { get; private set; } = null!;

    [BindProperty] public Guid SupporterId { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await offers.ReassignViewAsync(id, ct) is not { } view)
        {
            return NotFound();
        }
        View = view;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (await offers.ReassignViewAsync(id, ct) is not { } view)
        {
            return NotFound();
        }
        if (await offers.ReassignAsync(id, SupporterId, ct))
        {
            return Redirect("/coordinate/matching?saved=true");
        }
        ModelState.AddModelError(nameof(SupporterId), t["Choose one of the supporters listed: the request can be moved only to someone every rule allows right now."]);
        View = view;
        return Page();
    }
}
