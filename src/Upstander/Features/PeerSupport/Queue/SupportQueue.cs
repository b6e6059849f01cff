using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;

namespace Upstander.Features.PeerSupport.Queue;

public static class QueueAudit
{
    public const string CoordinatorClosed = "peer-support.conversation-closed-by-coordinator";
    public const string ReturnedToQueue = "peer-support.request-returned-to-queue";
}

/// <summary>Why a coordinator closes a conversation: a short fixed list (key stored in the audit detail, English label = localization key). No free text.</summary>
public static class CoordinatorCloseReasons
{
    public static readonly IReadOnlyList<(string Key, string Label)> All =
    [
        ("supporter-left", "The supporter has left or stepped down"),
        ("no-response", "No reply from the person for a long time"),
        ("handled-elsewhere", "Handled through another route"),
        ("duplicate", "A duplicate of another request"),
    ];

    public static bool IsKnown(string? key) => All.Any(r => r.Key == key);
}

/// <summary>
/// The periods the counts and durations can cover, in days, moving with the clock. Feedback means never follow these:
/// they are over completed calendar periods (<see cref="PeriodFeedback"/>).
/// </summary>
public static class QueuePeriods
{
    public static readonly IReadOnlyList<int> Days = [7, 30, 90];
    public const int Default = 30;

    public static int Normalise(int? days) => days is { } d && Days.Contains(d) ? d : Default;
}

/// <summary>How many of something, the median and the 90th percentile (nearest rank); null durations when there are none.</summary>
public sealed record Durations(int Count, TimeSpan? Median, TimeSpan? Percentile90)
{
    public static Durations Of(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return new Durations(0, null, null);
        }
        var middle = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        var rank = (int)Math.Ceiling(0.9 * sorted.Count);
        return new Durations(sorted.Count, median, sorted[rank - 1]);
    }
}

public sealed record FeedbackMeans(int Responses, double FeltHeard, double NextSteps, double WouldRecommend);

/// <summary>Where the queue stands now.</summary>
public sealed record QueueNow(
    int Waiting, int WaitingUrgent, int WaitingRaised, int Offered, int Active, TimeSpan? LongestWait, int UrgentOpen,
    int Unmatched, IReadOnlyList<(UnmatchedReason Reason, int Count)> UnmatchedByReason);

/// <summary>What happened over the last <see cref="Days"/> days: counts and durations of requests, never anyone's answers.</summary>
public sealed record QueuePeriod(int Days, int Made, Durations TimeToMatch, Durations TimeToFirstReply, int Closed, int Withdrawn);

/// <summary>
/// Requesters' feedback over a completed calendar period: hidden below the minimum group size, and, for a quarter
/// (<see cref="HiddenBesideMonths"/>), when it holds fewer than that beyond its months that show
/// (<see cref="CompletedPeriods.WholeShown"/>).
/// </summary>
public sealed record PeriodFeedback(CalendarPeriod Period, Suppressed<FeedbackMeans> Means, bool HiddenBesideMonths);

/// <summary>A waiting or offered request: never the topic, the words or the people named; the name only when the requester allowed it.</summary>
public sealed record QueueRow(
    Guid Id, DateTimeOffset CreatedAt, TimeSpan Waiting, QueuePriority Priority, RequestStatus Status, string Who, bool NameShown,
    string? Supporter, UnmatchedExplanation? Unmatched);

/// <summary>An open conversation, for a coordinator who may need to close it.</summary>
public sealed record ConversationRow(Guid Id, DateTimeOffset? Since, QueuePriority Priority, string Who, bool NameShown, string? Supporter);

/// <summary>One current supporter's load. Never well-being scores.</summary>
public sealed record SupporterLoadRow(Guid PersonId, string Name, bool Available, DateOnly? PausedUntil, int OpenCases, int Cap, int ClosedInPeriod, bool DebriefOpen);

public sealed record QueueView(QueueNow Now, QueuePeriod Period, IReadOnlyList<PeriodFeedback> Feedback, IReadOnlyList<QueueRow> Queue, IReadOnlyList<ConversationRow> Conversations, IReadOnlyList<SupporterLoadRow> Supporters);

