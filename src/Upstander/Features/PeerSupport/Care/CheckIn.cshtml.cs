using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>The one-tap check-in after a session. "I need to talk to someone" goes straight to the debrief request.</summary>
[Authorize(Roles = Roles.PeerSupporter)]
public sealed class CheckInModel(SupporterCare care, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "conversation")] public Guid? ConversationId { get; set; }
    [BindProperty] public string? Feeling { get; set; }
    public bool Done { get; private set; }

    public void OnGet(bool done) => Done = done;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid || !CheckInFeeling.IsKnown(Feeling))
        {
            ModelState.AddModelError(nameof(Feeling), t["Choose how you are after this conversation."]);
            return Page();
        }
        if (!await care.RecordCheckInAsync(actor.PersonId!.Value, Feeling!, ConversationId, ct))
        {
            // A link altered by hand, or to a conversation that was handed to someone else: the check-in still matters,
            // so offer it again without the conversation.
            ConversationId = null;
            ModelState.AddModelError(nameof(ConversationId), t["That is not one of your conversations, so nothing was recorded. You can check in here without it."]);
            return Page();
        }
        return Redirect(Feeling == CheckInFeeling.NeedToTalk ? "/supporter/debrief?from=check-in" : "/supporter/check-in?done=true");
    }
}
