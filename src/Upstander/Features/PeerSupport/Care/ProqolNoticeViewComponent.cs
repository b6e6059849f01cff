using Microsoft.AspNetCore.Mvc;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>The invitation to the ProQOL 5 when it is due: on a peer supporter's home page and in the supporter area.</summary>
public sealed class ProqolNoticeViewComponent(CurrentActor actor, SupporterWellbeing wellbeing) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (actor.PersonId is not { } personId || !actor.IsInRole(Roles.PeerSupporter)
            || !await wellbeing.IsDueAsync(personId, HttpContext.RequestAborted))
        {
            return Content("");
        }
        return View("/Features/PeerSupport/Care/_ProqolNotice.cshtml");
    }
}
