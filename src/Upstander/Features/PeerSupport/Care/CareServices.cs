namespace Upstander.Features.PeerSupport.Care;

public static class SupporterCareServices
{
    public static IServiceCollection AddSupporterCare(this IServiceCollection services)
    {
        services.AddSingleton<Instruments>();
        services.AddHostedService<InstrumentContentStartup>();
        services.AddScoped<SupporterCare>();
        services.AddScoped<SupporterWellbeing>();
        // IOpenCaseCounter is registered by support requests, which own the cases.
        return services;
    }
}
