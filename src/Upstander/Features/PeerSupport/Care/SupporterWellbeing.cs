using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Platform.Data;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>A figure for a group, or the reason it is hidden: fewer than <see cref="Minimum"/> people contributed.</summary>
public sealed record Suppressed<T>(int Minimum, T? Value) where T : class
{
    public bool Hidden => Value is null;
}

/// <summary>A subscale's mean and the share in each band; a share is null where it is hidden (<see cref="SmallGroups"/>).</summary>
public sealed record SubscaleAggregate(string Id, double Mean, double? LowShare, double? ModerateShare, double? HighShare);

public sealed record ProqolAggregate(int Responding, IReadOnlyList<SubscaleAggregate> Subscales);

/// <summary>The check-ins and the people who checked in; each answer's count and share are null where it is hidden (<see cref="SmallGroups"/>).</summary>
public sealed record CheckInAggregate(int People, int CheckIns, IReadOnlyList<(string Feeling, int? Count, double? Share)> Distribution);

public sealed record DebriefAlert(Guid Id, string Name, DateTimeOffset RequestedAt, string Urgency, string Status, bool HasNote);

/// <summary>
/// The ProQOL 5 every three months, the supporter's own results, and what coordinators may see: aggregates
/// above the organisation's minimum group size, and the individual debrief alerts. Scoped.
/// </summary>
public sealed class SupporterWellbeing(AppDbContext db, TimeProvider clock, Instruments instruments, CompletedPeriods periods)
{
    /// <summary>The questionnaire is due when none was completed or the last is this many days old.</summary>
    public const int DueAfterDays = 90;

    /// <summary>
    /// The period of coordinators' aggregates: the last completed calendar quarter where the organisation is. A window
    /// moving with the clock would change with each supporter's answer, and a coordinator who knows who just answered
    /// would read that person's scores in the change; a completed quarter's figures never change.
    /// </summary>
    public CalendarPeriod Quarter => periods.Last(PeriodKind.Quarter).Single();

    public ProqolInstrument Instrument => instruments.Proqol;

    public static bool IsDue(DateTimeOffset? lastCompletedAt, DateTimeOffset now) =>
        lastCompletedAt is not { } last || now - last >= TimeSpan.FromDays(DueAfterDays);

    public async Task<bool> IsDueAsync(Guid personId, CancellationToken ct) =>
        IsDue(await db.Set<ProqolResponse>().Where(r => r.PersonId == personId).MaxAsync(r => (DateTimeOffset?)r.CompletedAt, ct), clock.GetUtcNow());

    /// <summary>Scores the 30 answers and keeps only the three sums (the answers themselves are not stored).</summary>
    public async Task<ProqolResponse> RecordAsync(Guid personId, IReadOnlyList<int> answers, CancellationToken ct)
    {
        var response = ProqolResponse.Record(db.CurrentOrganisationId!.Value, personId, Instrument.Score(answers), clock.GetUtcNow());
        db.Add(response);
        await db.SaveChangesAsync(ct);
        return response;
    }

    /// <summary>The person's own results, newest first. Only ever called with the signed-in person's id.</summary>
    public Task<List<ProqolResponse>> OwnResultsAsync(Guid personId, CancellationToken ct) =>
        db.Set<ProqolResponse>().Where(r => r.PersonId == personId).OrderByDescending(r => r.CompletedAt).Take(12).ToListAsync(ct);

    public Task<int> MinimumGroupSizeAsync(CancellationToken ct) => Organisations.Organisation.MinimumGroupSizeAsync(db, ct);

