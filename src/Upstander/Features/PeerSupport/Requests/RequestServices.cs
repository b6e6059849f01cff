using Microsoft.EntityFrameworkCore;
using Upstander.Features.PeerSupport.Care;
using Upstander.Platform.Data;

namespace Upstander.Features.PeerSupport.Requests;

public static class SupportRequestServices
{
    public static IServiceCollection AddSupportRequests(this IServiceCollection services)
    {
        services.AddScoped<SupportRequests>();
        services.AddScoped<IOpenCaseCounter, RequestCaseCounter>();
        services.AddScoped<SupporterFeedback>();
        return services;
    }
}

/// <summary>Open cases are requests offered to a supporter or in an open conversation with them, in the current organisation.</summary>
public sealed class RequestCaseCounter(AppDbContext db) : IOpenCaseCounter
{
    public async Task<IReadOnlyDictionary<Guid, int>> OpenCasesAsync(IReadOnlyCollection<Guid> supporterIds, CancellationToken ct) =>
        await db.Set<SupportRequestRecord>()
            .Where(r => r.SupporterId != null && supporterIds.Contains(r.SupporterId.Value)
                && (r.Status == RequestStatus.Offered || r.Status == RequestStatus.Active))
            .GroupBy(r => r.SupporterId!.Value)
            .Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
}
