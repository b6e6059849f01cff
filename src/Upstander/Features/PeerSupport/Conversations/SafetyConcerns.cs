using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>A safety concern as coordinators see it: when, how strongly, what raised it, who supports, and whether anyone followed it up. Never the words.</summary>
public sealed record ConcernRow(
    Guid Id, Guid RequestId, DateTimeOffset RaisedAt, DateTimeOffset LastSignAt, int Signs, RiskLevel Level, string Source,
    RequestStatus Status, string Who, bool NameShown, string? Supporter, DateTimeOffset? FollowedUpAt, string? FollowedUpBy);

/// <summary>
/// Safety escalation inside conversations. The safety screen's text check runs on what the requester writes after the
/// request (each message, and the comment with their feedback); risk found there, or the supporter's own worry, opens a
/// <see cref="SafetyConcern"/>: the requester sees crisis resources at once, the request's risk and queue priority rise,
/// the supporter sees the safety steps on the conversation, and coordinators are alerted on their pages and, when a mail
/// server is set, by email to each coordinator and the supporter. Nothing the person wrote ever leaves the conversation:
/// alerts carry no names, no words and no categories. A concern stays open until the supporter or a coordinator records
/// that someone followed it up. Scoped.
/// </summary>
public sealed class SafetyConcerns(
    AppDbContext db, TimeProvider clock, AuditLog audit, SafetyScreen screen, SafetyAlerts alerts, WorkMail mail, IStringLocalizer<SharedResource> t)
{
    public const string Raised = "peer-support.safety-concern-raised";
    public const string FollowedUp = "peer-support.safety-concern-followed-up";
    public const string MailPurpose = "peer-support.safety-concern";

    /// <summary>How long a followed-up concern stays on the coordinators' list.</summary>
    public static readonly TimeSpan FollowedUpListed = TimeSpan.FromDays(30);

    /// <summary>The safety screen's text check (offsets and levels only; the text is not kept).</summary>
    public TextRiskResult Check(string? text) => screen.Check(text);

    /// <summary>The conversation's open concern, if any.</summary>
    public Task<SafetyConcern?> OpenAsync(Guid requestId, CancellationToken ct) =>
        db.Set<SafetyConcern>().SingleOrDefaultAsync(c => c.RequestId == requestId && c.FollowedUpAt == null, ct);

    /// <summary>
    /// Adds a sign of risk to the conversation's open concern, or opens one, raises the request's risk and priority,
    /// audits it (the requester without their account, the supporter with theirs) and saves; a newly opened concern is
    /// emailed to coordinators and the supporter in the same save. Two signs at the same moment cannot open two concerns: the unique index
    /// refuses the second, which then adds to the first. A sign is added to the open concern only while it is still open and
    /// as it was read (<see cref="AddSignAsync"/>): one followed up in the meantime takes no more signs, and the sign opens a
    /// new concern, with its alerts, instead of disappearing into the one just closed.
    /// </summary>
    public async Task<SafetyConcern> RaiseAsync(SupportRequestRecord request, string source, RiskLevel level, IReadOnlyList<RiskCategory> categories, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        request.RaiseRisk(level, categories);
        // The same retry as a numbered message: a refused attempt is undone and made again, and then finds the other's concern.
        var concern = await ChangeMark.SaveNumberedAsync(db, async () =>
        {
            SafetyConcern? open;
            while ((open = await OpenAsync(request.Id, ct)) is not null && !await AddSignAsync(open, level, categories, now, ct))
            {
                // Followed up, or given another sign, since it was read: nothing was written; read again.
                db.Entry(open).State = EntityState.Detached;
            }
            var concern = open ?? SafetyConcern.Raise(request, source, level, categories, now);
            if (open is null)
            {
                db.Add(concern);
                // In the concern's own save: the alert exists exactly when the concern does, and a refused attempt
                // (another sign opened it first) forgets its alert with it.
                await QueueAlertAsync(request, concern, ct);
            }
            Audit(request, source, level, concern.Signs);
            return concern;
        }, ct);
        return concern;
    }

    private void Audit(SupportRequestRecord request, string source, RiskLevel level, int sign)
    {
        var detail = $"source={source};level={level};sign={sign}";
        if (source == ConcernSource.Supporter)
        {
            audit.Record(Raised, ConversationAudit.Target, request.Id, detail: detail);
        }
        else
        {
            audit.RecordAsHiddenRequester(Raised, ConversationAudit.Target, request.Id, detail);
        }
    }

    /// <summary>
    /// Adds the sign to the concern as read, in one guarded write: only while it is still open and has the signs it was read
    /// with. False, and nothing written, when the supporter or a coordinator followed it up in the meantime, or another sign
    /// came first.
    /// </summary>
    private async Task<bool> AddSignAsync(SafetyConcern open, RiskLevel level, IReadOnlyList<RiskCategory> categories, DateTimeOffset now, CancellationToken ct)
    {
        var signs = open.Signs;
        open.AddSign(level, categories, now);
        var added = await db.Set<SafetyConcern>().Where(c => c.Id == open.Id && c.FollowedUpAt == null && c.Signs == signs)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Level, open.Level).SetProperty(c => c.Categories, open.Categories)
                .SetProperty(c => c.Signs, open.Signs).SetProperty(c => c.LastSignAt, open.LastSignAt), ct);
        if (added == 1)
        {
            ChangeMark.Written(db, open);
        }
        return added == 1;
    }

    /// <summary>
    /// Records that someone followed the concern up: its requester's crisis section and the alerts end. False, and nothing
    /// changes, when it is no longer open (the supporter and a coordinator at once: the other recorded it first).
    /// </summary>
    public async Task<bool> FollowUpAsync(SafetyConcern concern, string by, CancellationToken ct)
    {
        concern.FollowUp(by, clock.GetUtcNow());
        return await ChangeMark.SaveGuardedAsync(db, concern, db.Set<SafetyConcern>().Where(c => c.Id == concern.Id && c.FollowedUpAt == null),
            u => u.SetProperty(c => c.FollowedUpAt, concern.FollowedUpAt).SetProperty(c => c.FollowedUpBy, concern.FollowedUpBy),
            () => audit.Record(FollowedUp, ConversationAudit.Target, concern.RequestId, detail: "by=" + by), ct);
    }

    /// <summary>How many concerns nobody has followed up yet (the coordinators' notice).</summary>
    public Task<int> OpenCountAsync(CancellationToken ct) => db.Set<SafetyConcern>().CountAsync(c => c.FollowedUpAt == null, ct);

    /// <summary>The conversations among <paramref name="requestIds"/> with an open concern (the supporter's list).</summary>
    public async Task<HashSet<Guid>> OpenAmongAsync(IReadOnlyCollection<Guid> requestIds, CancellationToken ct) =>
        [.. await db.Set<SafetyConcern>().Where(c => c.FollowedUpAt == null && requestIds.Contains(c.RequestId)).Select(c => c.RequestId).ToListAsync(ct)];

    /// <summary>A concern by id, for a coordinator to record a follow-up; null when there is none in this organisation.</summary>
    public Task<SafetyConcern?> FindAsync(Guid id, CancellationToken ct) => db.Set<SafetyConcern>().SingleOrDefaultAsync(c => c.Id == id, ct);

    /// <summary>
    /// Open concerns (highest level first, then oldest) and those followed up in the last <see cref="FollowedUpListed"/>,
    /// for coordinators: the requester's name only when they allowed it, the supporter's name so the coordinator can reach
    /// them. Never the words or the categories.
    /// </summary>
    public async Task<IReadOnlyList<ConcernRow>> ForCoordinatorsAsync(CancellationToken ct)
    {
        var since = clock.GetUtcNow() - FollowedUpListed;
        var rows = await (from c in db.Set<SafetyConcern>()
                          join r in db.Set<SupportRequestRecord>() on c.RequestId equals r.Id
                          where c.FollowedUpAt == null || c.FollowedUpAt >= since
                          select new { Concern = c, r.Status, r.ShowName, r.Pseudonym, r.PersonId, r.SupporterId })
            .AsNoTracking().ToListAsync(ct);
        var people = rows.Where(r => r.ShowName).Select(r => r.PersonId)
            .Concat(rows.Where(r => r.Status is RequestStatus.Active or RequestStatus.Closed).Select(r => r.SupporterId).OfType<Guid>())
            .Distinct().ToList();
        var names = await db.People.Where(p => people.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return [.. rows
            .OrderBy(r => r.Concern.FollowedUpAt is null ? 0 : 1).ThenByDescending(r => r.Concern.Level).ThenBy(r => r.Concern.RaisedAt)
            .Select(r =>
            {
                var shown = r.ShowName && names.ContainsKey(r.PersonId);
                var supporter = r.Status is RequestStatus.Active or RequestStatus.Closed && r.SupporterId is { } s ? names.GetValueOrDefault(s) : null;
                var c = r.Concern;
                return new ConcernRow(c.Id, c.RequestId, c.RaisedAt, c.LastSignAt, c.Signs, c.Level, c.Source, r.Status,
                    shown ? names[r.PersonId] : r.Pseudonym, shown, supporter, c.FollowedUpAt, c.FollowedUpBy);
            })];
    }

    /// <summary>
    /// Emails each active coordinator (<see cref="SafetyAlerts"/>) and, when the concern came from what the requester wrote, the supporter holding the
    /// conversation: that a concern needs someone, and where to look. No names, words, level or categories: an email can be
    /// read over a shoulder or forwarded, and the pages say the rest to those allowed to see it. Queued in the caller's
    /// unit of work.
    /// </summary>
    private async Task QueueAlertAsync(SupportRequestRecord request, SafetyConcern concern, CancellationToken ct)
    {
        if (!mail.Enabled)
        {
            return;
        }
        await alerts.TellCoordinatorsAsync(MailPurpose, concern.Id, concern.RaisedAt, (organisation, when) =>
            (t["{0}: someone in peer support may be at risk", organisation],
             t["A safety concern was raised in a peer support conversation at {0} on {1}. Please make sure someone follows it up today: the list shows how urgent it is and who the supporter is.", organisation, when]), ct);
        if (concern.Source != ConcernSource.Supporter && request.Status is RequestStatus.Active or RequestStatus.Closed && request.SupporterId is { } supporterId)
        {
            var organisation = await mail.OrganisationAsync(ct);
            foreach (var supporter in await mail.RecipientsAsync([supporterId], ct))
            {
                mail.Queue(MailPurpose, concern.Id, supporter, t["{0}: please check in with someone you support", organisation],
                    t["Something written in one of your peer support conversations may mean the person is at risk. Please open the conversation, follow the safety steps shown there, and check in with them. A coordinator has been told too."],
                    mail.Link(ConversationModel.Path(request.Id)),
                    alerts.SaysNothing);
            }
        }
    }
}
