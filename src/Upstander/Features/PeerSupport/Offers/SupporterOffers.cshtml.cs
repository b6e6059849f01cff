using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Offers;

/// <summary>
/// A supporter's pending offers with what they may see before accepting (never the requester's words), and
/// accept or decline. Anyone else's offer, or one no longer open, answers 404.
/// </summary>
[Authorize(Roles = Roles.PeerSupporter)]
public sealed class SupporterOffersModel(SupportOffers offers, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<SupporterOfferView> Offers { get; private set; } = [];
    public DateTimeOffset Now => clock.GetUtcNow();
    public bool Declined { get; private set; }

    [BindProperty] public Guid OfferId { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public async Task OnGetAsync(bool declined, CancellationToken ct)
    {
        Declined = declined;
        Offers = await offers.PendingForSupporterAsync(ct);
    }

    public async Task<IActionResult> OnPostAcceptAsync(CancellationToken ct) =>
        await offers.AcceptAsync(OfferId, ct) is { } requestId ? Redirect($"/support/conversations/{requestId}") : NotFound();

    public async Task<IActionResult> OnPostDeclineAsync(CancellationToken ct)
    {
        var reason = string.IsNullOrEmpty(Reason) ? null : Reason;
        if (reason is not null && !DeclineReasons.IsKnown(reason))
        {
            ModelState.AddModelError(nameof(Reason), t["Choose a reason from the list, or none."]);
            Offers = await offers.PendingForSupporterAsync(ct);
            return Page();
        }
        return await offers.DeclineAsync(OfferId, reason, ct) ? Redirect("/supporter/offers?declined=true") : NotFound();
    }
}
