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

    public async Task<IActionResult> OnPostAcceptAsync(CancellationToken ct)
    {
        var (result, requestId) = await offers.AcceptAsync(OfferId, ct);
        switch (result)
        {
            case AcceptResult.Accepted:
                return Redirect($"/support/conversations/{requestId}");
            case AcceptResult.NoLongerCurrent:
                // Not accepted (400): the request has gone back to be offered to someone else.
                ModelState.AddModelError(nameof(OfferId), t["Your peer supporter certification is no longer current, so you cannot take on this request. It will be offered to someone else."]);
                Offers = await offers.PendingForSupporterAsync(ct);
                return Page();
            case AcceptResult.Conflicted:
                // Not accepted (400). Neutral on purpose: nothing about the requester, nor why (which line, or whom they named).
                ModelState.AddModelError(nameof(OfferId), t["Something has changed since this request was offered to you, so you can no longer take it on. It has gone back to be matched again."]);
                Offers = await offers.PendingForSupporterAsync(ct);
                return Page();
            default:
                return NotFound();
        }
    }

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
