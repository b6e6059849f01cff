using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.People;
using Upstander.Features.Training;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.PeerSupport.Offers;

public static class OfferAudit
{
    public const string SettingsChanged = "peer-support.matching-settings-changed";
    public const string Offered = "peer-support.offer-made";
    public const string Accepted = "peer-support.offer-accepted";
    public const string Declined = "peer-support.offer-declined";
    public const string Expired = "peer-support.offer-expired";
    public const string Withdrawn = "peer-support.offer-withdrawn";
    public const string Reassigned = "peer-support.request-reassigned";
    public const string ReturnedToQueue = "peer-support.request-returned";

    /// <summary>A routine request came back to its requester, who chooses, without their doing: they were told to choose again.</summary>
    public const string ChooseAgain = "peer-support.requester-asked-to-choose-again";

    /// <summary>The requester turned the email about choosing again on or off for their request (detail <c>email=on|off</c>).</summary>
    public const string ChooseAgainEmailChanged = "peer-support.choose-again-email-changed";

    public const string Blocked = "peer-support.supporter-blocked";
    public const string Unblocked = "peer-support.supporter-unblocked";
    public const string TargetOffer = "support-offer";
    public const string TargetSettings = "matching-settings";
    public const string TargetBlock = "supporter-block";
}

/// <summary>A suggestion as the requester sees it: an opaque token (never the supporter's id) and the plain words.</summary>
public sealed record RequesterSuggestion(string Token, string Text);

/// <summary>
/// Where a request stands for its requester, in plain words, and what they may do. <see cref="Chooses"/>: whenever the request
/// waits, it waits for its requester's choice (routine, and requesters choose), so a supporter who cannot take it on sends
/// it back to them, not to someone else. <see cref="ChooseAgain"/>: it is waiting for that choice after a supporter had it.
/// <see cref="MayComeBack"/>: it could still come back to its requester to choose again (<see cref="SupportOffers.SendBackAsync"/>):
/// it is waiting, offered or taken on, routine, and requesters choose. Only then is the email about it worth choosing.
/// </summary>
public sealed record RequesterMatching(
    bool Chooses,
    IReadOnlyList<RequesterSuggestion> Suggestions,
    string? UnmatchedText,
    DateTimeOffset? AnswerBy,
    string? WhyThisSupporter,
    bool CanBlockSupporter,
    bool ChooseAgain = false,
    bool SupporterConflicted = false,
    bool MayComeBack = false);

/// <summary>A pending offer as the supporter sees it before accepting: never the requester's own words.</summary>
public sealed record SupporterOfferView(
    Guid OfferId, string Topic, string Timing, string Channel, string? Language, QueuePriority Priority, string Who, bool NameShown, DateTimeOffset AnswerBy);

/// <summary>An eligible supporter the coordinator may move a request to, with the engine's explanation.</summary>
public sealed record ReassignOption(Guid SupporterId, string Name, string Summary);

/// <summary>The reassign page: the request (never its words), the current match and up to three alternatives.</summary>
public sealed record ReassignView(
    SupportRequestRecord Request, string Who, bool NameShown, string? CurrentSupporter, string? CurrentSummary,
    IReadOnlyList<ReassignOption> Options, string? NoneText);

/// <summary>
/// An open match for the coordinators' list: who asked (name only if allowed), the supporter, where it stands, and whether
/// the supporter of an active conversation now breaks a management-chain hard rule (never which rule or who).
/// </summary>
public sealed record OpenMatchRow(Guid RequestId, QueuePriority Priority, RequestStatus Status, string Who, bool NameShown, string Supporter, bool SupporterConflicted = false);

public enum AcceptResult
{
    Accepted,
    NotFound,

    /// <summary>The supporter is no longer current (certificate lapsed, role or account gone): the offer expired back to matching.</summary>
    NoLongerCurrent,

    /// <summary>
    /// Since the offer, a re-organisation put the supporter in the requester's management line or that of someone they named:
    /// the offer expired back to matching.
    /// </summary>
    Conflicted,
}

public enum ChooseResult
{
    Offered,
    Invalid,
    NoLongerPossible,
}