/// <summary>
/// What coordinators see of the support queue in the current organisation: figures now and over a period,
/// the queue itself, open conversations, each supporter's load; and the two coordinator actions (closing a
/// conversation administratively, returning a stuck offer to the queue), both audited. Scoped.
/// </summary>
public sealed class SupportQueue(
    AppDbContext db, TimeProvider clock, AuditLog audit, MatchingPoolSource pools, SupporterWellbeing wellbeing, SupportOffers offers, CompletedPeriods periods)
{
    private static readonly SupportMatcher Matcher = new(MatchingOptions.Default);

    private IQueryable<SupportRequestRecord> Requests => db.Set<SupportRequestRecord>();

    public async Task<QueueView> ViewAsync(int periodDays, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = await Requests
            .Where(r => r.Status == RequestStatus.Waiting || r.Status == RequestStatus.Offered || r.Status == RequestStatus.Active)
            .ToListAsync(ct);
        var pool = await pools.PoolAsync(ct);
        var waiting = open.Where(r => r.Status == RequestStatus.Waiting).ToList();
        var matching = await pools.RequestsAsync(waiting, ct);
        var unmatched = new Dictionary<Guid, UnmatchedExplanation>();
        foreach (var request in matching)
        {
            if (Matcher.Suggest(request, pool).None is { } none)
            {
                unmatched[request.Id] = none;
            }
        }

        var names = await NamesAsync(open.Where(r => r.ShowName).Select(r => r.PersonId).Concat(open.Where(r => r.SupporterId is not null).Select(r => r.SupporterId!.Value)), ct);
        (string Who, bool Shown) Who(SupportRequestRecord r) =>
            r.ShowName && names.TryGetValue(r.PersonId, out var name) ? (name, true) : (r.Pseudonym, false);
        string? Supporter(SupportRequestRecord r) => r.SupporterId is { } s ? names.GetValueOrDefault(s) : null;

        var notAccepted = open.Where(r => r.Status is RequestStatus.Waiting or RequestStatus.Offered).ToList();
        var queue = notAccepted
            .OrderByDescending(r => r.Priority).ThenBy(r => r.CreatedAt)
            .Select(r => (Row: r, Who: Who(r)))
            .Select(x => new QueueRow(x.Row.Id, x.Row.CreatedAt, now - x.Row.CreatedAt, x.Row.Priority, x.Row.Status, x.Who.Who, x.Who.Shown,
                Supporter(x.Row), unmatched.GetValueOrDefault(x.Row.Id)))
            .ToList();
        var conversations = open.Where(r => r.Status == RequestStatus.Active)
            .OrderBy(r => r.SupporterSince)
            .Select(r => (Row: r, Who: Who(r)))
            .Select(x => new ConversationRow(x.Row.Id, x.Row.SupporterSince, x.Row.Priority, x.Who.Who, x.Who.Shown, Supporter(x.Row)))
            .ToList();

        var figures = new QueueNow(
            Waiting: waiting.Count,
            WaitingUrgent: waiting.Count(r => r.Priority == QueuePriority.Urgent),
            WaitingRaised: waiting.Count(r => r.Priority == QueuePriority.Raised),
            Offered: open.Count(r => r.Status == RequestStatus.Offered),
            Active: conversations.Count,
            LongestWait: notAccepted.Count == 0 ? null : now - notAccepted.Min(r => r.CreatedAt),
            UrgentOpen: notAccepted.Count(r => r.Priority != QueuePriority.Routine),
            Unmatched: unmatched.Count,
            UnmatchedByReason: [.. unmatched.Values.GroupBy(u => u.Reason).OrderBy(g => g.Key).Select(g => (g.Key, g.Count()))]);

        var since = now.AddDays(-QueuePeriods.Normalise(periodDays));
        var period = await PeriodAsync(QueuePeriods.Normalise(periodDays), now, ct);
        var feedback = await FeedbackAsync(ct);
        var supporters = await SupportersAsync(pool, since, ct);
        return new QueueView(figures, period, feedback, queue, conversations, supporters);
    }

    private async Task<QueuePeriod> PeriodAsync(int days, DateTimeOffset now, CancellationToken ct)
    {
        var since = now.AddDays(-days);
        var rows = await Requests
            .Where(r => r.CreatedAt >= since || r.FirstAcceptedAt >= since || r.FirstReplyAt >= since || r.ClosedAt >= since || r.WithdrawnAt >= since)
            .Select(r => new { r.CreatedAt, r.FirstAcceptedAt, r.FirstReplyAt, r.ClosedAt, r.WithdrawnAt, r.Status })
            .ToListAsync(ct);
        var matched = rows.Where(r => r.FirstAcceptedAt >= since).Select(r => r.FirstAcceptedAt!.Value - r.CreatedAt);
        var replied = rows.Where(r => r.FirstReplyAt >= since && r.FirstAcceptedAt is not null).Select(r => r.FirstReplyAt!.Value - r.FirstAcceptedAt!.Value);

        return new QueuePeriod(days,
            Made: rows.Count(r => r.CreatedAt >= since),
            TimeToMatch: Durations.Of(matched),
            TimeToFirstReply: Durations.Of(replied),
            Closed: rows.Count(r => r.Status == RequestStatus.Closed && r.ClosedAt >= since),
            Withdrawn: rows.Count(r => r.Status == RequestStatus.Withdrawn && r.WithdrawnAt >= since));
    }

    /// <summary>
    /// Feedback means over the last completed month and the last completed quarter (which need not hold that month). A
    /// period in progress is never shown and a completed one never changes, so a coordinator who loads the page before and
    /// after a requester answers sees the same figures. A quarter shows only when it holds none or at least the minimum
    /// beyond its months that show: its months were each shown while they were the last completed month.
    /// </summary>
    private async Task<IReadOnlyList<PeriodFeedback>> FeedbackAsync(CancellationToken ct)
    {
        var minimum = await wellbeing.MinimumGroupSizeAsync(ct);
        var month = periods.Last(PeriodKind.Month).Single();
        var quarter = periods.Last(PeriodKind.Quarter).Single();
        var all = await db.Set<SupportFeedbackRecord>().Where(f => f.AnsweredAt >= quarter.Start && f.AnsweredAt < month.End)
            .Select(f => new { f.AnsweredAt, f.FeltHeard, f.NextSteps, f.WouldRecommend })
            .ToListAsync(ct);
        int CountIn(CalendarPeriod p) => all.Count(a => p.Contains(a.AnsweredAt));
        PeriodFeedback Of(CalendarPeriod p, bool shown)
        {
            var answers = all.Where(a => p.Contains(a.AnsweredAt)).ToList();
            return new PeriodFeedback(p, new Suppressed<FeedbackMeans>(minimum, shown
                ? new FeedbackMeans(answers.Count, answers.Average(a => a.FeltHeard), answers.Average(a => a.NextSteps), answers.Average(a => a.WouldRecommend))
                : null), HiddenBesideMonths: !shown && answers.Count >= minimum);
        }
        return
        [
            Of(month, CountIn(month) >= minimum),
            Of(quarter, CompletedPeriods.WholeShown(CountIn(quarter), periods.MonthsOf(quarter).Select(CountIn), minimum)),
        ];
    }

    private async Task<IReadOnlyList<SupporterLoadRow>> SupportersAsync(MatchingPool pool, DateTimeOffset since, CancellationToken ct)
    {
        var ids = pool.Supporters.Select(s => s.PersonId).ToList();
        var paused = await db.Set<SupporterSettings>().Where(s => ids.Contains(s.PersonId))
            .ToDictionaryAsync(s => s.PersonId, s => s.PausedUntil, ct);
        var closed = await Requests
            .Where(r => r.Status == RequestStatus.Closed && r.ClosedAt >= since && r.SupporterId != null && ids.Contains(r.SupporterId.Value))
            .GroupBy(r => r.SupporterId!.Value)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var debriefs = (await db.Set<DebriefRequest>().Where(d => d.Status == DebriefStatus.Open && ids.Contains(d.PersonId))
            .Select(d => d.PersonId).Distinct().ToListAsync(ct)).ToHashSet();
        return [.. pool.Supporters
            .Select(s => new SupporterLoadRow(s.PersonId, s.Name ?? "", s.Available,
                s.Paused ? paused.GetValueOrDefault(s.PersonId) : null, s.OpenCases, s.Cap, closed.GetValueOrDefault(s.PersonId), debriefs.Contains(s.PersonId)))
            .OrderBy(s => s.Name, StringComparer.CurrentCulture)];
    }

    private async Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        return wanted.Count == 0 ? [] : await db.People.Where(p => wanted.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
    }

    /// <summary>A request in the current organisation; null for an unknown id (the page answers 404).</summary>
    public Task<SupportRequestRecord?> FindAsync(Guid id, CancellationToken ct) => Requests.SingleOrDefaultAsync(r => r.Id == id, ct);

    /// <summary>
    /// Closes an open conversation on a coordinator's decision (for example when the supporter has left); audited with the
    /// reason key. Holds the matching section, as it frees the supporter's slot; false (nothing changes) when the request is
    /// no longer active by the time the section is entered.
    /// </summary>
    public async Task<bool> CloseAsync(SupportRequestRecord record, string reason, CancellationToken ct)
    {
        if (!CoordinatorCloseReasons.IsKnown(reason))
        {
            throw new ArgumentException($"\"{reason}\" is not a reason for closing.", nameof(reason));
        }
        await using var _ = await offers.EnterMatchingAsync(ct);
        await db.Entry(record).ReloadAsync(ct);
        if (record.Status != RequestStatus.Active)
        {
            return false;
        }
        record.Close(ClosedBy.Coordinator, clock.GetUtcNow());
        audit.Record(QueueAudit.CoordinatorClosed, RequestAudit.Target, record.Id, detail: "reason=" + reason);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Takes a stuck offer back from its supporter: the pending offer ends as reassigned (that supporter is not offered the
    /// request again) and the request waits in the queue for the next matching run, or, routine while requesters choose, for
    /// its requester, who is told so (<see cref="SupportOffers.SendBackAsync"/>); audited. Holds the matching section;
    /// false (nothing changes) when the request is no longer offered by the time the section is entered.
    /// </summary>
    public async Task<bool> ReturnToQueueAsync(SupportRequestRecord record, CancellationToken ct)
    {
        await using var _ = await offers.EnterMatchingAsync(ct);
        await db.Entry(record).ReloadAsync(ct);
        if (record.Status != RequestStatus.Offered)
        {
            return false;
        }
        await offers.EndPendingOfferAsync(record.Id, OfferOutcome.Reassigned, clock.GetUtcNow(), ct);
        audit.Record(QueueAudit.ReturnedToQueue, RequestAudit.Target, record.Id);
        await offers.SendBackAsync(record, ct);
        await db.SaveChangesAsync(ct);
        return true;
    }
}

public static class SupportQueueServices
{
    public static IServiceCollection AddSupportQueue(this IServiceCollection services)
    {
        services.AddScoped<MatchingPoolSource>();
        services.AddScoped<SupportQueue>();
        return services;
    }
}
