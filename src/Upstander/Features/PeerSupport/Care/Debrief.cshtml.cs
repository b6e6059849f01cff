using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>A supporter asks a coordinator for a debrief: how soon, and an optional note (sealed).</summary>
[Authorize(Roles = Roles.PeerSupporter)]
public sealed class DebriefModel(SupporterCare care, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty] public string? Urgency { get; set; }
    [BindProperty] public string? Note { get; set; }
    public bool FromCheckIn { get; private set; }
    public bool Sent { get; private set; }
    public IReadOnlyList<DebriefRequest> Own { get; private set; } = [];

    public async Task OnGetAsync(string? from, bool sent, CancellationToken ct)
    {
        (FromCheckIn, Sent) = (from == "check-in", sent);
        Own = await care.OwnDebriefsAsync(actor.PersonId!.Value, ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!DebriefUrgency.IsKnown(Urgency))
        {
            ModelState.AddModelError(nameof(Urgency), t["Choose when you would like the debrief."]);
        }
        if (Note is { Length: > DebriefRequest.NoteMaxLength })
        {
            ModelState.AddModelError(nameof(Note), t["The note is longer than {0} characters.", DebriefRequest.NoteMaxLength]);
        }
        if (!ModelState.IsValid)
        {
            Own = await care.OwnDebriefsAsync(actor.PersonId!.Value, ct);
            return Page();
        }
        await care.RequestDebriefAsync(actor.PersonId!.Value, Urgency!, Note, ct);
        return Redirect("/supporter/debrief?sent=true");
    }
}
