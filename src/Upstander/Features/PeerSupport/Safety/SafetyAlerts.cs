using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Safety;

/// <summary>
/// The coordinators' email when someone in peer support may be at risk (a request's answers to the safety questions, a
/// concern in a conversation), when a mail server is set: to each active coordinator, the person at risk included should
/// they be one (as with a debrief, <see cref="Care.SupporterCare"/>): leaving them out would let the number of alerts sent
/// for one request say that a coordinator asked for help, and with one coordinator nobody would be told. What needs
/// someone, since when, and the link to the list. Never who, what was written, the level or a category: an email can be
/// read over a shoulder or forwarded, and the list shows the rest to those allowed to see it.
/// Queued in the caller's unit of work, so the alert exists exactly when what it is about does. Scoped.
/// </summary>
public sealed class SafetyAlerts(WorkMail mail, IStringLocalizer<SharedResource> t)
{
    /// <summary>The closing line of every safety alert.</summary>
    public string SaysNothing => t["This email says nothing about who it is or what was written, on purpose. Do not forward it."];

    /// <param name="text">The subject and first paragraph, given the organisation's name and the moment as it reads it.</param>
    public async Task TellCoordinatorsAsync(
        string purpose, Guid about, DateTimeOffset at, Func<string, string, (string Subject, string Body)> text, CancellationToken ct)
    {
        if (!mail.Enabled)
        {
            return;
        }
        var (subject, body) = text(await mail.OrganisationAsync(ct), mail.When(at));
        foreach (var coordinator in await mail.InRoleAsync(Roles.Coordinator, ct))
        {
            mail.Queue(purpose, about, coordinator, subject, body, mail.Link(SupportRequests.CoordinatorPath), SaysNothing);
        }
    }
}
