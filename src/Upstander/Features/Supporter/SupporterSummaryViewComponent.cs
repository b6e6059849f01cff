using Microsoft.AspNetCore.Mvc;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.Training;
using Upstander.Platform.Security;

namespace Upstander.Features.Supporter;

/// <summary>Whether matching can offer the supporter anything new, and if not, why (their own settings or their certificate).</summary>
public enum SupporterIntake
{
    Taking,
    NotCurrent,
    NotAvailable,
    Paused,
}

/// <summary>What a supporter has waiting for them: offers to answer (and the first deadline), open conversations, unread messages and safety concerns.</summary>
public sealed record SupporterSummary(
    int Offers, DateTimeOffset? FirstAnswerBy, int Conversations, int Unread, int Concerns, SupporterIntake Intake, DateOnly? PausedUntil)
{
    public bool IsEmpty => Offers == 0 && Conversations == 0;
}

/// <summary>
/// "Your peer support", on a supporter's home page and at the top of the supporter area: requests offered to them with
/// the time to answer by, their open conversations with unread messages and open safety concerns, and whether new
/// requests can reach them. Counts only: no requester, topic or word.
/// </summary>
public sealed class SupporterSummaryViewComponent(
    CurrentActor actor, SupportOffers offers, Conversations conversations, SupporterCertification certification, SupporterCare care) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (!actor.IsInRole(Roles.PeerSupporter) || actor.PersonId is not { } me)
        {
            return Content("");
        }
        var ct = HttpContext.RequestAborted;
        var pending = await offers.PendingForSupporterAsync(ct);
        var open = (await conversations.SupporterListAsync(ct)).Where(r => r.Status == RequestStatus.Active).ToList();
        var settings = await care.SettingsAsync(me, ct);
        var intake = !await certification.IsCurrentAsync(me, ct) ? SupporterIntake.NotCurrent
            : settings is not { Available: true } ? SupporterIntake.NotAvailable
            : settings.IsPaused(care.Today) ? SupporterIntake.Paused
            : SupporterIntake.Taking;
        var summary = new SupporterSummary(
            pending.Count, pending.Count == 0 ? null : pending.Min(o => o.AnswerBy),
            open.Count, open.Sum(r => r.Unread), open.Count(r => r.Concern), intake, settings?.PausedUntil);
        return View("/Features/Supporter/_SupporterSummary.cshtml", summary);
    }
}
