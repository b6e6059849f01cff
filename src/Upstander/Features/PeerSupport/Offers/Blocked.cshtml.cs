using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Offers;

/// <summary>
/// The people the signed-in person never wants as a supporter: search the whole directory (who is a supporter is
/// never shown), add and remove. Only they see the list.
/// </summary>
public sealed class BlockedModel(SupportOffers offers, SupportRequests requests, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<NamedPerson> Blocked { get; private set; } = [];
    public IReadOnlyList<NamedPerson> Found { get; private set; } = [];
    public string? Search { get; private set; }
    public bool Searched { get; private set; }
    public bool Saved { get; private set; }

    [BindProperty] public Guid PersonId { get; set; }

    public async Task OnGetAsync(string? search, bool saved, CancellationToken ct)
    {
        Saved = saved;
        Search = search?.Trim();
        Blocked = await offers.BlockedAsync(ct);
        if (Search is { Length: > 0 })
        {
            if (Search.Length is < 2 or > SupportRequests.SearchMaxLength)
            {
                ModelState.AddModelError("search", t["Type at least two letters of a name to search, and no more than {0} characters.", SupportRequests.SearchMaxLength]);
                return;
            }
            Found = [.. (await requests.FindPeopleAsync(Search, ct)).Where(p => Blocked.All(b => b.Id != p.Id))];
            Searched = true;
        }
    }

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (!await offers.BlockAsync(PersonId, ct))
        {
            ModelState.AddModelError(nameof(PersonId), t["Choose someone from the directory search."]);
            Blocked = await offers.BlockedAsync(ct);
            return Page();
        }
        return Redirect("/support/blocked?saved=true");
    }

    public async Task<IActionResult> OnPostRemoveAsync(CancellationToken ct) =>
        await offers.UnblockAsync(PersonId, ct) ? Redirect("/support/blocked?saved=true") : NotFound();
}
