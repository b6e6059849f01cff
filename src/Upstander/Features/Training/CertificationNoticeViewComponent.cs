using Microsoft.AspNetCore.Mvc;
using Upstander.Platform.Security;

namespace Upstander.Features.Training;

/// <summary>
/// The in-app renewal reminder, and the notice that a supporter is not receiving requests: shown to
/// PeerSupporter role holders on their home page, in the supporter area and on the training pages.
/// Nobody else pays for the query.
/// </summary>
public sealed class CertificationNoticeViewComponent(CurrentActor actor, SupporterCertification certification) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (actor.PersonId is not { } personId || !actor.IsInRole(Roles.PeerSupporter)
            || await certification.NoticeAsync(personId, HttpContext.RequestAborted) is not { } notice)
        {
            return Content("");
        }
        return View("/Features/Training/_CertificationNotice.cshtml", notice);
    }
}
