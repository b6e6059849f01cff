using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Features.People;

/// <summary>
/// One <see cref="OrgChart"/> per organisation, kept between requests (singleton) and rebuilt when the
/// directory changes. Two signals say it changed:
/// <list type="bullet">
/// <item>a version number this process bumps after it saves people (<see cref="Invalidate"/>): exact and immediate;</item>
/// <item>the number of people and their latest <see cref="Person.UpdatedAt"/>, read with one indexed query on
/// every use, so a change made by another process (the import-people CLI verb, a second server) is seen too.</item>
/// </list>
/// </summary>
public sealed class OrgChartCache
{
    private sealed record Entry(long Version, DirectoryStamp Stamp, OrgChart Chart);

    private readonly ConcurrentDictionary<Guid, Entry> _charts = new();
    private readonly ConcurrentDictionary<Guid, long> _versions = new();
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _builders = new();

    /// <summary>Marks an organisation's chart stale. Call after saving a change to people or their managers.</summary>
    public void Invalidate(Guid organisationId) => _versions.AddOrUpdate(organisationId, 1, (_, v) => v + 1);

    /// <summary>The chart for the organisation <paramref name="db"/> is scoped to.</summary>
    public async Task<OrgChart> ForAsync(AppDbContext db, CancellationToken ct)
    {
        if (db.CurrentOrganisationId is not { } organisationId)
        {
            return OrgChart.Empty;
        }
        var version = _versions.GetValueOrDefault(organisationId);
        var stamp = await DirectoryStamp.ReadAsync(db, ct);
        if (_charts.TryGetValue(organisationId, out var cached) && cached.Version == version && cached.Stamp == stamp)
        {
            return cached.Chart;
        }

        // One build at a time per organisation: concurrent requests after a change wait for it rather than repeat it.
        var gate = _builders.GetOrAdd(organisationId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            version = _versions.GetValueOrDefault(organisationId);
            stamp = await DirectoryStamp.ReadAsync(db, ct);
            if (_charts.TryGetValue(organisationId, out cached) && cached.Version == version && cached.Stamp == stamp)
            {
                return cached.Chart;
            }
            var pairs = await db.People.AsNoTracking().Select(p => new { p.Id, p.ManagerId }).ToListAsync(ct);
            var chart = OrgChart.Build(pairs.Select(p => (p.Id, p.ManagerId)).ToList());
            _charts[organisationId] = new Entry(version, stamp, chart);
            return chart;
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>
/// A cheap fingerprint of an organisation's directory: how many people, and the latest change to any of
/// them (every change goes through <see cref="Person.Apply"/>, which sets <see cref="Person.UpdatedAt"/>).
/// One query on the (OrganisationId, UpdatedAt) index.
/// </summary>
internal readonly record struct DirectoryStamp(int Count, long LatestUpdateTicks)
{
    public static async Task<DirectoryStamp> ReadAsync(AppDbContext db, CancellationToken ct)
    {
        var stamp = await db.People
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Latest = g.Max(p => p.UpdatedAt) })
            .SingleOrDefaultAsync(ct); // one group at most; First without an order would log a warning on every start
        return stamp is null ? default : new DirectoryStamp(stamp.Count, stamp.Latest.UtcTicks);
    }
}
