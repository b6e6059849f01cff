using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.Training;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Conversations;

public static class ConversationAudit
{
    public const string Target = "support-conversation";
    public const string Closed = "peer-support.conversation-closed";
    public const string Reopened = "peer-support.conversation-reopened";
    public const string FeedbackGiven = "peer-support.feedback-given";
    public const string Referred = "peer-support.referral-made";
    public const string HandoverProposed = "peer-support.handover-proposed";
    public const string HandoverAnswered = "peer-support.handover-answered";
    public const string MeetingProposed = "peer-support.meeting-proposed";
    public const string MeetingAnswered = "peer-support.meeting-answered";
    public const string RetentionRun = "peer-support.retention-run";
    public const string NoticesChanged = "peer-support.notices-changed";
}

/// <summary>Settings under <c>PeerSupport</c>: how long a requester may reopen, and how long content is kept after closing.</summary>
public sealed class ConversationOptions
{
    public int ReopenDays { get; set; } = 30;
    public int RetentionDays { get; set; } = 180;

    /// <summary>How often the background job looks for content past its retention time.</summary>
    public int RetentionIntervalMinutes { get; set; } = 60;

    /// <summary>How long a closed conversation stays on the supporter's list.</summary>
    public int RecentlyClosedDays { get; set; } = 30;

    /// <summary>How long a message from the other side stays unread before its reader is emailed a notice (<see cref="MessageNotices"/>).</summary>
    public int NoticeDelayMinutes { get; set; } = 10;
}

/// <summary>A conversation as one participant may see it: the request and which side they are on.</summary>
public sealed record Conversation(SupportRequestRecord Request, string Side, Guid Me)
{
    public Guid Id => Request.Id;
    public bool IsRequester => Side == ConversationSide.Requester;
    public bool IsSupporter => Side == ConversationSide.Supporter;
    public bool IsOpen => Request.Status == RequestStatus.Active;

    /// <summary>Retention has removed what was written in it (<see cref="ConversationRetention"/>): nothing more may be added, or it would never go.</summary>
    public bool ContentRemoved => Request.ContentErasedAt is not null;

    /// <summary>The supporter sees only what was sent from their acceptance on; the requester sees everything.</summary>
    public DateTimeOffset Since => IsSupporter ? Request.SupporterSince ?? DateTimeOffset.MaxValue : DateTimeOffset.MinValue;
}

public sealed record MessageView(
    Guid Id, int Number, DateTimeOffset SentAt, string Author, bool Mine, string Kind, string? Body,
    SupportResource? Resource, string? Consent, DateTimeOffset? ConsentAt, RiskLevel Risk);

public sealed record MeetingView(ConversationMeeting Meeting, string? Place, bool Mine);

/// <summary>What the conversation page shows: the thread, the calls and meetings, and (for the supporter only) their note.</summary>
public sealed record ConversationThread(IReadOnlyList<MessageView> Messages, IReadOnlyList<MeetingView> Meetings, string? Note);

/// <summary>What came of the requester's reopening: reopened, no longer possible (window, retention, supporter not current), the supporter now in their line, at their cap, or paused.</summary>
public enum ReopenOutcome
{
    Reopened,
    NotPossible,
    SupporterFull,

    /// <summary>
    /// Since the conversation, a re-organisation put the supporter in the requester's management line or in that of someone
    /// they named (<see cref="Matching.MatchingPoolSource.SupporterConflictedAsync"/>): matching would never put them
    /// together now, so neither does reopening.
    /// </summary>
    SupporterConflicted,

    /// <summary>The supporter has paused taking anyone on (their own setting, for a break or their well-being).</summary>
    SupporterPaused,

    /// <summary>Retention has removed what was written in it (perhaps while the requester was deciding): there is nothing to go back to.</summary>
    ContentRemoved,
}

/// <summary>One row of a list of conversations: who, where it stands, and how many messages from the other side are unread.</summary>
/// <param name="Concern">A safety concern is open on it (shown on the supporter's list only).</param>
public sealed record ConversationRow(Guid Id, string Who, RequestStatus Status, DateTimeOffset Since, DateTimeOffset? ClosedAt, int Unread, bool Concern = false);

/// <summary>A requester's open support: requests still waiting for a supporter, and open conversations.</summary>
public sealed record RequesterOverview(int Waiting, IReadOnlyList<ConversationRow> Conversations)
{
    public bool IsEmpty => Waiting == 0 && Conversations.Count == 0;
}

