using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Resources;

/// <summary>Which entries of the directory to list.</summary>
/// <param name="Country">An ISO 3166-1 alpha-2 code: that country's entries and the all-countries ones; null for every entry.</param>
/// <param name="IncludeArchived">Archived entries too (coordinators only).</param>
/// <param name="Kind">Only entries of this kind.</param>
public sealed record ResourceFilter(string? Country = null, bool IncludeArchived = false, ResourceKind? Kind = null);

/// <summary>
/// The organisation's support resources directory. Scoped; every query is limited to the current
/// organisation by the query filter. Employees see published entries, the safety screen's flow asks for
/// crisis resources, referrals look entries up, and coordinators maintain them (audited, never with content).
/// </summary>
public sealed class SupportResources(AppDbContext db, CurrentActor actor, AuditLog audit, TimeProvider clock)
{
    private Guid Organisation => db.CurrentOrganisationId ?? throw new InvalidOperationException("The resources directory needs an organisation.");

    /// <summary>Entries matching the filter, in directory order: by kind, then position, then name.</summary>
    public async Task<IReadOnlyList<SupportResource>> ListAsync(ResourceFilter filter, CancellationToken ct)
    {
        var query = db.Set<SupportResource>().AsNoTracking();
        if (!filter.IncludeArchived)
        {
            query = query.Where(r => r.ArchivedAt == null);
        }
        if (filter.Kind is { } kind)
        {
            query = query.Where(r => r.Kind == kind);
        }
        if (Countries.Normalise(filter.Country) is { } country)
        {
            query = query.Where(r => r.Country == null || r.Country == country);
        }
        var rows = await query.ToListAsync(ct);
        return rows.OrderBy(r => r.Kind).ThenBy(r => r.Order).ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>
    /// The published crisis resources for someone in <paramref name="countryCode"/>: that country's and the
    /// all-countries ones, emergency numbers first, then the country's own before the all-countries ones,
    /// then by position and name. For an unknown or missing country every crisis resource is returned (a
    /// list that is too long is better than one that misses the person's own line).
    /// </summary>
    public async Task<IReadOnlyList<SupportResource>> CrisisResourcesAsync(string? countryCode, CancellationToken ct)
    {
        var country = Countries.Normalise(countryCode);
        var query = db.Set<SupportResource>().AsNoTracking().Where(r => r.ArchivedAt == null && r.IsCrisis);
        if (country is not null)
        {
            query = query.Where(r => r.Country == null || r.Country == country);
        }
        var rows = await query.ToListAsync(ct);
        return rows.OrderByDescending(r => r.IsEmergency)
            .ThenBy(r => r.Country is null)
            .ThenBy(r => r.Country, StringComparer.Ordinal)
            .ThenBy(r => r.Order)
            .ThenBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
            .ToList();
    }

    /// <summary>A published entry by id (for referrals); null when unknown, archived or another organisation's.</summary>
    public Task<SupportResource?> FindAsync(Guid id, CancellationToken ct) =>
        db.Set<SupportResource>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.ArchivedAt == null, ct);

    /// <summary>An entry to edit, archived or not (tracked); null when unknown or another organisation's.</summary>
    public Task<SupportResource?> EditableAsync(Guid id, CancellationToken ct) =>
        db.Set<SupportResource>().SingleOrDefaultAsync(r => r.Id == id, ct);

    /// <summary>The countries the published directory has entries for, as codes.</summary>
    public async Task<IReadOnlyList<string>> CountriesAsync(CancellationToken ct) =>
        await db.Set<SupportResource>().Where(r => r.ArchivedAt == null && r.Country != null).Select(r => r.Country!).Distinct().ToListAsync(ct);

    public async Task<SupportResource> AddAsync(SupportResourceDetails details, CancellationToken ct)
    {
        var resource = SupportResource.Create(Organisation, details, actor.Id, clock.GetUtcNow());
        db.Set<SupportResource>().Add(resource);
        audit.Record(AuditActions.SupportResourceAdded, "support-resource", resource.Id);
        await db.SaveChangesAsync(ct);
        return resource;
    }

    public Task UpdateAsync(SupportResource resource, SupportResourceDetails details, CancellationToken ct)
    {
        resource.Update(details, actor.Id, clock.GetUtcNow());
        audit.Record(AuditActions.SupportResourceUpdated, "support-resource", resource.Id);
        return db.SaveChangesAsync(ct);
    }

    public Task ArchiveAsync(SupportResource resource, CancellationToken ct)
    {
        resource.Archive(actor.Id, clock.GetUtcNow());
        audit.Record(AuditActions.SupportResourceArchived, "support-resource", resource.Id);
        return db.SaveChangesAsync(ct);
    }

    public Task RestoreAsync(SupportResource resource, CancellationToken ct)
    {
        resource.Restore(actor.Id, clock.GetUtcNow());
        audit.Record(AuditActions.SupportResourceRestored, "support-resource", resource.Id);
        return db.SaveChangesAsync(ct);
    }
}

public static class SupportResourcesServices
{
    public static IServiceCollection AddSupportResources(this IServiceCollection services) => services.AddScoped<SupportResources>();
}
