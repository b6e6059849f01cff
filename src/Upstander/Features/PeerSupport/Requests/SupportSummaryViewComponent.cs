using Microsoft.AspNetCore.Mvc;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>
/// The "Your support and reports" section of everyone's home page: the person's requests still waiting for a supporter
/// and their open conversations with unread counts (counts and the supporter's name only: never a topic or a word), or,
/// when there are none, what will show there. While it lists something, the page offers "Leave this page quickly".
/// </summary>
public sealed class SupportSummaryViewComponent(CurrentActor actor, Conversations.Conversations conversations) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        var overview = actor.PersonId is null
            ? new RequesterOverview(0, [])
            : await conversations.RequesterOverviewAsync(HttpContext.RequestAborted);
        if (!overview.IsEmpty)
        {
            // The page now says that the person is in peer support, and with whom: offer the same way out as the support pages.
            QuickExit.OfferOn(HttpContext);
        }
        return View("/Features/PeerSupport/Requests/_SupportSummary.cshtml", overview);
    }
}
