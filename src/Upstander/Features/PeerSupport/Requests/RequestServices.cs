namespace Upstander.Features.PeerSupport.Requests;

public static class SupportRequestServices
{
    public static IServiceCollection AddSupportRequests(this IServiceCollection services)
    {
        services.AddScoped<SupportRequests>();
        return services;
    }
}
