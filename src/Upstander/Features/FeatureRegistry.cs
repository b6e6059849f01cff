using Upstander.Features.Accounts;
using Upstander.Features.Cases;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Queue;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.Training;
using Upstander.Platform.Web;

namespace Upstander.Features;

/// <summary>The one list of features: each adds its services and maps its API here.</summary>
public static class FeatureRegistry
{
    public static IServiceCollection AddUpstanderFeatures(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<OrganisationSetup>();
        services.AddSingleton<OrganisationZones>();
        services.AddScoped<OrganisationTime>();
        services.AddScoped<CompletedPeriods>();
        services.AddScoped<WorkMail>();
        services.AddScoped<Demo.DemoSeeder>();
        services.AddScoped<Demo.DemoTraining>();
        services.AddScoped<Demo.DemoResources>();
        services.AddScoped<Demo.DemoSupport>();
        services.AddScoped<Demo.DemoSpeakUp>();
        services.AddScoped<Platform.Auditing.AuditLog>();
        services.AddHostedService<Platform.Auditing.AuditHeadJob>();
        services.AddAccounts(Platform.Data.DatabaseOptions.From(configuration));
        services.AddPeople();
        services.AddTraining();
        services.AddPeerSupportSafety();
        services.AddSupporterCare();
        services.AddSupportResources();
        services.AddSupportRequests();
        services.AddSupportQueue();
        services.AddConversations();
        services.AddSupportOffers();
        services.AddEscrow(configuration);
        services.AddCases();
        services.AddSpeakUpReporting(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapUpstanderFeatures(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Upstander API");
        api.MapPeopleApi();
        api.MapAccountsApi();
        api.MapEscrowOprf();
        api.MapEscrowEntries();
        app.MapPasskeyEndpoints();
        app.MapHealth();
        return app;
    }
}
