using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>The calendar file of an agreed call or meeting, for the conversation's two participants only (404 otherwise, and for a meeting not yet agreed).</summary>
public sealed class MeetingModel(Conversations conversations, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, Guid meetingId, CancellationToken ct)
    {
        if (await conversations.OpenAsync(id, ct) is not { } conversation
            || await conversations.MeetingAsync(conversation, meetingId, ct) is not { Status: MeetingStatus.Accepted } meeting)
        {
            return NotFound();
        }
        var place = await conversations.ReadPlaceAsync(conversation, meeting, ct);
        var file = CalendarFile.For(meeting.Id, meeting.AcceptedStart!.Value, meeting.AcceptedEnd!.Value, clock.GetUtcNow(),
            t["Peer support conversation"], t[MeetingMode.Label(meeting.Mode)], place);
        Response.Headers.CacheControl = "no-store";
        return File(Encoding.UTF8.GetBytes(file), CalendarFile.ContentType, "peer-support.ics");
    }
}
