using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Mail;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>
/// Emails a participant of an active conversation that the other side has written and they have not read it for
/// <see cref="ConversationOptions.NoticeDelayMinutes"/>: once per run of unread messages (nothing more for that conversation
/// until they have read up to the message the last notice was about), through <see cref="WorkMail"/>, and saying only that
/// there is a new message in a peer support conversation, with the link to their list. Never who wrote, the topic, how
/// many or a word of it. The supporter is told unless they turned it off for the conversation; the requester only when
/// they turned it on, because even an email that says nothing tells whoever reads their work mailbox that they are in
/// peer support. A safety concern in what the requester wrote alerts by its own path at once
/// (<see cref="SafetyConcerns"/>); this never waits for, delays or replaces that. Scoped; acts on the current organisation.
/// </summary>
public sealed class MessageNotices(AppDbContext db, WorkMail mail, ExclusiveLocks locks, TimeProvider clock, IOptions<ConversationOptions> options, IStringLocalizer<SharedResource> t)
{
    public const string MailPurpose = "peer-support.new-message";

    /// <summary>One pass at a time per organisation, across processes, so that a run of unread messages gives one email.</summary>
    public const string Section = "peer-support.message-notices";

    public const string RequesterPath = "/support/conversations";
    public const string SupporterPath = "/supporter/conversations";

    /// <summary>Whether a side is emailed while its participant has not chosen: the supporter yes, the requester no.</summary>
    public static bool ByDefault(string side) => side == ConversationSide.Supporter;

    private sealed record Due(Guid RequestId, Guid Reader, int UpTo);

    /// <summary>Queues and saves the notices due now in the current organisation; returns how many. Nothing while mail is off.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (!mail.Enabled)
        {
            return 0;
        }
        await using var _ = await locks.EnterAsync(db, Section, db.CurrentOrganisationId!.Value, ct);
        var cutoff = clock.GetUtcNow().AddMinutes(-options.Value.NoticeDelayMinutes);
        var due = new List<(Due Due, string Side)>();
        foreach (var side in new[] { ConversationSide.Supporter, ConversationSide.Requester })
        {
            due.AddRange((await DueAsync(side, cutoff, ct)).Select(d => (d, side)));
        }
        if (due.Count == 0)
        {
            return 0;
        }
        var recipients = (await mail.RecipientsAsync([.. due.Select(d => d.Due.Reader).Distinct()], ct)).ToDictionary(r => r.PersonId);
        var organisation = await mail.OrganisationAsync(ct);
        var sent = 0;
        foreach (var (notice, side) in due)
        {
            if (!recipients.TryGetValue(notice.Reader, out var to))
            {
                continue;
            }
            // A first view of the conversation at this moment may add the reader's row too: the unique index refuses one,
            // and this attempt, undone, finds the other's row (and stands down if it has read them by now).
            if (await ChangeMark.SaveNumberedAsync(db, () => QueueAsync(notice, side, to, organisation, ct), ct))
            {
                sent++;
            }
        }
        return sent;
    }

    private async Task<bool> QueueAsync(Due notice, string side, WorkRecipient to, string organisation, CancellationToken ct)
    {
        var read = await Conversations.ReadStateAsync(db, db.CurrentOrganisationId!.Value, notice.RequestId, notice.Reader, ct);
        if (read.LastReadNumber >= notice.UpTo)
        {
            return false;
        }
        read.Notified(notice.UpTo);
        mail.Queue(MailPurpose, notice.RequestId, to, t["{0}: a new message is waiting for you", organisation],
            t["There is a new message for you in a peer support conversation."],
            mail.Link(side == ConversationSide.Supporter ? SupporterPath : RequesterPath),
            t["This email says nothing about who wrote or what, on purpose: you see it once you sign in. You get no other email about this conversation until you have read it, and you can turn these emails off on the conversation's page."]);
        return true;
    }

    /// <summary>
    /// The readers on <paramref name="side"/> of active conversations who want notices there, have read up to what the last
    /// one was about, and have a message from the other side unread since <paramref name="cutoff"/> or earlier (for a
    /// supporter, only messages since they took the conversation on, as their list counts): each with the highest
    /// number of a message from the other side, which the notice covers.
    /// </summary>
    private Task<List<Due>> DueAsync(string side, DateTimeOffset cutoff, CancellationToken ct)
    {
        var supporter = side == ConversationSide.Supporter;
        var other = supporter ? ConversationSide.Requester : ConversationSide.Supporter;
        var byDefault = ByDefault(side);
        var active = db.Set<SupportRequestRecord>().Where(r => r.Status == RequestStatus.Active && r.SupporterId != null);
        var readers = supporter
            ? active.Select(r => new { r.Id, Reader = r.SupporterId!.Value, Since = r.SupporterSince })
            : active.Select(r => new { r.Id, Reader = r.PersonId, Since = r.FirstAcceptedAt });
        // The reader's read state, when they have one, joined once.
        return readers
            .SelectMany(r => db.Set<ConversationRead>().Where(x => x.RequestId == r.Id && x.PersonId == r.Reader).DefaultIfEmpty(),
                (r, x) => new
                {
                    r.Id,
                    r.Reader,
                    r.Since,
                    Read = x == null ? 0 : x.LastReadNumber,
                    Notified = x == null ? 0 : x.NotifiedUpTo,
                    Wants = x == null || x.EmailNotices == null ? byDefault : x.EmailNotices.Value,
                })
            .Where(r => r.Wants && r.Read >= r.Notified)
            .Where(r => db.Set<ConversationMessage>()
                .Any(m => m.RequestId == r.Id && m.AuthorSide == other && m.Number > r.Read && m.SentAt >= r.Since && m.SentAt <= cutoff))
            .Select(r => new Due(r.Id, r.Reader,
                db.Set<ConversationMessage>().Where(m => m.RequestId == r.Id && m.AuthorSide == other).Max(m => (int?)m.Number) ?? 0))
            .ToListAsync(ct);
    }

    /// <summary>The organisations with an active conversation, where a notice may be due.</summary>
    public static Task<List<Guid>> OrganisationsAsync(AppDbContext db, CancellationToken ct) =>
        db.Set<SupportRequestRecord>().IgnoreQueryFilters().Where(r => r.Status == RequestStatus.Active).Select(r => r.OrganisationId).Distinct().ToListAsync(ct);
}

/// <summary>Every minute, while a mail server is configured: the notices of new messages due in each organisation with an active conversation.</summary>
public sealed class MessageNoticeJob(IServiceScopeFactory scopes, IOptions<MailOptions> options, TimeProvider clock, ILogger<MessageNoticeJob> logger)
    : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromMinutes(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled ? base.ExecuteAsync(stoppingToken) : Task.CompletedTask;

    public override async Task RunOnceAsync(CancellationToken ct)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        List<Guid> organisations;
        using (var scope = scopes.CreateScope())
        {
            organisations = await MessageNotices.OrganisationsAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), ct);
        }
        await EveryOrganisation.EachAsync(scopes, organisations, s => s.GetRequiredService<MessageNotices>().RunAsync(ct), logger, "Notices of new messages");
    }
}