/// <summary>
/// Private conversations between a requester and their supporter, for the two participants only: access,
/// the thread (sealed at rest, every read of content audited), read state, closing, feedback, reopening,
/// private notes, calls and meetings, referrals and handovers. Scoped.
/// </summary>
public sealed class Conversations(
    AppDbContext db, TimeProvider clock, AuditLog audit, FieldProtector protector, CurrentActor actor,
    SupportResources resources, IOptions<ConversationOptions> options, IStringLocalizer<SharedResource> t, SupporterCertification certification,
    SupportOffers offers, SupporterCare care, SafetyConcerns concerns, Matching.MatchingPoolSource pools)
{
    private ConversationOptions Settings => options.Value;

    /// <summary>
    /// The conversation, for its requester (once a supporter has accepted) or its current supporter (while it is
    /// active or closed); null for anyone else, coordinators and admins included (the pages answer 404).
    /// </summary>
    public async Task<Conversation?> OpenAsync(Guid id, CancellationToken ct)
    {
        if (actor.PersonId is not { } me || await db.Set<SupportRequestRecord>().SingleOrDefaultAsync(r => r.Id == id, ct) is not { } request)
        {
            return null;
        }
        if (request.PersonId == me && request.FirstAcceptedAt is not null && request.Status != RequestStatus.Withdrawn)
        {
            return new Conversation(request, ConversationSide.Requester, me);
        }
        if (request.SupporterId == me && request.Status is RequestStatus.Active or RequestStatus.Closed && actor.IsInRole(Roles.PeerSupporter))
        {
            return new Conversation(request, ConversationSide.Supporter, me);
        }
        return null;
    }

    /// <summary>How the supporter sees the requester: their name only when they allowed it, otherwise the made-up name.</summary>
    public async Task<string> RequesterLabelAsync(Conversation c, CancellationToken ct) =>
        c.Request.ShowName && await db.People.Where(p => p.Id == c.Request.PersonId).Select(p => p.Name).SingleOrDefaultAsync(ct) is { } name
            ? name
            : c.Request.Pseudonym;

    // ---- The thread ----

    /// <summary>The whole page's content; the read is audited once when anything sealed was opened, and read state moves on.</summary>
    public async Task<ConversationThread> ThreadAsync(Conversation c, CancellationToken ct)
    {
        var (messages, opened) = await MessagesCoreAsync(c, 0, ct);
        var meetings = await db.Set<ConversationMeeting>().AsNoTracking()
            .Where(m => m.RequestId == c.Id && m.ProposedAt >= c.Since).OrderBy(m => m.ProposedAt).ToListAsync(ct);
        var meetingViews = meetings.Select(m => new MeetingView(m,
            m.PlaceSealed is null ? null : protector.Open(m.PlaceSealed, ConversationMeeting.PlacePurpose, m.Id), m.ProposedBy == c.Side)).ToList();
        string? note = null;
        if (c.IsSupporter && await db.Set<SupporterNote>().AsNoTracking().SingleOrDefaultAsync(n => n.RequestId == c.Id && n.SupporterId == c.Me, ct) is { } row)
        {
            note = protector.Open(row.NoteSealed, SupporterNote.NotePurpose, row.Id);
        }
        await FinishReadAsync(c, messages, opened || meetingViews.Any(m => m.Place is not null) || note is not null, ct);
        return new ConversationThread(messages, meetingViews, note);
    }

    /// <summary>Messages after <paramref name="after"/> (for the live view); the read is audited when any came back.</summary>
    public async Task<IReadOnlyList<MessageView>> MessagesAfterAsync(Conversation c, int after, CancellationToken ct)
    {
        var (messages, opened) = await MessagesCoreAsync(c, after, ct);
        await FinishReadAsync(c, messages, opened, ct);
        return messages;
    }

    private async Task<(List<MessageView> Messages, bool Opened)> MessagesCoreAsync(Conversation c, int after, CancellationToken ct)
    {
        var rows = await db.Set<ConversationMessage>().AsNoTracking()
            .Where(m => m.RequestId == c.Id && m.Number > after && m.SentAt >= c.Since)
            .OrderBy(m => m.Number).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return ([], false);
        }
        var authors = rows.Where(m => m.AuthorId is not null).Select(m => m.AuthorId!.Value).Distinct().ToList();
        var names = await db.People.Where(p => authors.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var resourceIds = rows.Where(m => m.ResourceId is not null).Select(m => m.ResourceId!.Value).Distinct().ToList();
        var cards = await db.Set<SupportResource>().AsNoTracking().Where(r => resourceIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var views = rows.Select(m => new MessageView(
            m.Id, m.Number, m.SentAt, AuthorLabel(c, m, names), m.AuthorId == c.Me, m.Kind,
            m.BodySealed is null ? null : protector.Open(m.BodySealed, ConversationMessage.BodyPurpose, m.Id),
            m.ResourceId is { } r ? cards.GetValueOrDefault(r) : null, m.Consent, m.ConsentAt,
            c.IsSupporter ? m.Risk : RiskLevel.None)).ToList();
        return (views, true);
    }

    private string AuthorLabel(Conversation c, ConversationMessage m, Dictionary<Guid, string> names)
    {
        if (m.AuthorId == c.Me)
        {
            return t["You"];
        }
        if (m.AuthorSide == ConversationSide.Requester)
        {
            return c.Request.ShowName && names.TryGetValue(c.Request.PersonId, out var name) ? name : c.Request.Pseudonym;
        }
        return m.AuthorId is { } id && names.TryGetValue(id, out var supporter) ? supporter : t["A former supporter"];
    }

    /// <summary>
    /// Moves the reader's read state on and audits the read, in one save. Two views at once by someone with no read-state
    /// row yet (two tabs) both add one; the unique index refuses the later, which then undoes its attempt and finds the
    /// earlier's row (<see cref="ChangeMark.SaveNumberedAsync{T}"/>), so both views are shown and both reads audited.
    /// </summary>
    private Task<bool> FinishReadAsync(Conversation c, List<MessageView> messages, bool opened, CancellationToken ct) =>
        ChangeMark.SaveNumberedAsync(db, async () =>
        {
            if (messages.Count > 0)
            {
                (await ReadStateAsync(c, ct)).ReadUpTo(messages[^1].Number, clock.GetUtcNow());
            }
            if (opened)
            {
                // One audit event per page view or poll that returned content, whoever reads it.
                RecordByParticipant(c, AuditActions.ProtectedRead);
            }
            return true;
        }, ct);

    private Task<ConversationRead> ReadStateAsync(Conversation c, CancellationToken ct) =>
        ReadStateAsync(db, c.Request.OrganisationId, c.Id, c.Me, ct);

    /// <summary>The person's read-state row for the conversation, added (unsaved) when they have none yet.</summary>
    internal static async Task<ConversationRead> ReadStateAsync(AppDbContext db, Guid organisationId, Guid requestId, Guid personId, CancellationToken ct)
    {
        if (await db.Set<ConversationRead>().SingleOrDefaultAsync(r => r.RequestId == requestId && r.PersonId == personId, ct) is { } read)
        {
            return read;
        }
        read = ConversationRead.Start(organisationId, requestId, personId);
        db.Add(read);
        return read;
    }

    // ---- Email notices of new messages ----

    /// <summary>Whether the participant is emailed about new messages here: their own choice, or their side's default.</summary>
    public async Task<bool> NoticesOnAsync(Conversation c, CancellationToken ct) =>
        await db.Set<ConversationRead>().Where(r => r.RequestId == c.Id && r.PersonId == c.Me).Select(r => r.EmailNotices).SingleOrDefaultAsync(ct)
        ?? MessageNotices.ByDefault(c.Side);

    /// <summary>
    /// Records the participant's choice, audited without content beyond on or off (the requester without their account).
    /// Two at once by someone with no read-state row yet take the same row, as two views do.
    /// </summary>
    public Task SetNoticesAsync(Conversation c, bool on, CancellationToken ct) =>
        ChangeMark.SaveNumberedAsync(db, async () =>
        {
            (await ReadStateAsync(c, ct)).ChooseNotices(on);
            RecordByParticipant(c, ConversationAudit.NoticesChanged, on ? "notices=on" : "notices=off");
            return true;
        }, ct);

    /// <summary>Checks a message; returns the English problem (a localization key) or null.</summary>
    public static string? CheckMessage(Conversation c, string? body) =>
        !c.IsOpen ? "This conversation is closed." :
        string.IsNullOrWhiteSpace(body) ? "Write a message first." :
        body.Length > ConversationMessage.BodyMaxLength ? "The message is too long." : null;

    /// <summary>
    /// Sends a message. What the requester writes goes through the safety screen's text check first: risk found opens (or
    /// adds to) the conversation's safety concern before the message is stored, so a failure later can only mean an alert
    /// too many, never one missed. The supporter's messages are not checked (asking someone directly whether they are
    /// thinking of ending their life is what supporters are trained to do); the supporter raises a concern themselves.
    /// Null, and no message stored, when the conversation is no longer open for this side (<see cref="AddMessageAsync"/>):
    /// the caller tells the sender; a concern their words raised stays raised.
    /// </summary>
    public async Task<ConversationMessage?> SendAsync(Conversation c, string body, CancellationToken ct)
    {
        var text = body.Trim();
        var risk = c.IsRequester ? concerns.Check(text) : TextRiskResult.Empty;
        if (risk.Level > RiskLevel.None)
        {
            await concerns.RaiseAsync(c.Request, ConcernSource.Message, risk.Level, risk.Categories, ct);
        }
        return await AddMessageAsync(c, MessageKind.Text, text, null, ct, risk.Level);
    }

    /// <summary>
    /// Stores a message while the conversation is still open for this side, checked by a guarded write of the request in
    /// the message's transaction: a close saved first leaves it unstored (null), and a close saved after waits for it, so
    /// a message never lands in a conversation already closed, where nobody would read it.
    /// </summary>
    private Task<ConversationMessage?> AddMessageAsync(Conversation c, string kind, string? body, Guid? resourceId, CancellationToken ct, RiskLevel risk = RiskLevel.None) =>
        // Both sides may post at the same moment: the unique (conversation, number) index refuses the second number, and
        // the post takes the next one instead of failing (a first post's new read-state row is made again with it).
        ChangeMark.SaveNumberedWhileAsync(db, () => db.Set<SupportRequestRecord>()
            .Where(r => r.Id == c.Id && r.Status == RequestStatus.Active && (c.IsRequester || r.SupporterId == c.Me))
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, r => r.Status), ct), async () =>
        {
            var now = clock.GetUtcNow();
            var number = 1 + (await db.Set<ConversationMessage>().Where(m => m.RequestId == c.Id).MaxAsync(m => (int?)m.Number, ct) ?? 0);
            var message = ConversationMessage.Write(c.Request.OrganisationId, c.Id, number, c.Me, c.Side, kind, resourceId, now);
            message.SealBody(body is null ? null : protector.Seal(body, ConversationMessage.BodyPurpose, message.Id));
            message.MarkRisk(risk);
            db.Add(message);
            if (c.IsSupporter)
            {
                c.Request.SupporterReplied(now);
            }
            (await ReadStateAsync(c, ct)).ReadUpTo(number, now);
            return message;
        }, ct);

    // ---- Lists ----

    /// <summary>
    /// The signed-in person's own conversations (requests a supporter has accepted), newest first. The supporter is named
    /// only while they hold the conversation (active, or closed with them); a request back in the queue or offered to
    /// someone else who has not accepted yet shows as waiting, so a supporter is never revealed before they accept.
    /// </summary>
    public async Task<IReadOnlyList<ConversationRow>> RequesterListAsync(CancellationToken ct)
    {
        var me = actor.PersonId!.Value;
        var requests = await db.Set<SupportRequestRecord>().AsNoTracking()
            .Where(r => r.PersonId == me && r.FirstAcceptedAt != null && r.Status != RequestStatus.Withdrawn)
            .OrderByDescending(r => r.CreatedAt).ToListAsync(ct);
        static Guid? Holder(SupportRequestRecord r) => r.Status is RequestStatus.Active or RequestStatus.Closed ? r.SupporterId : null;
        var supporters = requests.Select(Holder).OfType<Guid>().Distinct().ToList();
        var names = await db.People.Where(p => supporters.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var unread = await UnreadAsync(requests, me, ConversationSide.Supporter, ct);
        return [.. requests.Select(r => new ConversationRow(r.Id,
            Holder(r) is { } s && names.TryGetValue(s, out var name) ? name : t["Waiting for a supporter"],
            r.Status, r.FirstAcceptedAt!.Value, r.ClosedAt, unread.GetValueOrDefault(r.Id)))];
    }

    /// <summary>
    /// What the signed-in person has open as a requester, for their home page: how many requests still wait for a supporter
    /// (waiting, or offered to someone who has not accepted: to the requester both are waiting), and their open
    /// conversations with unread counts, named as on <see cref="RequesterListAsync"/>.
    /// </summary>
    public async Task<RequesterOverview> RequesterOverviewAsync(CancellationToken ct)
    {
        var me = actor.PersonId!.Value;
        var waiting = 0;
        var conversations = new List<ConversationRow>();
        await foreach (var row in OpenSupport.For(db)(db, me).WithCancellation(ct))
        {
            if (row.Status != RequestStatus.Active)
            {
                waiting++;
                continue;
            }
            conversations.Add(new ConversationRow(row.Id, row.Supporter ?? t["Waiting for a supporter"], row.Status, row.FirstAcceptedAt!.Value, null, row.Unread));
        }
        return new RequesterOverview(waiting, conversations);
    }

    private sealed record OpenSupportRow(Guid Id, RequestStatus Status, DateTimeOffset? FirstAcceptedAt, string? Supporter, int Unread);

    // Compiled once, one round trip: every signed-in visit to the home page runs it. The same rules as the requester's list
    // (the supporter named only while they hold the conversation; unread = the supporter's messages after the last read).
    private static readonly ModelBoundQuery<Func<AppDbContext, Guid, IAsyncEnumerable<OpenSupportRow>>> OpenSupport = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid me) =>
            db.Set<SupportRequestRecord>()
                .Where(r => r.PersonId == me && (r.Status == RequestStatus.Waiting || r.Status == RequestStatus.Offered || r.Status == RequestStatus.Active))
                .OrderByDescending(r => r.CreatedAt)
                .Select(r => new OpenSupportRow(r.Id, r.Status, r.FirstAcceptedAt,
                    r.Status == RequestStatus.Active ? db.People.Where(p => p.Id == r.SupporterId).Select(p => p.Name).FirstOrDefault() : null,
                    r.Status == RequestStatus.Active
                        ? db.Set<ConversationMessage>().Count(m => m.RequestId == r.Id && m.AuthorSide == ConversationSide.Supporter
                            && m.Number > (db.Set<ConversationRead>().Where(x => x.RequestId == r.Id && x.PersonId == me).Select(x => (int?)x.LastReadNumber).FirstOrDefault() ?? 0))
                        : 0))));

    /// <summary>The signed-in supporter's open conversations and those closed recently, with unread counts.</summary>
    public async Task<IReadOnlyList<ConversationRow>> SupporterListAsync(CancellationToken ct)
    {
        var me = actor.PersonId!.Value;
        var recent = clock.GetUtcNow().AddDays(-Settings.RecentlyClosedDays);
        var requests = await db.Set<SupportRequestRecord>().AsNoTracking()
            .Where(r => r.SupporterId == me && (r.Status == RequestStatus.Active || (r.Status == RequestStatus.Closed && r.ClosedAt >= recent)))
            .ToListAsync(ct);
        var shown = requests.Where(r => r.ShowName).Select(r => r.PersonId).Distinct().ToList();
        var names = await db.People.Where(p => shown.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var unread = await UnreadAsync(requests, me, ConversationSide.Requester, ct);
        var concerned = await concerns.OpenAmongAsync([.. requests.Select(r => r.Id)], ct);
        return [.. requests
            .OrderBy(r => concerned.Contains(r.Id) ? 0 : 1).ThenBy(r => r.Status == RequestStatus.Active ? 0 : 1).ThenByDescending(r => r.SupporterSince)
            .Select(r => new ConversationRow(r.Id, r.ShowName && names.TryGetValue(r.PersonId, out var name) ? name : r.Pseudonym,
                r.Status, r.SupporterSince!.Value, r.ClosedAt, unread.GetValueOrDefault(r.Id), concerned.Contains(r.Id)))];
    }

    /// <summary>Messages from the other side after the person's last read (for a supporter, only since they accepted).</summary>
    private async Task<Dictionary<Guid, int>> UnreadAsync(IReadOnlyList<SupportRequestRecord> requests, Guid me, string otherSide, CancellationToken ct)
    {
        var ids = requests.Select(r => r.Id).ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var reads = await db.Set<ConversationRead>().Where(r => ids.Contains(r.RequestId) && r.PersonId == me)
            .ToDictionaryAsync(r => r.RequestId, r => r.LastReadNumber, ct);
        var messages = await db.Set<ConversationMessage>()
            .Where(m => ids.Contains(m.RequestId) && m.AuthorSide == otherSide)
            .Select(m => new { m.RequestId, m.Number, m.SentAt }).ToListAsync(ct);
        var since = requests.ToDictionary(r => r.Id, r => otherSide == ConversationSide.Requester ? r.SupporterSince ?? DateTimeOffset.MaxValue : DateTimeOffset.MinValue);
        return messages
            .Where(m => m.Number > reads.GetValueOrDefault(m.RequestId) && m.SentAt >= since[m.RequestId])
            .GroupBy(m => m.RequestId).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>
    /// Audits what a participant did in the conversation: the supporter with their account, the requester without
    /// theirs (<see cref="AuditLog.HiddenRequester"/>), so that the log does not show administrators who asked for support.
    /// </summary>
    private void RecordByParticipant(Conversation c, string action, string? detail = null)
    {
        if (c.IsRequester)
        {
            audit.RecordAsHiddenRequester(action, ConversationAudit.Target, c.Id, detail);
        }
        else
        {
            audit.Record(action, ConversationAudit.Target, c.Id, detail: detail);
        }
    }

    // ---- Closing, feedback, reopening ----

    /// <summary>
    /// Closes the conversation for the side <paramref name="c"/> speaks for. Closing frees a place in the supporter's
    /// caseload, so it holds the matching section (<see cref="SupportOffers.EnterMatchingAsync"/>) as everything else that
    /// fills or frees one does, and decides on the request as it stands once inside: false, and nothing changes, when
    /// it is no longer open for this side (the other side closed it first, or it moved to another supporter). The queue is
    /// matched again at once, as after a withdrawal or a decline.
    /// </summary>
    public async Task<bool> CloseAsync(Conversation c, CancellationToken ct)
    {
        await using var _ = await EnterAsItStandsAsync(c, ct);
        if (!c.IsOpen || (c.IsSupporter && c.Request.SupporterId != c.Me))
        {
            return false;
        }
        var by = c.IsRequester ? ClosedBy.Requester : ClosedBy.Supporter;
        c.Request.Close(by, clock.GetUtcNow());
        RecordByParticipant(c, ConversationAudit.Closed, "by=" + by);
        await db.SaveChangesAsync(ct);
        // The supporter's place is free: someone waiting may be offered it now rather than at the next background run.
        await offers.RunWhileHeldAsync(ct);
        return true;
    }

    /// <summary>
    /// Why the requester may not reopen; null when they may. The requester may reopen a closed conversation within the
    /// reopen window (and before retention removed it), and only while its supporter is still current (certified,
    /// PeerSupporter, account active): never back to someone who stopped. Nor to one whom a re-organisation since has put in
    /// the requester's management line or in that of someone they named, read from the chart now: the hard rules matching
    /// keeps to. <see cref="ReopenOutcome.SupporterConflicted"/> when everything else allows it but the supporter is now
    /// connected to their line, which the page tells them; <see cref="ReopenOutcome.NotPossible"/> for the rest.
    /// </summary>
    public async Task<ReopenOutcome?> WhyNotReopenAsync(Conversation c, CancellationToken ct)
    {
        if (!(c.IsRequester && c.Request.Status == RequestStatus.Closed && !c.ContentRemoved && c.Request.SupporterId is { } supporter
            && c.Request.ClosedAt is { } closed && clock.GetUtcNow() < closed.AddDays(Settings.ReopenDays)
            && await certification.IsCurrentAsync(supporter, ct)))
        {
            return ReopenOutcome.NotPossible;
        }
        return await pools.SupporterConflictedAsync(c.Request, ct) ? ReopenOutcome.SupporterConflicted : null;
    }

    public int ReopenDays => Settings.ReopenDays;

    /// <summary>
    /// Reopens the conversation with the same supporter. A reopened conversation is an open case of theirs again, so this
    /// holds the matching section and checks, inside it, everything <see cref="WhyNotReopenAsync"/> checks (a supporter now
    /// connected to the requester's line is <see cref="ReopenOutcome.SupporterConflicted"/>) and the supporter's
    /// caseload cap, which matching keeps to: <see cref="ReopenOutcome.SupporterFull"/> while they already hold as many
    /// open cases (offered or active) as their cap, and <see cref="ReopenOutcome.SupporterPaused"/> while they have paused
    /// (a pause means nobody new is put on them, and a conversation coming back is someone put on them again). A
    /// conversation already reopened (a second click) counts as reopened. Retention removes content inside the same section
    /// (<see cref="ConversationRetention"/>), so a conversation it has emptied is refused here as
    /// <see cref="ReopenOutcome.ContentRemoved"/>, and one reopened here is never emptied while open.
    /// </summary>
    public async Task<ReopenOutcome> ReopenAsync(Conversation c, CancellationToken ct)
    {
        await using var _ = await EnterAsItStandsAsync(c, ct);
        if (c.IsRequester && c.Request.Status == RequestStatus.Active)
        {
            return ReopenOutcome.Reopened;
        }
        if (c.IsRequester && c.Request.Status == RequestStatus.Closed && c.ContentRemoved)
        {
            return ReopenOutcome.ContentRemoved;
        }
        if (await WhyNotReopenAsync(c, ct) is { } whyNot)
        {
            return whyNot;
        }
        if (await care.IsPausedAsync(c.Request.SupporterId!.Value, ct))
        {
            return ReopenOutcome.SupporterPaused;
        }
        if (await care.AtCapAsync(c.Request.SupporterId!.Value, ct))
        {
            return ReopenOutcome.SupporterFull;
        }
        c.Request.Reopen();
        RecordByParticipant(c, ConversationAudit.Reopened);
        await db.SaveChangesAsync(ct);
        return ReopenOutcome.Reopened;
    }

    /// <summary>The requester has not yet answered the questions for this closing, and retention has not removed its content.</summary>
    public async Task<bool> AwaitsFeedbackAsync(Conversation c, CancellationToken ct) =>
        c.IsRequester && c.Request.Status == RequestStatus.Closed && c.Request.SupporterId is not null && c.Request.ClosedAt is { } closed
        && !c.ContentRemoved
        && !await db.Set<SupportFeedbackRecord>().AnyAsync(f => f.RequestId == c.Id && f.AnsweredAt >= closed, ct);

    /// <summary>
    /// Enters the matching section, which retention holds while it decides and removes (<see cref="ConversationRetention"/>),
    /// and reads the request again inside it: what is then added to the conversation is either seen by the pass that
    /// removes its content, or refused because the content is already gone, never left behind after it.
    /// </summary>
    private async Task<IAsyncDisposable> EnterAsItStandsAsync(Conversation c, CancellationToken ct)
    {
        var held = await offers.EnterMatchingAsync(ct);
        try
        {
            await db.Entry(c.Request).ReloadAsync(ct);
            return held;
        }
        catch
        {
            await held.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stores the requester's answers; a comment goes through the safety screen's text check like a message, and a
    /// concern it raises is saved with the answers, in one transaction: answers stored without their concern could not
    /// be given again (the form is gone once answered), so the risk in them would never reach anyone. Decides inside the
    /// matching section (<see cref="EnterAsItStandsAsync"/>): null, and nothing stored, when there is nothing to answer
    /// any more (retention removed the content in the meantime, or the same answers were sent twice at once). Returns what
    /// the check found.
    /// </summary>
    public async Task<RiskLevel?> GiveFeedbackAsync(Conversation c, int feltHeard, int nextSteps, int wouldRecommend, string? comment, CancellationToken ct)
    {
        await using var _ = await EnterAsItStandsAsync(c, ct);
        if (!await AwaitsFeedbackAsync(c, ct))
        {
            return null;
        }
        var feedback = SupportFeedbackRecord.Answer(c.Request.OrganisationId, c.Id, c.Request.SupporterId!.Value, feltHeard, nextSteps, wouldRecommend, clock.GetUtcNow());
        feedback.SealComment(string.IsNullOrWhiteSpace(comment) ? null : protector.Seal(comment.Trim(), SupportFeedbackRecord.CommentPurpose, feedback.Id));
        db.Add(feedback);
        RecordByParticipant(c, ConversationAudit.FeedbackGiven, "comment=" + (feedback.CommentSealed is null ? "none" : "written"));
        var risk = concerns.Check(comment);
        if (risk.Level > RiskLevel.None)
        {
            // Saves the answers pending here with the concern and its alerts.
            await concerns.RaiseAsync(c.Request, ConcernSource.Feedback, risk.Level, risk.Categories, ct);
        }
        else
        {
            await db.SaveChangesAsync(ct);
        }
        return risk.Level;
    }

    // ---- Notes ----

    /// <summary>
    /// Saves (or, when empty, removes) the signed-in supporter's own note on this conversation; false, and nothing saved,
    /// once retention has removed the conversation's content (decided inside the matching section, as retention does).
    /// </summary>
    public async Task<bool> SaveNoteAsync(Conversation c, string? text, CancellationToken ct)
    {
        if (!c.IsSupporter)
        {
            throw new InvalidOperationException("Only the supporter keeps notes.");
        }
        await using var _ = await EnterAsItStandsAsync(c, ct);
        if (c.ContentRemoved)
        {
            return false;
        }
        var note = await db.Set<SupporterNote>().SingleOrDefaultAsync(n => n.RequestId == c.Id && n.SupporterId == c.Me, ct);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (note is not null)
            {
                db.Remove(note);
            }
        }
        else
        {
            if (note is null)
            {
                note = SupporterNote.Start(c.Request.OrganisationId, c.Id, c.Me);
                db.Add(note);
            }
            note.Seal(protector.Seal(text.Trim(), SupporterNote.NotePurpose, note.Id), clock.GetUtcNow());
        }
        await db.SaveChangesAsync(ct);
        return true;
    }

    // ---- Calls and meetings ----

    public async Task<ConversationMeeting> ProposeAsync(Conversation c, IReadOnlyList<DateTimeOffset> times, int duration, string mode, string? place, CancellationToken ct)
    {
        var meeting = ConversationMeeting.Propose(c.Request.OrganisationId, c.Id, c.Side, times, duration, mode, clock.GetUtcNow());
        meeting.SealPlace(string.IsNullOrWhiteSpace(place) ? null : protector.Seal(place.Trim(), ConversationMeeting.PlacePurpose, meeting.Id));
        db.Add(meeting);
        RecordByParticipant(c, ConversationAudit.MeetingProposed, $"times={times.Count};mode={mode}");
        await db.SaveChangesAsync(ct);
        return meeting;
    }

    /// <summary>A proposal this participant may see; null otherwise.</summary>
    public Task<ConversationMeeting?> MeetingAsync(Conversation c, Guid meetingId, CancellationToken ct) =>
        db.Set<ConversationMeeting>().SingleOrDefaultAsync(m => m.Id == meetingId && m.RequestId == c.Id && m.ProposedAt >= c.Since, ct);

    /// <summary>
    /// Accepts one of the times (0 to 2) or declines (null), in one guarded write: false, and nothing changes, when the
    /// suggestion was answered in the meantime (two tabs at once: the first answer stands).
    /// </summary>
    public async Task<bool> AnswerMeetingAsync(Conversation c, ConversationMeeting meeting, int? option, CancellationToken ct)
    {
        if (option is { } chosen)
        {
            meeting.Accept(chosen, clock.GetUtcNow());
        }
        else
        {
            meeting.Decline(clock.GetUtcNow());
        }
        return await ChangeMark.SaveGuardedAsync(db, meeting, db.Set<ConversationMeeting>().Where(m => m.Id == meeting.Id && m.Status == MeetingStatus.Proposed),
            u => u.SetProperty(m => m.Status, meeting.Status).SetProperty(m => m.AcceptedStart, meeting.AcceptedStart).SetProperty(m => m.AnsweredAt, meeting.AnsweredAt),
            () => RecordByParticipant(c, ConversationAudit.MeetingAnswered, "answer=" + (option is null ? "declined" : "accepted")), ct);
    }

    /// <summary>Opens the place of an accepted meeting for the calendar file, auditing the read.</summary>
    public async Task<string?> ReadPlaceAsync(Conversation c, ConversationMeeting meeting, CancellationToken ct)
    {
        if (meeting.PlaceSealed is null)
        {
            return null;
        }
        RecordByParticipant(c, AuditActions.ProtectedRead);
        await audit.SaveAsync(ct);
        return protector.Open(meeting.PlaceSealed, ConversationMeeting.PlacePurpose, meeting.Id);
    }

    // ---- Referrals and handovers ----

    public Task<IReadOnlyList<SupportResource>> DirectoryAsync(CancellationToken ct) => resources.ListAsync(new ResourceFilter(), ct);

    public Task<SupportResource?> ResourceAsync(Guid id, CancellationToken ct) => resources.FindAsync(id, ct);

    /// <summary>Suggests a service (or proposes a handover to it); false, and nothing stored, when the conversation closed meanwhile.</summary>
    public async Task<bool> ReferAsync(Conversation c, SupportResource resource, bool handover, string? note, CancellationToken ct)
    {
        if (await AddMessageAsync(c, handover ? MessageKind.Handover : MessageKind.Referral,
            string.IsNullOrWhiteSpace(note) ? null : note.Trim(), resource.Id, ct) is not { } message)
        {
            return false;
        }
        audit.Record(handover ? ConversationAudit.HandoverProposed : ConversationAudit.Referred, ConversationAudit.Target, c.Id,
            detail: $"message={message.Number};kind={resource.Kind}");
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>A handover in this conversation still waiting for the requester's answer; null otherwise.</summary>
    public Task<ConversationMessage?> PendingHandoverAsync(Conversation c, Guid messageId, CancellationToken ct) =>
        db.Set<ConversationMessage>().SingleOrDefaultAsync(m => m.Id == messageId && m.RequestId == c.Id && m.Kind == MessageKind.Handover && m.Consent == null, ct);

    /// <summary>
    /// Records the requester's consent to a handover or their refusal, in one guarded write: false, and nothing changes, when
    /// it was answered in the meantime (two tabs at once: the first answer stands).
    /// </summary>
    public async Task<bool> AnswerHandoverAsync(Conversation c, ConversationMessage handover, string consent, CancellationToken ct)
    {
        handover.Answer(consent, clock.GetUtcNow());
        return await ChangeMark.SaveGuardedAsync(db, handover, db.Set<ConversationMessage>().Where(m => m.Id == handover.Id && m.Consent == null),
            u => u.SetProperty(m => m.Consent, handover.Consent).SetProperty(m => m.ConsentAt, handover.ConsentAt),
            () => RecordByParticipant(c, ConversationAudit.HandoverAnswered, $"message={handover.Number};consent={consent}"), ct);
    }
}
