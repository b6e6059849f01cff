using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// Groups waiting to be judged by <see cref="EscrowReleaseJob"/>: every group an entry arrived in, from the next
/// judgement boundary on (<see cref="EscrowOptions.JudgementPeriod"/>), and every group whose judgement could not be
/// finished, from at once: the OPRF key holder gave no answer (unreachable, 429, 503), the search for a key reached
/// <see cref="EscrowOpener.MaxSubsets"/> before it had tried every subset (a group flooded with wrong shares; it goes on
/// from where it stopped), or the judgement was cut short. In memory only, so nothing about a group is stored for it; the
/// job's first pass after a start takes in every group that could be complete.
/// </summary>
public sealed class EscrowPendingGroups
{
    private readonly ConcurrentDictionary<(Guid Organisation, string Index, int Threshold), Pending> _pending = new();

    private sealed record Pending(EscrowSearchState State, DateTimeOffset Due);

    /// <summary>An entry arrived in the group: it is judged at <paramref name="due"/> (never sooner, even if it was waiting for a retry).</summary>
    public void Arrived(Guid organisationId, byte[] index, int threshold, DateTimeOffset due) =>
        _pending.AddOrUpdate(Key(organisationId, index, threshold), _ => new(EscrowSearchState.Start, due),
            (_, pending) => pending with { Due = pending.Due > due ? pending.Due : due });

    /// <summary>Keeps the group to be judged again at the next pass; where its search goes on from stays as it was.</summary>
    public void Add(Guid organisationId, byte[] index, int threshold) =>
        _pending.TryAdd(Key(organisationId, index, threshold), new(EscrowSearchState.Start, DateTimeOffset.MinValue));

    public void Remove(Guid organisationId, byte[] index, int threshold) => _pending.TryRemove(Key(organisationId, index, threshold), out _);

    /// <summary>Where the group's next search goes on from (<see cref="EscrowOpener.Search"/>).</summary>
    public EscrowSearchState SearchState(Guid organisationId, byte[] index, int threshold) =>
        _pending.TryGetValue(Key(organisationId, index, threshold), out var pending) ? pending.State : EscrowSearchState.Start;

    /// <summary>Keeps the group to be judged again at the next pass, its next search going on as <paramref name="state"/> says.</summary>
    public void GoOn(Guid organisationId, byte[] index, int threshold, EscrowSearchState state) =>
        _pending.AddOrUpdate(Key(organisationId, index, threshold), _ => new(state, DateTimeOffset.MinValue), (_, pending) => pending with { State = state });

    /// <summary>The groups due to be judged at <paramref name="now"/>.</summary>
    public IReadOnlyList<(Guid Organisation, byte[] Index, int Threshold)> Due(DateTimeOffset now) =>
        [.. _pending.Where(p => p.Value.Due <= now).Select(p => (p.Key.Organisation, Convert.FromHexString(p.Key.Index), p.Key.Threshold))];

    /// <summary>Every group waiting, due or not.</summary>
    public int Count => _pending.Count;

    private static (Guid, string, int) Key(Guid organisationId, byte[] index, int threshold) => (organisationId, Convert.ToHexString(index), threshold);
}

/// <summary>
/// How far a group's search for a key has gone: how many subsets the next search passes over, and which entries the group
/// had when the searches began at the first subset (null before any has). A round of searches that comes back to the first
/// subset over the same entries has tried every subset, and there is nothing more to find until an entry arrives or goes.
/// </summary>
public sealed record EscrowSearchState(long From, string? RoundOver)
{
    public static readonly EscrowSearchState Start = new(0, null);
}

/// <summary>
/// Judges the escrow groups that are due (<see cref="EscrowPendingGroups"/>), as the system in each organisation: every
/// minute (more often when <see cref="EscrowOptions.JudgementPeriod"/> is shorter), so a group an entry arrived in is
/// judged on the first pass after the next boundary and one whose judgement could not be finished is tried again at
/// once. At the first pass after each boundary it also records the withdrawals since the last one
/// (<see cref="EscrowStore.RecordWithdrawalsAsync"/>). At start, first takes in every group with at least t entries of
/// which some are still held, to be judged at the next boundary, since what the previous run had pending was kept only
/// in its memory.
/// </summary>
public sealed class EscrowReleaseJob(IServiceScopeFactory scopes, EscrowPendingGroups pending, EscrowOptions options, TimeProvider clock, ILogger<EscrowReleaseJob> logger)
    : PeriodicJob(clock, logger)
{
    private readonly Lock _gate = new();
    private Task? _takenIn;
    private DateTimeOffset _withdrawalsRecordedAt = DateTimeOffset.MinValue;

    protected override TimeSpan Interval => options.JudgementPeriod < TimeSpan.FromMinutes(1) ? options.JudgementPeriod : TimeSpan.FromMinutes(1);

    public override async Task RunOnceAsync(CancellationToken ct)
    {
        // Once per start (again only if it failed), and every pass waits for it: a pass beside the first must not find the
        // list still empty.
        Task takenIn;
        lock (_gate)
        {
            if (_takenIn is null || _takenIn.IsFaulted || _takenIn.IsCanceled)
            {
                _takenIn = TakeInCompleteGroupsAsync(ct);
            }
            takenIn = _takenIn;
        }
        await takenIn;
        var now = Clock.GetUtcNow();
        foreach (var (organisationId, index, threshold) in pending.Due(now))
        {
            try
            {
                await EveryOrganisation.InScopeAsync(scopes, organisationId, s => s.GetRequiredService<EscrowStore>().JudgeAsync(index, threshold, ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("Judging an escrow group in organisation {OrganisationId} failed with {ExceptionType}.", organisationId, ex.GetType().Name);
            }
        }
        var boundary = options.BoundaryAtOrBefore(now);
        if (boundary > _withdrawalsRecordedAt)
        {
            var recorded = await EveryOrganisation.SumAsync(scopes, s => s.GetRequiredService<EscrowStore>().RecordWithdrawalsAsync(ct), (a, b) => a + b, 0, ct);
            recorded.ThrowIfAnyFailed();
            _withdrawalsRecordedAt = boundary;
        }
    }

    private async Task TakeInCompleteGroupsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var groups = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<HeldEntry>().IgnoreQueryFilters()
            .Where(e => e.MatchIndex != HeldEntry.NoIndex)
            .GroupBy(e => new { e.OrganisationId, e.MatchIndex, e.Threshold })
            .Where(g => g.Count() >= g.Key.Threshold && g.Count(e => e.ReleasedAt == null) > 0)
            .Select(g => g.Key)
            .ToListAsync(ct);
        var due = options.BoundaryAfter(Clock.GetUtcNow());
        foreach (var group in groups)
        {
            pending.Arrived(group.OrganisationId, group.MatchIndex, group.Threshold, due);
        }
    }
}
