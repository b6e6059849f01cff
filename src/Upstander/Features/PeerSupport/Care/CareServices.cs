using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Upstander.Features.PeerSupport.Care;

public static class SupporterCareServices
{
    public static IServiceCollection AddSupporterCare(this IServiceCollection services)
    {
        services.AddSingleton<Instruments>();
        services.AddHostedService<InstrumentContentStartup>();
        services.AddScoped<SupporterCare>();
        services.AddScoped<SupporterWellbeing>();
        // The conversation feature registers its own counter (before or after: TryAdd keeps the first).
        services.TryAddScoped<IOpenCaseCounter, NoOpenCases>();
        return services;
    }
}
