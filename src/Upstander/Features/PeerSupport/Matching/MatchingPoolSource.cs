using Microsoft.EntityFrameworkCore;
using Upstander.Features.PeerSupport.Care;
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
    public async Task<MatchingPool> PoolAsync(CancellationToken ct)
    {
        var inputs = await care.MatchingInputsAsync(ct);
        var stats = await feedback.StatsAsync([.. inputs.Supporters.Select(s => s.PersonId)], ct);
        var profiles = inputs.Supporters
            .Select(s => stats.TryGetValue(s.PersonId, out var f) ? s with { Feedback = f } : s)
            .ToList();
        return new MatchingPool(await charts.ForAsync(db, ct), profiles, inputs.CurrentSupporterIds);
    }

    /// <summary>The engine's view of each stored request, in the order given (the requester's department read in one query).</summary>
    public async Task<IReadOnlyList<SupportRequest>> RequestsAsync(IReadOnlyCollection<SupportRequestRecord> records, CancellationToken ct)
    {
        var requesters = records.Select(r => r.PersonId).Distinct().ToList();
        var departments = await db.People.Where(p => requesters.Contains(p.Id))
            .Select(p => new { p.Id, p.DepartmentId })
            .ToDictionaryAsync(p => p.Id, p => p.DepartmentId, ct);
        return [.. records.Select(r => ToMatching(r, departments.GetValueOrDefault(r.PersonId)))];
    }

    /// <summary>
    /// One stored request as the engine sees it. Urgent and raised requests both count as urgent (the engine has
    /// two levels; the safety screen's possible risk goes ahead of routine requests too).
    /// </summary>
    public static SupportRequest ToMatching(SupportRequestRecord record, Guid? departmentId) => new()
    {
        Id = record.Id,
        RequesterId = record.PersonId,
        DepartmentId = departmentId,
        Urgency = record.Priority >= QueuePriority.Raised ? Urgency.Urgent : Urgency.Normal,
        Language = record.Language,
        WantsOutsideDepartment = record.OutsideDepartment,
        WantedTags = record.TagList,
        SourcesOfHarm = record.NamedPeopleIds,
    };
}
