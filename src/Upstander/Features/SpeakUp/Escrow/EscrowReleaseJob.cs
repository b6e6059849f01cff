using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// Groups whose release could not be decided: the OPRF key holder gave no answer (unreachable, 429, 503), or the search
/// for a key reached <see cref="EscrowOpener.MaxSubsets"/> before it had tried every subset (a group flooded with wrong
/// shares). They stay held and are tried again by <see cref="EscrowReleaseJob"/>, and by the next entry that arrives for
/// them; a search goes on from where the last one stopped. In memory only, so nothing about a group is stored for it; the
/// job's first pass after a start looks at every group that could be complete.
/// </summary>
public sealed class EscrowReleaseRetries
{
    private readonly ConcurrentDictionary<(Guid Organisation, string Index, int Threshold), EscrowSearchState> _pending = new();

    /// <summary>Marks the group to be tried again; where its search goes on from stays as it was.</summary>
    public void Add(Guid organisationId, byte[] index, int threshold) => _pending.TryAdd(Key(organisationId, index, threshold), EscrowSearchState.Start);

    public void Remove(Guid organisationId, byte[] index, int threshold) => _pending.TryRemove(Key(organisationId, index, threshold), out _);

    /// <summary>Where the group's next search goes on from (<see cref="EscrowOpener.Search"/>).</summary>
    public EscrowSearchState SearchState(Guid organisationId, byte[] index, int threshold) =>
        _pending.TryGetValue(Key(organisationId, index, threshold), out var state) ? state : EscrowSearchState.Start;

    /// <summary>Keeps the group to be tried again, its next search going on as <paramref name="state"/> says.</summary>
    public void GoOn(Guid organisationId, byte[] index, int threshold, EscrowSearchState state) => _pending[Key(organisationId, index, threshold)] = state;

    public IReadOnlyList<(Guid Organisation, byte[] Index, int Threshold)> Pending() =>
        [.. _pending.Keys.Select(k => (k.Organisation, Convert.FromHexString(k.Index), k.Threshold))];

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
/// Every minute, tries again the release of each escrow group the key holder could not check, or whose search for a key
/// is not finished (<see cref="EscrowReleaseRetries"/>),
/// as the system in its organisation. At start, first takes in every group with at least t entries of which some are still
/// held, since a retry the previous run had pending was kept only in its memory.
/// </summary>
public sealed class EscrowReleaseJob(IServiceScopeFactory scopes, EscrowReleaseRetries retries, TimeProvider clock, ILogger<EscrowReleaseJob> logger)
    : PeriodicJob(clock, logger)
{
    private readonly Lock _gate = new();
    private Task? _takenIn;

    protected override TimeSpan Interval => TimeSpan.FromMinutes(1);

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
        foreach (var (organisationId, index, threshold) in retries.Pending())
        {
            try
            {
                await EveryOrganisation.InScopeAsync(scopes, organisationId, s => s.GetRequiredService<EscrowStore>().RetryAsync(index, threshold, ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError("Retrying an escrow release in organisation {OrganisationId} failed with {ExceptionType}.", organisationId, ex.GetType().Name);
            }
        }
    }

    private async Task TakeInCompleteGroupsAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var groups = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<HeldEntry>().IgnoreQueryFilters()
            .GroupBy(e => new { e.OrganisationId, e.MatchIndex, e.Threshold })
            .Where(g => g.Count() >= g.Key.Threshold && g.Count(e => e.ReleasedAt == null) > 0)
            .Select(g => g.Key)
            .ToListAsync(ct);
        foreach (var group in groups)
        {
            retries.Add(group.OrganisationId, group.MatchIndex, group.Threshold);
        }
    }
}
