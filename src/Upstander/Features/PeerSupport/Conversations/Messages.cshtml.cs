using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>One message as the live view receives it: already labelled and formatted, rendered as text by the script.</summary>
/// <param name="Risk">For the supporter only: a line saying the safety screen found risk in this message (reload for the safety steps); null otherwise.</param>
public sealed record LiveMessage(int Number, string Author, bool Mine, string SentAt, string Time, string Kind, string Text, string? Risk);

/// <summary>
/// The live view's JSON: the conversation's messages after <c>after</c> (a message number), for its two
/// participants only (404 otherwise). A poll that returns content is audited like a page view.
/// </summary>
public sealed class MessagesModel(Conversations conversations, OrganisationTime time, IStringLocalizer<SharedResource> t) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, int after, CancellationToken ct)
    {
        if (await conversations.OpenAsync(id, ct) is not { } conversation)
        {
            return NotFound();
        }
        var messages = await conversations.MessagesAfterAsync(conversation, Math.Max(0, after), ct);
        Response.Headers.CacheControl = "no-store";
        return new JsonResult(new
        {
            open = conversation.IsOpen,
            messages = messages.Select(m => new LiveMessage(
                m.Number, m.Author, m.Mine, time.When(m.SentAt),
                m.SentAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), m.Kind,
                m.Kind == MessageKind.Text ? m.Body ?? "" : t["Suggested a support service. Check for new messages to see it."].Value,
                m.Risk > Safety.RiskLevel.None ? t["The safety screen found signs of risk in this message. Check for new messages to see the safety steps."].Value : null)),
        });
    }
}
