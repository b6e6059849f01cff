using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// Groups whose release could not be decided because the OPRF key holder gave no answer (unreachable, 429, 503): they stay
/// held and are tried again by <see cref="EscrowReleaseJob"/>, and by the next entry that arrives for them. In memory only,
/// so nothing about a group is stored for it; the job's first pass after a start looks at every group that could be complete.
/// </summary>
public sealed class EscrowReleaseRetries
{
    private readonly ConcurrentDictionary<(Guid Organisation, string Index, int Threshold), byte> _pending = new();

    public void Add(Guid organisationId, byte[] index, int threshold) => _pending[Key(organisationId, index, threshold)] = 0;

    public void Remove(Guid organisationId, byte[] index, int threshold) => _pending.TryRemove(Key(organisationId, index, threshold), out _);

    public IReadOnlyList<(Guid Organisation, byte[] Index, int Threshold)> Pending() =>
        [.. _pending.Keys.Select(k => (k.Organisation, Convert.FromHexString(k.Index), k.Threshold))];

    private static (Guid, string, int) Key(Guid organisationId, byte[] index, int threshold) => (organisationId, Convert.ToHexString(index), threshold);
}

/// <summary>
/// Every minute, tries again the release of each escrow group the key holder could not check (<see cref="EscrowReleaseRetries"/>),
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
