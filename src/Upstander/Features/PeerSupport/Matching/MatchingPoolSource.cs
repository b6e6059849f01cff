using Microsoft.EntityFrameworkCore;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.People;
using Upstander.Platform.Data;

namespace Upstander.Features.PeerSupport.Matching;

/// <summary>
/// Loads what the matching engine needs for the current organisation: the pool (the org chart, every current
/// supporter's profile from <see cref="SupporterCare.MatchingInputsAsync"/> with their past feedback) and the
/// engine's view of stored requests (the requester's department, urgency, language, tags and named people).
/// The one place pages and services build matching inputs from the database. Scoped.
/// </summary>
public sealed class MatchingPoolSource(AppDbContext db, SupporterCare care, SupporterFeedback feedback, OrgChartCache charts)
{
    /// <summary>The pool as it stands now.</summary>
    public Task<MatchingPool> PoolAsync(CancellationToken ct) => PoolAsync(null, ct);

    /// <summary>The pool as it stands now, on <paramref name="chart"/> when the caller has just read it (<see cref="ChartAsync"/>).</summary>
    public async Task<MatchingPool> PoolAsync(OrgChart? chart, CancellationToken ct)
    {
        var inputs = await care.MatchingInputsAsync(ct);
        var stats = await feedback.StatsAsync([.. inputs.Supporters.Select(s => s.PersonId)], ct);
        var profiles = inputs.Supporters
            .Select(s => stats.TryGetValue(s.PersonId, out var f) ? s with { Feedback = f } : s)
            .ToList();
        return new MatchingPool(chart ?? await ChartAsync(ct), profiles, inputs.CurrentSupporterIds);
    }

    /// <summary>The organisation chart as it stands now (<see cref="OrgChartCache"/>: one indexed query when it has not changed).</summary>
    public Task<OrgChart> ChartAsync(CancellationToken ct) => charts.ForAsync(db, ct);

    /// <summary>
    /// Whether <paramref name="supporterId"/> breaks a management-chain hard rule for the request of
    /// <paramref name="requesterId"/>, who named <paramref name="named"/>, in <paramref name="chart"/>: in the requester's
    /// line, up or down, or one of the people they named or in that person's line (a supporter is never their own
    /// requester: the engine leaves them out). The rules were checked when the request was offered; a re-organisation
    /// since (a manager edited or imported) can break them, and the chart is read again to see it.
    /// </summary>
    public static bool ChainConflicted(OrgChart chart, Guid requesterId, IEnumerable<Guid> named, Guid supporterId) =>
        chart.IsOrInLineOf([requesterId, .. named], supporterId);

    /// <summary>
    /// Whether the request's current supporter now breaks a management-chain hard rule (<see cref="ChainConflicted"/>); false
    /// for a request nobody holds.
    /// </summary>
    public async Task<bool> SupporterConflictedAsync(SupportRequestRecord request, CancellationToken ct) =>
        request.SupporterId is { } supporterId && ChainConflicted(await ChartAsync(ct), request.PersonId, request.NamedPeopleIds, supporterId);

    /// <summary>
    /// The engine's view of stored requests, in the order given. Blocked supporters are the requester's own blocks
    /// plus everyone who declined the request, let an offer of it expire or was moved off it by a coordinator: never
    /// offered it again. Urgent and raised requests both count as urgent (the engine has two levels; the safety
    /// screen's possible risk goes ahead of routine requests too).
    /// </summary>
    public async Task<List<SupportRequest>> RequestsAsync(IReadOnlyCollection<SupportRequestRecord> records, CancellationToken ct)
    {
        var ids = records.Select(r => r.Id).ToList();
        var people = records.Select(r => r.PersonId).Distinct().ToList();
        var departments = await db.People.Where(p => people.Contains(p.Id))
            .Select(p => new { p.Id, p.DepartmentId })
            .ToDictionaryAsync(p => p.Id, p => p.DepartmentId, ct);
        var blocks = (await db.Set<SupporterBlock>().Where(b => people.Contains(b.RequesterId))
            .Select(b => new { b.RequesterId, b.BlockedPersonId }).ToListAsync(ct))
            .ToLookup(b => b.RequesterId, b => b.BlockedPersonId);
        var excluded = (await db.Set<SupportOffer>()
            .Where(o => ids.Contains(o.RequestId) && (o.Outcome == OfferOutcome.Declined || o.Outcome == OfferOutcome.Expired || o.Outcome == OfferOutcome.Reassigned))
            .Select(o => new { o.RequestId, o.SupporterId }).ToListAsync(ct))
            .ToLookup(o => o.RequestId, o => o.SupporterId);
        return [.. records.Select(r => new SupportRequest
        {
            Id = r.Id,
            RequesterId = r.PersonId,
            DepartmentId = departments.GetValueOrDefault(r.PersonId),
            Urgency = r.Priority >= QueuePriority.Raised ? Urgency.Urgent : Urgency.Normal,
            Language = r.Language,
            WantsOutsideDepartment = r.OutsideDepartment,
            WantedTags = r.TagList,
            SourcesOfHarm = r.NamedPeopleIds,
            BlockedSupporters = [.. blocks[r.PersonId].Concat(excluded[r.Id]).Distinct()],
        })];
    }
}