    /// <summary>
    /// Each supporter's latest ProQOL in the last completed quarter, in aggregate; hidden below the minimum group size. A
    /// band's share shows only when at least the minimum are in it, and not beside a hidden band it would give away: the
    /// shares add up to the whole, so of five supporters "High 20%" is one person, and "Moderate 83%" of six says that
    /// the sixth is low or high.
    /// </summary>
    public async Task<Suppressed<ProqolAggregate>> ProqolAggregateAsync(CancellationToken ct)
    {
        var minimum = await MinimumGroupSizeAsync(ct);
        var quarter = Quarter;
        var rows = await db.Set<ProqolResponse>().Where(r => r.CompletedAt >= quarter.Start && r.CompletedAt < quarter.End)
            .Select(r => new { r.PersonId, r.CompletedAt, r.CompassionSatisfaction, r.Burnout, r.SecondaryTraumaticStress }).ToListAsync(ct);
        var latest = rows.GroupBy(r => r.PersonId).Select(g => g.MaxBy(r => r.CompletedAt)!).ToList();
        if (latest.Count < minimum)
        {
            return new Suppressed<ProqolAggregate>(minimum, null);
        }
        SubscaleAggregate Of(string id, IReadOnlyList<int> sums)
        {
            int[] inBand = [.. Enum.GetValues<ProqolBand>().Select(band => sums.Count(s => Instrument.Band(s) == band))];
            var hidden = SmallGroups.Hidden(inBand, minimum);
            double? Share(ProqolBand band) => hidden[(int)band] ? null : inBand[(int)band] / (double)sums.Count;
            return new(id, sums.Average(), Share(ProqolBand.Low), Share(ProqolBand.Moderate), Share(ProqolBand.High));
        }
        return new Suppressed<ProqolAggregate>(minimum, new ProqolAggregate(latest.Count,
        [
            Of(ProqolInstrument.CompassionSatisfaction, [.. latest.Select(r => r.CompassionSatisfaction)]),
            Of(ProqolInstrument.Burnout, [.. latest.Select(r => r.Burnout)]),
            Of(ProqolInstrument.SecondaryTraumaticStress, [.. latest.Select(r => r.SecondaryTraumaticStress)]),
        ]));
    }

    /// <summary>
    /// Check-ins in the last completed quarter by answer; hidden when fewer than the minimum group size of supporters
    /// checked in. An answer's count and share show only when at least the minimum of supporters gave it (not
    /// check-ins: one supporter shaken five times is still one person), and not beside hidden answers the total would
    /// give away, which together must come from at least the minimum of supporters, each counted once.
    /// </summary>
    public async Task<Suppressed<CheckInAggregate>> CheckInAggregateAsync(CancellationToken ct)
    {
        var minimum = await MinimumGroupSizeAsync(ct);
        var quarter = Quarter;
        var rows = await db.Set<SupporterCheckIn>().Where(c => c.At >= quarter.Start && c.At < quarter.End).Select(c => new { c.PersonId, c.Feeling }).ToListAsync(ct);
        var people = rows.Select(r => r.PersonId).Distinct().Count();
        if (people < minimum)
        {
            return new Suppressed<CheckInAggregate>(minimum, null);
        }
        var byAnswer = CheckInFeeling.All.Select(f => rows.Where(r => r.Feeling == f.Key).Select(r => r.PersonId).ToList()).ToList();
        var hidden = SmallGroups.Hidden([.. byAnswer.Select(a => a.Distinct().Count())],
            answers => answers.SelectMany(i => byAnswer[i]).Distinct().Count(), minimum);
        return new Suppressed<CheckInAggregate>(minimum, new CheckInAggregate(people, rows.Count,
            [.. CheckInFeeling.All.Select((f, i) => hidden[i] ? (f.Key, null, null) : (f.Key, (int?)byAnswer[i].Count, (double?)byAnswer[i].Count / rows.Count))]));
    }

    /// <summary>The individual alerts: debrief requests, open ones first (today before this week), then the most recent handled.</summary>
    public async Task<List<DebriefAlert>> DebriefAlertsAsync(CancellationToken ct)
    {
        var rows = await (from d in db.Set<DebriefRequest>()
                          join p in db.People on d.PersonId equals p.Id
                          orderby d.RequestedAt descending
                          select new { d.Id, p.Name, d.RequestedAt, d.Urgency, d.Status, HasNote = d.NoteSealed != null })
            .Take(200).ToListAsync(ct);
        return [.. rows.Select(r => new DebriefAlert(r.Id, r.Name, r.RequestedAt, r.Urgency, r.Status, r.HasNote))
            .OrderBy(a => a.Status == DebriefStatus.Done ? 2 : a.Status == DebriefStatus.Arranged ? 1 : 0)
            .ThenBy(a => a.Urgency == DebriefUrgency.Today ? 0 : 1)
            .ThenByDescending(a => a.RequestedAt)];
    }
}