/// <summary>
/// The matching lifecycle of the current organisation: the coordinator's settings, offering requests to
/// supporters (the requester's choice, the automatic runner, a coordinator's reassignment), accepting,
/// declining and expiry, and the requester's blocks. Scoped.
/// </summary>
public sealed class SupportOffers(
    AppDbContext db, TimeProvider clock, AuditLog audit, CurrentActor actor, FieldProtector protector,
    MatchingPoolSource pools, ExclusiveLocks locks, SupporterCertification certification, WorkMail mail,
    IStringLocalizer<SharedResource> t) : Accounts.IHandOverSweep
{
    public const string SuggestionPurpose = "peer-support.suggestion";

    /// <summary>The outbox purpose of the email telling a supporter a request is offered to them.</summary>
    public const string OfferMailPurpose = "peer-support.offer";

    /// <summary>The outbox purpose of the email telling a requester that their request needs them to choose a supporter again.</summary>
    public const string ChooseAgainMailPurpose = "peer-support.choose-again";

    /// <summary>
    /// Held by everything that offers a request or frees a supporter's slot, in every process: two offers made at
    /// once never take a supporter beyond their cap, because each reads the caseloads after the other saved.
    /// </summary>
    public const string MatchingSection = "peer-support.matching";

    private Guid OrganisationId => db.CurrentOrganisationId!.Value;

    /// <summary>
    /// Enters the organisation's <see cref="MatchingSection"/>; disposing the holder leaves it. Not re-entrant: what
    /// holds it must not call a method of this class that enters it again (<see cref="RunAsync"/> among them).
    /// </summary>
    public Task<IAsyncDisposable> EnterMatchingAsync(CancellationToken ct) => EnterMatchingAsync(locks, db, ct);

    /// <summary>
    /// <see cref="EnterMatchingAsync(CancellationToken)"/> for a service this class depends on and so cannot take it
    /// (<see cref="Care.SupporterCare"/>, whose supporters matching reads).
    /// </summary>
    public static Task<IAsyncDisposable> EnterMatchingAsync(ExclusiveLocks locks, AppDbContext db, CancellationToken ct) =>
        locks.EnterAsync(db, MatchingSection, db.CurrentOrganisationId!.Value, ct);

    // ---- Settings ----

    public async Task<MatchingSettings> SettingsAsync(CancellationToken ct) =>
        await db.Set<MatchingSettings>().SingleOrDefaultAsync(ct) ?? MatchingSettings.Defaults(OrganisationId);

    /// <summary>Saves the coordinator's settings (already validated), audited; automatic mode runs the queue at once.</summary>
    public async Task SaveSettingsAsync(MatchingOptions options, int offerHours, int urgentOfferHours, CancellationToken ct)
    {
        var settings = await db.Set<MatchingSettings>().SingleOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = MatchingSettings.Defaults(OrganisationId);
            db.Add(settings);
        }
        settings.Apply(options, offerHours, urgentOfferHours, clock.GetUtcNow());
        audit.Record(OfferAudit.SettingsChanged, OfferAudit.TargetSettings, OrganisationId, detail: string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"mode={options.Mode};weights={options.OutsideDepartmentWeight}/{options.SharedExperienceWeight}/{options.LoadBalanceWeight}/{options.FeedbackWeight};hours={offerHours}/{urgentOfferHours}"));
        await db.SaveChangesAsync(ct);
        await RunAsync(ct);
    }

    // ---- The runner ----

    /// <summary>
    /// Expires overdue offers, then assigns the waiting queue optimally (<see cref="SupportMatcher.AssignQueue"/>)
    /// and offers each matched request to its supporter: the whole queue in automatic mode, the raised and
    /// urgent requests only when requesters choose. Serialised per organisation. Returns the offers made.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using var _ = await EnterMatchingAsync(ct);
        return await RunLockedAsync(ct);
    }

    /// <summary>The same run, for a caller that already holds the matching section (closing a conversation frees a place).</summary>
    public Task<int> RunWhileHeldAsync(CancellationToken ct) => RunLockedAsync(ct);

    private async Task<int> RunLockedAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var settings = await SettingsAsync(ct);
        var (expired, chart) = await ExpireNoLongerPossibleAsync(now, settings, notCurrentOnly: false, ct);
        if (expired > 0)
        {
            await db.SaveChangesAsync(ct);
        }

        var waiting = db.Set<SupportRequestRecord>().Where(r => r.Status == RequestStatus.Waiting);
        if (settings.Mode == MatchingMode.RequesterChooses)
        {
            waiting = waiting.Where(r => r.Priority != QueuePriority.Routine);
        }
        var queue = await waiting.OrderByDescending(r => r.Priority).ThenBy(r => r.CreatedAt).ToListAsync(ct);
        if (queue.Count == 0)
        {
            return 0;
        }
        var pool = await pools.PoolAsync(chart, ct);
        var assignment = new SupportMatcher(settings.Options).AssignQueue(await pools.RequestsAsync(queue, ct), pool);
        var offered = 0;
        foreach (var outcome in assignment.Outcomes)
        {
            if (outcome.SupporterId is { } supporterId)
            {
                await MakeOfferAsync(queue.Single(r => r.Id == outcome.RequestId), supporterId, OfferHow.Automatic, outcome.Match, settings, now, ct);
                offered++;
            }
        }
        await db.SaveChangesAsync(ct);
        return offered;
    }

    /// <summary>Organisations with something for the runner: a waiting request or a pending offer.</summary>
    public Task<List<Guid>> OrganisationsToRunAsync(CancellationToken ct) =>
        db.Set<SupportRequestRecord>().IgnoreQueryFilters()
            .Where(r => r.Status == RequestStatus.Waiting || r.Status == RequestStatus.Offered)
            .Select(r => r.OrganisationId).Distinct().ToListAsync(ct);

    // ---- The requester ----

    /// <summary>Where the requester's request stands: suggestions to choose from, the offer's deadline, or why this supporter.</summary>
    public async Task<RequesterMatching> ForRequesterAsync(SupportRequestRecord request, CancellationToken ct)
    {
        var canBlock = await LastSupporterAsync(request, ct) is not null;
        // Read once: whether it waits for its requester's choice, and whether it could still come back to them.
        var settings = request.Status is RequestStatus.Waiting or RequestStatus.Offered or RequestStatus.Active ? await SettingsAsync(ct) : null;
        var chooses = settings is not null && Chooses(settings, request);
        switch (request.Status)
        {
            case RequestStatus.Waiting:
                var result = new SupportMatcher(settings!.Options).Suggest((await pools.RequestsAsync([request], ct))[0], await pools.PoolAsync(ct));
                var again = chooses && await ChooseAgainAsync(request, ct);
                return new RequesterMatching(chooses,
                    chooses ? [.. result.Suggestions.Select(s => new RequesterSuggestion(protector.Seal(s.SupporterId.ToString("N"), SuggestionPurpose, request.Id), s.Explanation.ForRequester.Text))] : [],
                    result.None?.RequesterText, null, null, canBlock, again, MayComeBack: chooses);
            case RequestStatus.Offered:
                var pending = await db.Set<SupportOffer>().Where(o => o.RequestId == request.Id && o.Outcome == OfferOutcome.Pending).FirstOrDefaultAsync(ct);
                return new RequesterMatching(chooses, [], null, pending?.AnswerBy, null, canBlock, MayComeBack: chooses);
            case RequestStatus.Active or RequestStatus.Closed:
                var accepted = await db.Set<SupportOffer>().Where(o => o.RequestId == request.Id && o.Outcome == OfferOutcome.Accepted)
                    .OrderByDescending(o => o.OfferedAt).FirstOrDefaultAsync(ct);
                // Read from the chart now, for this one request: a re-organisation since the match may have broken a chain rule.
                var conflicted = request.Status == RequestStatus.Active && await pools.SupporterConflictedAsync(request, ct);
                return new RequesterMatching(false, [], null, null, accepted?.RequesterText, canBlock, SupporterConflicted: conflicted, MayComeBack: chooses);
            default:
                return new RequesterMatching(false, [], null, null, null, canBlock);
        }
    }

    /// <summary>
    /// Whether a waiting request waits for its requester's choice again because a supporter had it and cannot take it on,
    /// read from the request's latest offer, never from the block list as it stands now (a block removed since changes
    /// nothing about what happened). Declined, expired or taken back by a coordinator: yes. Withdrawn: no, since on a
    /// waiting request only the requester's own block withdraws an offer (<see cref="BlockAsync"/>; withdrawing the request
    /// leaves it withdrawn, and the hand-over sweep returns active requests only), and the page says only that they will not
    /// be matched with that supporter again. Still accepted: the conversation came back either by the requester's block or
    /// by the hand-over sweep (<see cref="SweepAsync"/>) because the supporter's account was stopped or they lost the
    /// PeerSupporter role; so yes exactly when that supporter is no longer an active PeerSupporter. No offer row: a
    /// conversation taken on before offers were recorded and handed back.
    /// </summary>
    private async Task<bool> ChooseAgainAsync(SupportRequestRecord request, CancellationToken ct)
    {
        var latest = await db.Set<SupportOffer>().Where(o => o.RequestId == request.Id).OrderByDescending(o => o.OfferedAt)
            .Select(o => new { o.SupporterId, o.Outcome }).FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            return request.FirstAcceptedAt is not null;
        }
        var supporterId = latest.SupporterId;
        return latest.Outcome switch
        {
            OfferOutcome.Withdrawn => false,
            OfferOutcome.Accepted => !await Accounts.AccountLifecycle.ActivePeopleInRole(db, Roles.PeerSupporter).AnyAsync(id => id == supporterId, ct),
            _ => true,
        };
    }

    /// <summary>
    /// The requester chose a suggestion: the hard rules are checked again now (a supporter may have filled up,
    /// paused or been blocked since) and, if they hold, the request is offered to that supporter.
    /// </summary>
    public async Task<ChooseResult> ChooseAsync(SupportRequestRecord request, string? token, CancellationToken ct)
    {
        if (OpenToken(token, request.Id) is not { } supporterId)
        {
            return ChooseResult.Invalid;
        }
        await using var _ = await EnterMatchingAsync(ct);
        await db.Entry(request).ReloadAsync(ct);
        var settings = await SettingsAsync(ct);
        if (request.Status != RequestStatus.Waiting || !Chooses(settings, request))
        {
            return ChooseResult.Invalid;
        }
        var match = await CheckAsync(request, supporterId, settings, [], ct);
        if (match is null)
        {
            return ChooseResult.NoLongerPossible;
        }
        await MakeOfferAsync(request, supporterId, OfferHow.RequesterChose, match, settings, clock.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
        return ChooseResult.Offered;
    }

    /// <summary>
    /// The requester withdraws their waiting or offered request: an offered one's pending offer ends as withdrawn, in the
    /// same save, and the queue is matched again (the supporter's slot is free). Holds the matching section. False (nothing
    /// changes) when the request is neither waiting nor offered once the section is entered.
    /// </summary>
    public async Task<bool> WithdrawAsync(SupportRequestRecord request, CancellationToken ct)
    {
        await using var _ = await EnterMatchingAsync(ct);
        await db.Entry(request).ReloadAsync(ct);
        if (request.Status is not (RequestStatus.Waiting or RequestStatus.Offered))
        {
            return false;
        }
        var now = clock.GetUtcNow();
        var wasOffered = request.Status == RequestStatus.Offered;
        if (wasOffered && await EndPendingOfferAsync(request.Id, OfferOutcome.Withdrawn, now, ct) is { } pending)
        {
            audit.RecordAsHiddenRequester(OfferAudit.Withdrawn, OfferAudit.TargetOffer, pending.Id);
        }
        request.Withdraw(now);
        audit.RecordAsHiddenRequester(RequestAudit.Withdrawn, RequestAudit.Target, request.Id);
        await db.SaveChangesAsync(ct);
        if (wasOffered)
        {
            await RunLockedAsync(ct);
        }
        return true;
    }

    /// <summary>Blocks the supporter who last took this request on ("don't match me with this supporter again").</summary>
    public async Task<bool> BlockSupporterOfAsync(SupportRequestRecord request, CancellationToken ct) =>
        await LastSupporterAsync(request, ct) is { } supporterId && await BlockAsync(supporterId, ct);

    /// <summary>
    /// The supporter who holds an active request, or else the one who last accepted it: a conversation taken on before offers
    /// were recorded has no accepted offer, and its requester may still need to ask for another supporter (for one whom a
    /// re-organisation has put in their line, <see cref="RequesterMatching.SupporterConflicted"/>).
    /// </summary>
    private async Task<Guid?> LastSupporterAsync(SupportRequestRecord request, CancellationToken ct) =>
        request.Status == RequestStatus.Active && request.SupporterId is { } holder
            ? holder
            : await db.Set<SupportOffer>().Where(o => o.RequestId == request.Id && o.WasAccepted)
                .OrderByDescending(o => o.OfferedAt).Select(o => (Guid?)o.SupporterId).FirstOrDefaultAsync(ct);

    // ---- Blocks ----

    public async Task<IReadOnlyList<NamedPerson>> BlockedAsync(CancellationToken ct)
    {
        var ids = await db.Set<SupporterBlock>().Where(b => b.RequesterId == actor.PersonId).Select(b => b.BlockedPersonId).ToListAsync(ct);
        return ids.Count == 0 ? [] : await db.People.Where(p => ids.Contains(p.Id)).OrderBy(p => p.Name).Select(p => new NamedPerson(p.Id, p.Name, p.Team)).ToListAsync(ct);
    }

    /// <summary>
    /// The signed-in person never wants <paramref name="personId"/> as a supporter. False when that is not
    /// someone else in the directory. Any request of theirs that person holds goes back to the queue.
    /// </summary>
    public async Task<bool> BlockAsync(Guid personId, CancellationToken ct)
    {
        var me = actor.PersonId!.Value;
        if (personId == me || !await db.People.AnyAsync(p => p.Id == personId, ct))
        {
            return false;
        }
        await using var _ = await EnterMatchingAsync(ct);
        if (!await db.Set<SupporterBlock>().AnyAsync(b => b.RequesterId == me && b.BlockedPersonId == personId, ct))
        {
            if (await db.Set<SupporterBlock>().CountAsync(b => b.RequesterId == me, ct) >= SupporterBlock.MaxPerPerson)
            {
                return false;
            }
            var block = SupporterBlock.Make(OrganisationId, me, personId, clock.GetUtcNow());
            db.Add(block);
            audit.RecordAsHiddenRequester(OfferAudit.Blocked, OfferAudit.TargetBlock, block.Id);
        }
        await ReturnToQueueAsync(r => r.PersonId == me && r.SupporterId == personId, "blocked", ct, byRequester: true);
        await db.SaveChangesAsync(ct);
        await RunLockedAsync(ct);
        return true;
    }

    /// <summary>
    /// Pending offers to anyone who is no longer a current supporter (the account deactivated, the PeerSupporter role taken
    /// away, the certificate lapsed) expire (<see cref="ExpireNoLongerPossibleAsync"/>), as they would at the next run; active
    /// conversations held by a supporter whose account has been deactivated (they left, or an administrator stopped it), or
    /// who no longer holds the PeerSupporter role, go back to the queue: they can no longer open the conversation, so the
    /// requester would be writing to nobody. Either way the requests are matched again at once. A lapsed certificate alone
    /// keeps the conversations: the supporter still holds the role and can go on with those they have.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using var _ = await EnterMatchingAsync(ct);
        var (moved, _) = await ExpireNoLongerPossibleAsync(clock.GetUtcNow(), null, notCurrentOnly: true, ct);
        var stopped = db.Users.Where(a => a.DeactivatedAt != null && a.PersonId != null).Select(a => a.PersonId!.Value);
        var supporters = Accounts.AccountLifecycle.ActivePeopleInRole(db, Roles.PeerSupporter);
        // Active only: an offered request of theirs has just gone back to the queue with its offer (still offered in the database).
        moved += await ReturnToQueueAsync(r => r.Status == RequestStatus.Active && r.SupporterId != null && stopped.Contains(r.SupporterId.Value), "supporter-deactivated", ct);
        // The two never overlap, so no request is returned twice in this unit of work.
        moved += await ReturnToQueueAsync(r => r.Status == RequestStatus.Active && r.SupporterId != null
            && !stopped.Contains(r.SupporterId.Value) && !supporters.Contains(r.SupporterId.Value), "supporter-role-removed", ct);
        if (moved > 0)
        {
            await db.SaveChangesAsync(ct);
            await RunLockedAsync(ct);
        }
        return moved;
    }

    /// <summary>
    /// Expires every pending offer that can no longer be taken on, for the first reason that holds: its answer time has
    /// passed; its supporter is no longer current (certificate lapsed, PeerSupporter role or account gone:
    /// <c>reason=supporter-not-current</c>), so that the request goes back at once instead of waiting out the answer time;
    /// or a re-organisation since the offer (a manager edited by an administrator or changed by an import) put the supporter
    /// in the requester's management line or in that of someone the requester named
    /// (<see cref="MatchingPoolSource.ChainConflicted"/>, decided from the chart as it stands now, so no change to people
    /// needs to tell matching: <c>reason=supporter-conflicted</c>, nothing about who). Audited as the system. An expiry, not a
    /// withdrawal: that supporter is not offered the request again, even if they come back. A request the offer still holds
    /// goes back through <see cref="SendBackAsync"/>. One read of the pending offers, with their request's requester and
    /// named people (never its sealed details), and of the chart, which is returned for the caller's pool. The runner asks
    /// for all three; the hand-over sweep (<paramref name="notCurrentOnly"/>) for the not-current only. The caller holds the
    /// matching section and saves; returns how many expired.
    /// </summary>
    private async Task<(int Expired, OrgChart? Chart)> ExpireNoLongerPossibleAsync(
        DateTimeOffset now, MatchingSettings? settings, bool notCurrentOnly, CancellationToken ct)
    {
        var current = certification.CurrentSupporters;
        var query = from o in db.Set<SupportOffer>()
                    join r in db.Set<SupportRequestRecord>() on o.RequestId equals r.Id
                    where o.Outcome == OfferOutcome.Pending
                    select new { Offer = o, NotCurrent = !current.Contains(o.SupporterId), Requester = r.PersonId, r.NamedPeople };
        if (notCurrentOnly)
        {
            query = query.Where(p => p.NotCurrent);
        }
        // Offers the caller has just ended in this unit of work are still pending in the database: the second check skips them.
        var pending = (await query.ToListAsync(ct)).Where(p => p.Offer.Outcome == OfferOutcome.Pending).ToList();
        OrgChart? chart = null;
        var ending = new List<(SupportOffer Offer, Expiry Why)>();
        foreach (var p in pending)
        {
            if (!notCurrentOnly && p.Offer.AnswerBy <= now)
            {
                ending.Add((p.Offer, Expiry.Overdue));
            }
            else if (p.NotCurrent)
            {
                ending.Add((p.Offer, Expiry.NotCurrent));
            }
            else if (!notCurrentOnly && MatchingPoolSource.ChainConflicted(
                chart ??= await pools.ChartAsync(ct), p.Requester, SupportRequestRecord.ParseNamed(p.NamedPeople), p.Offer.SupporterId))
            {
                ending.Add((p.Offer, Expiry.Conflicted));
            }
        }
        if (ending.Count == 0)
        {
            return (0, chart);
        }
        var ids = ending.Select(e => e.Offer.RequestId).ToList();
        var requests = await db.Set<SupportRequestRecord>().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        settings ??= await SettingsAsync(ct);
        // The overdue first, then the not current, then the conflicted, as three passes did.
        foreach (var (offer, why) in ending.OrderBy(e => e.Why))
        {
            Expire(offer, why, now);
            if (requests[offer.RequestId] is { Status: RequestStatus.Offered } request && request.SupporterId == offer.SupporterId)
            {
                await SendBackInPassAsync(request, settings, ct);
            }
        }
        return (ending.Count, chart);
    }

    /// <summary>Why a pending offer expires, in the order the reasons are checked.</summary>
    private enum Expiry
    {
        Overdue,
        NotCurrent,
        Conflicted,
    }

    /// <summary>The offer expires, audited as the system with the reason (none when its answer time passed); nothing about who.</summary>
    private void Expire(SupportOffer offer, Expiry why, DateTimeOffset now)
    {
        offer.Expire(now);
        audit.RecordAsSystem(OfferAudit.Expired, OfferAudit.TargetOffer, offer.Id, why switch
        {
            Expiry.NotCurrent => "reason=supporter-not-current",
            Expiry.Conflicted => "reason=supporter-conflicted",
            _ => null,
        });
    }

    /// <summary>
    /// Puts the offered or active requests that match back in the queue (a pending offer is withdrawn): their requester's own
    /// doing (a block), or else sent back to them (<see cref="SendBackAsync"/>). The caller saves.
    /// </summary>
    private async Task<int> ReturnToQueueAsync(
        System.Linq.Expressions.Expression<Func<SupportRequestRecord, bool>> which, string reason, CancellationToken ct, bool byRequester = false)
    {
        var now = clock.GetUtcNow();
        var held = await db.Set<SupportRequestRecord>()
            .Where(r => r.Status == RequestStatus.Offered || r.Status == RequestStatus.Active)
            .Where(which)
            .ToListAsync(ct);
        var settings = byRequester || held.Count == 0 ? null : await SettingsAsync(ct);
        foreach (var request in held)
        {
            if (request.Status == RequestStatus.Offered)
            {
                await EndPendingOfferAsync(request.Id, OfferOutcome.Withdrawn, now, ct);
            }
            audit.RecordAsSystem(OfferAudit.ReturnedToQueue, RequestAudit.Target, request.Id, detail: "reason=" + reason);
            if (settings is null)
            {
                request.ReturnToQueue();
            }
            else
            {
                await SendBackInPassAsync(request, settings, ct);
            }
        }
        return held.Count;
    }

    /// <summary>
    /// Ends the request's pending offer, if it has one (the unique index allows one): <see cref="OfferOutcome.Withdrawn"/>
    /// when the request is withdrawn or taken back for the requester, <see cref="OfferOutcome.Reassigned"/> when a coordinator
    /// moves the supporter off it (they are then never offered it again). The one way an offered request's pending offer ends
    /// other than by its supporter's answer or expiry, so that it never stays pending beside a new one. The caller holds
    /// the matching section (<see cref="EnterMatchingAsync"/>) and saves; null when there was no pending offer.
    /// </summary>
    public async Task<SupportOffer?> EndPendingOfferAsync(Guid requestId, OfferOutcome outcome, DateTimeOffset now, CancellationToken ct)
    {
        if (outcome is not (OfferOutcome.Withdrawn or OfferOutcome.Reassigned))
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "A pending offer is ended here only as withdrawn or reassigned.");
        }
        if (await db.Set<SupportOffer>().SingleOrDefaultAsync(o => o.RequestId == requestId && o.Outcome == OfferOutcome.Pending, ct) is not { } pending)
        {
            return null;
        }
        if (outcome == OfferOutcome.Withdrawn)
        {
            pending.Withdraw(now);
        }
        else
        {
            pending.Reassign(now);
        }
        return pending;
    }

    /// <summary>Takes someone off the signed-in person's list; false when they were not on it.</summary>
    public async Task<bool> UnblockAsync(Guid personId, CancellationToken ct)
    {
        if (await db.Set<SupporterBlock>().SingleOrDefaultAsync(b => b.RequesterId == actor.PersonId && b.BlockedPersonId == personId, ct) is not { } block)
        {
            return false;
        }
        db.Remove(block);
        audit.RecordAsHiddenRequester(OfferAudit.Unblocked, OfferAudit.TargetBlock, block.Id);
        await db.SaveChangesAsync(ct);
        return true;
    }

    // ---- The supporter ----

    /// <summary>The signed-in supporter's pending offers, soonest deadline first, with only what they may see before accepting.</summary>
    public async Task<IReadOnlyList<SupporterOfferView>> PendingForSupporterAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await (from o in db.Set<SupportOffer>()
                          join r in db.Set<SupportRequestRecord>() on o.RequestId equals r.Id
                          where o.SupporterId == actor.PersonId && o.Outcome == OfferOutcome.Pending && o.AnswerBy > now
                          orderby o.AnswerBy
                          select new { o.Id, r.Topic, r.Timing, r.Channel, r.Language, r.Priority, r.ShowName, r.Pseudonym, r.PersonId, o.AnswerBy })
                         .ToListAsync(ct);
        var named = rows.Where(r => r.ShowName).Select(r => r.PersonId).Distinct().ToList();
        var names = await db.People.Where(p => named.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return [.. rows.Select(r =>
        {
            var name = r.ShowName ? names.GetValueOrDefault(r.PersonId) : null;
            return new SupporterOfferView(r.Id, r.Topic, r.Timing, r.Channel, r.Language, r.Priority, name ?? r.Pseudonym, name is not null, r.AnswerBy);
        })];
    }

    /// <summary>
    /// Accepts the signed-in supporter's own open offer and returns the request id; <see cref="AcceptResult.NotFound"/> when
    /// there is no such offer (the page answers 404). A supporter who is no longer current (certificate lapsed, PeerSupporter
    /// role or account gone since the offer was made) cannot take it on: the offer expires, as if its time had passed, and
    /// the request is matched again without them (<see cref="AcceptResult.NoLongerCurrent"/>). Nor can one whom a
    /// re-organisation since the offer put in the requester's management line or that of someone they named (read from the
    /// chart now): the offer expires the same way (<see cref="AcceptResult.Conflicted"/>, audited as the system with
    /// <c>reason=supporter-conflicted</c>).
    /// </summary>
    public async Task<(AcceptResult Result, Guid RequestId)> AcceptAsync(Guid offerId, CancellationToken ct)
    {
        await using var _ = await EnterMatchingAsync(ct);
        if (await OwnOpenAsync(offerId, ct) is not var (offer, request))
        {
            return (AcceptResult.NotFound, Guid.Empty);
        }
        var now = clock.GetUtcNow();
        if (await NoLongerPossibleAsync(offer, request, ct) is { } why)
        {
            await ExpireAnsweredAsync(offer, request, why, now, ct);
            return (why, request.Id);
        }
        offer.Accept(now);
        request.Accept(now);
        audit.Record(OfferAudit.Accepted, OfferAudit.TargetOffer, offer.Id);
        await db.SaveChangesAsync(ct);
        return (AcceptResult.Accepted, request.Id);
    }

    /// <summary>
    /// Declines the signed-in supporter's own open offer (reason: a key or none); the request is matched again without them.
    /// A supporter who is no longer current does not decline: their offer expires as in <see cref="AcceptAsync"/> (no
    /// decline or reason is recorded against them) and the request is matched again all the same.
    /// </summary>
    public async Task<bool> DeclineAsync(Guid offerId, string? reason, CancellationToken ct)
    {
        if (reason is not null && !DeclineReasons.IsKnown(reason))
        {
            throw new ArgumentException($"\"{reason}\" is not a reason to decline.", nameof(reason));
        }
        await using var _ = await EnterMatchingAsync(ct);
        if (await OwnOpenAsync(offerId, ct) is not var (offer, request))
        {
            return false;
        }
        if (!await certification.IsCurrentAsync(offer.SupporterId, ct))
        {
            await ExpireAnsweredAsync(offer, request, AcceptResult.NoLongerCurrent, clock.GetUtcNow(), ct);
            return true;
        }
        offer.Decline(reason, clock.GetUtcNow());
        audit.Record(OfferAudit.Declined, OfferAudit.TargetOffer, offer.Id, detail: "reason=" + (reason ?? "none"));
        await SendBackAsync(request, ct);
        await db.SaveChangesAsync(ct);
        await RunLockedAsync(ct);
        return true;
    }

    /// <summary>
    /// Why the offer's supporter can no longer take it on now, checked in the runner's order: no longer current
    /// (<see cref="SupporterCertification.IsCurrentAsync"/>), then in a chain the hard rules keep them out of since a
    /// re-organisation (<see cref="MatchingPoolSource.ChainConflicted"/>, from the chart now); null when they can.
    /// </summary>
    private async Task<AcceptResult?> NoLongerPossibleAsync(SupportOffer offer, SupportRequestRecord request, CancellationToken ct) =>
        !await certification.IsCurrentAsync(offer.SupporterId, ct) ? AcceptResult.NoLongerCurrent
        : MatchingPoolSource.ChainConflicted(await pools.ChartAsync(ct), request.PersonId, request.NamedPeopleIds, offer.SupporterId) ? AcceptResult.Conflicted
        : null;

    /// <summary>
    /// The offer its supporter answered can no longer be taken on (<see cref="NoLongerPossibleAsync"/>): it expires, as the
    /// system with the reason, its request goes back (<see cref="SendBackAsync"/>), and the queue is matched again. The
    /// caller holds the matching section.
    /// </summary>
    private async Task ExpireAnsweredAsync(SupportOffer offer, SupportRequestRecord request, AcceptResult why, DateTimeOffset now, CancellationToken ct)
    {
        Expire(offer, why == AcceptResult.Conflicted ? Expiry.Conflicted : Expiry.NotCurrent, now);
        await SendBackAsync(request, ct);
        await db.SaveChangesAsync(ct);
        await RunLockedAsync(ct);
    }

    private async Task<(SupportOffer, SupportRequestRecord)?> OwnOpenAsync(Guid offerId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var offer = await db.Set<SupportOffer>().SingleOrDefaultAsync(o => o.Id == offerId && o.SupporterId == actor.PersonId && o.Outcome == OfferOutcome.Pending && o.AnswerBy > now, ct);
        if (offer is null)
        {
            return null;
        }
        var request = await db.Set<SupportRequestRecord>().SingleAsync(r => r.Id == offer.RequestId, ct);
        return request.Status == RequestStatus.Offered && request.SupporterId == offer.SupporterId ? (offer, request) : null;
    }

    // ---- Coordinators ----

    /// <summary>Offered and active requests, for the coordinators' matching page: never the words, the name only if allowed.</summary>
    public async Task<IReadOnlyList<OpenMatchRow>> OpenMatchesAsync(CancellationToken ct)
    {
        var rows = await db.Set<SupportRequestRecord>()
            .Where(r => r.Status == RequestStatus.Offered || r.Status == RequestStatus.Active)
            .OrderByDescending(r => r.Priority).ThenBy(r => r.CreatedAt)
            .Select(r => new { r.Id, r.Priority, r.Status, r.ShowName, r.Pseudonym, r.PersonId, r.SupporterId, r.NamedPeople })
            .Take(500).ToListAsync(ct);
        var people = rows.Where(r => r.ShowName).Select(r => r.PersonId).Concat(rows.Select(r => r.SupporterId!.Value)).Distinct().ToList();
        var names = await db.People.Where(p => people.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        // Active conversations whose supporter a re-organisation has put in a chain the rules keep them out of: flagged, not
        // ended (an offered one expires at the next run). The cached chart answers each in the length of a line.
        var chart = rows.Any(r => r.Status == RequestStatus.Active) ? await pools.ChartAsync(ct) : null;
        return [.. rows.Select(r =>
        {
            var name = r.ShowName ? names.GetValueOrDefault(r.PersonId) : null;
            // On a row that names its requester, only their own line: a coordinator who knows the requester and sees the
            // supporter outside it would learn that they named someone in the supporter's line. The requester is told either way.
            var conflicted = chart is not null && r.Status == RequestStatus.Active
                && MatchingPoolSource.ChainConflicted(chart, r.PersonId, name is null ? SupportRequestRecord.ParseNamed(r.NamedPeople) : [], r.SupporterId!.Value);
            return new OpenMatchRow(r.Id, r.Priority, r.Status, name ?? r.Pseudonym, name is not null, names.GetValueOrDefault(r.SupporterId!.Value) ?? "", conflicted);
        })];
    }

    /// <summary>The reassign page's content; null when the request does not exist in this organisation.</summary>
    public async Task<ReassignView?> ReassignViewAsync(Guid requestId, CancellationToken ct)
    {
        if (await db.Set<SupportRequestRecord>().SingleOrDefaultAsync(r => r.Id == requestId, ct) is not { } request)
        {
            return null;
        }
        var who = request.ShowName ? await db.People.Where(p => p.Id == request.PersonId).Select(p => p.Name).FirstOrDefaultAsync(ct) : null;
        if (request.Status is not (RequestStatus.Offered or RequestStatus.Active) || request.SupporterId is not { } current)
        {
            return new ReassignView(request, who ?? request.Pseudonym, who is not null, null, null, [], null);
        }
        var currentName = await db.People.Where(p => p.Id == current).Select(p => p.Name).FirstOrDefaultAsync(ct);
        var currentOffer = await db.Set<SupportOffer>()
            .Where(o => o.RequestId == request.Id && o.SupporterId == current && (o.Outcome == OfferOutcome.Pending || o.Outcome == OfferOutcome.Accepted))
            .OrderByDescending(o => o.OfferedAt).FirstOrDefaultAsync(ct);
        var settings = await SettingsAsync(ct);
        var engineRequest = (await pools.RequestsAsync([request], ct))[0];
        engineRequest = engineRequest with { BlockedSupporters = [.. engineRequest.BlockedSupporters.Append(current).Distinct()] };
        var pool = await pools.PoolAsync(ct);
        var result = new SupportMatcher(settings.Options).Suggest(engineRequest, pool);
        return new ReassignView(request, who ?? request.Pseudonym, who is not null, currentName, currentOffer?.CoordinatorSummary,
            [.. result.Suggestions.Select(s => new ReassignOption(s.SupporterId, pool.Supporters.First(p => p.PersonId == s.SupporterId).Name ?? "", s.Explanation.CoordinatorSummary))],
            result.None?.CoordinatorSummary);
    }

    /// <summary>
    /// A coordinator moves an offered or active request to another eligible supporter: the old supporter's offer
    /// ends as reassigned, the request returns to the queue and is offered to the new one (how = coordinator).
    /// False when the request cannot be reassigned or the supporter is not eligible (hard rules checked now).
    /// </summary>
    public async Task<bool> ReassignAsync(Guid requestId, Guid supporterId, CancellationToken ct)
    {
        await using var _ = await EnterMatchingAsync(ct);
        if (await db.Set<SupportRequestRecord>().SingleOrDefaultAsync(r => r.Id == requestId, ct) is not { } request
            || request.Status is not (RequestStatus.Offered or RequestStatus.Active) || request.SupporterId is not { } current || current == supporterId)
        {
            return false;
        }
        var settings = await SettingsAsync(ct);
        var match = await CheckAsync(request, supporterId, settings, [current], ct);
        if (match is null)
        {
            return false;
        }
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var old in await db.Set<SupportOffer>().Where(o => o.RequestId == request.Id && o.SupporterId == current
            && (o.Outcome == OfferOutcome.Pending || o.Outcome == OfferOutcome.Accepted)).ToListAsync(ct))
        {
            old.Reassign(now);
        }
        var was = request.Status;
        request.ReturnToQueue();
        audit.Record(OfferAudit.Reassigned, RequestAudit.Target, request.Id, detail: "was=" + was);
        await db.SaveChangesAsync(ct);
        await MakeOfferAsync(request, supporterId, OfferHow.Coordinator, match, settings, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    // ---- Shared ----

    /// <summary>Routine requests wait for the requester's choice in that mode; raised and urgent ones never do.</summary>
    private static bool Chooses(MatchingSettings settings, SupportRequestRecord request) =>
        settings.Mode == MatchingMode.RequesterChooses && request.Priority == QueuePriority.Routine;

    /// <summary>The supporter's explanation if every hard rule holds for them and this request right now; otherwise null.</summary>
    private async Task<MatchExplanation?> CheckAsync(SupportRequestRecord request, Guid supporterId, MatchingSettings settings, IReadOnlyCollection<Guid> alsoExcluded, CancellationToken ct)
    {
        var pool = await pools.PoolAsync(ct);
        if (pool.Supporters.FirstOrDefault(p => p.PersonId == supporterId) is not { } profile)
        {
            return null;
        }
        var engineRequest = (await pools.RequestsAsync([request], ct))[0];
        engineRequest = engineRequest with { BlockedSupporters = [.. engineRequest.BlockedSupporters.Concat(alsoExcluded).Distinct()] };
        var result = new SupportMatcher(settings.Options).Suggest(engineRequest, pool with { Supporters = [profile] });
        return result.Suggestions.SingleOrDefault(s => s.SupporterId == supporterId)?.Explanation;
    }

    /// <summary>
    /// Offers the request to the supporter, audited by who decided, and (when mail is on) emails the supporter that a request
    /// waits for their answer and until when, with nothing about who asked or why. Saved with the caller's next save.
    /// </summary>
    private async Task MakeOfferAsync(SupportRequestRecord request, Guid supporterId, string how, MatchExplanation? match, MatchingSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        request.Offer(supporterId);
        var offer = SupportOffer.Make(request, supporterId, how, match, now, settings.AnswerTime(request.Priority != QueuePriority.Routine));
        db.Add(offer);
        var detail = $"how={how};priority={request.Priority}";
        switch (how)
        {
            case OfferHow.RequesterChose:
                audit.RecordAsHiddenRequester(OfferAudit.Offered, OfferAudit.TargetOffer, offer.Id, detail);
                break;
            case OfferHow.Coordinator:
                audit.Record(OfferAudit.Offered, OfferAudit.TargetOffer, offer.Id, detail: detail);
                break;
            default:
                audit.RecordAsSystem(OfferAudit.Offered, OfferAudit.TargetOffer, offer.Id, detail);
                break;
        }
        if (mail.Enabled)
        {
            var organisation = await OrganisationNameAsync(ct);
            foreach (var supporter in await mail.RecipientsAsync([supporterId], ct))
            {
                mail.Queue(OfferMailPurpose, offer.Id, supporter, t["{0}: a request for peer support is waiting for your answer", organisation],
                    t["Someone has asked for peer support, and their request is offered to you. Please accept or decline it by {0}. If you cannot take it on, please say so, so that the person can be matched with someone else.", mail.When(offer.AnswerBy)],
                    mail.Link("/supporter/offers"),
                    t["This email says nothing about who asked or why, on purpose: you see that once you sign in."]);
            }
        }
    }

    /// <summary>The organisation's name for emails, read once for this unit of work however many are queued.</summary>
    private async Task<string> OrganisationNameAsync(CancellationToken ct) => _organisationName ??= await mail.OrganisationAsync(ct);

    private string? _organisationName;

    /// <summary>
    /// Puts the request back in the queue because something other than its requester ended its offer or conversation (the
    /// supporter declined or let it expire, stopped being current or lost the role or account while holding it, or a
    /// coordinator took it back) and, when the request waits for its requester's choice (routine, and requesters choose:
    /// the runner never offers it), tells them in the same unit of work, since they cannot know otherwise that they must
    /// choose again: their request's page says so (<see cref="RequesterMatching.ChooseAgain"/>), and with mail on and only if
    /// they turned it on for this request (<see cref="SupportRequestRecord.ChooseAgainEmail"/>, off by default: even an email
    /// that says nothing tells whoever reads their work mailbox that they asked for support) they are emailed that their
    /// request needs them to choose a supporter again, with the link to it and nothing about who had it or why. One email per return: a request leaves the queue again only by being offered, so a sweep or run that comes after
    /// finds nothing to send back. Audited as the system, as the return is: never the requester's account, nor the
    /// supporter's whose answer set it off. A raised or urgent request, or any in automatic mode, is matched again by the
    /// runner instead. The caller holds the matching section and saves.
    /// </summary>
    public async Task SendBackAsync(SupportRequestRecord request, CancellationToken ct) => await SendBackInPassAsync(request, await SettingsAsync(ct), ct);

    /// <summary><see cref="SendBackAsync"/> with the settings the caller has read once for its pass.</summary>
    private async Task SendBackInPassAsync(SupportRequestRecord request, MatchingSettings settings, CancellationToken ct)
    {
        request.ReturnToQueue();
        if (!Chooses(settings, request))
        {
            return;
        }
        var emailed = false;
        if (mail.Enabled && request.ChooseAgainEmail)
        {
            var organisation = await OrganisationNameAsync(ct);
            foreach (var requester in await mail.RecipientsAsync([request.PersonId], ct))
            {
                mail.Queue(ChooseAgainMailPurpose, request.Id, requester, t["{0}: your request needs your choice", organisation],
                    t["Your request needs you to choose a supporter again. Please sign in and choose one from the suggestions on its page:"],
                    mail.Link(RequestModel.Path(request.Id)),
                    t["This email says nothing more, on purpose: you see the rest once you sign in."]);
                emailed = true;
            }
        }
        audit.RecordAsSystem(OfferAudit.ChooseAgain, RequestAudit.Target, request.Id, emailed ? "email=queued" : "email=none");
    }

    /// <summary>
    /// Records the requester's choice of the email about choosing again for their own request, audited without their account
    /// and with nothing but on or off, as the conversation's notice choice is.
    /// </summary>
    public async Task SetChooseAgainEmailAsync(SupportRequestRecord request, bool on, CancellationToken ct)
    {
        request.SetChooseAgainEmail(on);
        audit.RecordAsHiddenRequester(OfferAudit.ChooseAgainEmailChanged, RequestAudit.Target, request.Id, on ? "email=on" : "email=off");
        await db.SaveChangesAsync(ct);
    }

    private Guid? OpenToken(string? token, Guid requestId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 500)
        {
            return null;
        }
        try
        {
            return Guid.TryParseExact(protector.Open(token, SuggestionPurpose, requestId), "N", out var id) ? id : null;
        }
        catch (Exception e) when (e is CryptographicException or KeyNotFoundException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
