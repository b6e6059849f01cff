using Upstander.Platform.Jobs;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Offers;

public static class SupportOfferServices
{
    public static IServiceCollection AddSupportOffers(this IServiceCollection services)
    {
        services.AddScoped<SupportOffers>();
        services.AddScoped<Accounts.IHandOverSweep>(provider => provider.GetRequiredService<SupportOffers>());
        services.AddHostedService<MatchingRunner>();
        return services;
    }
}

/// <summary>
/// Every minute, for each organisation with a waiting request or a pending offer: expires overdue offers and
/// runs the matching queue (see <see cref="SupportOffers.RunAsync"/>), acting as the system in that organisation.
/// </summary>
public sealed class MatchingRunner(IServiceScopeFactory scopes, TimeProvider clock, ILogger<MatchingRunner> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromMinutes(1);

    protected override bool RunAtStart => false;

    /// <summary>One pass over every organisation that has something to match; one failing organisation does not stop the others.</summary>
    public override async Task RunOnceAsync(CancellationToken ct)
    {
        List<Guid> organisations;
        using (var scope = scopes.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
            organisations = await scope.ServiceProvider.GetRequiredService<SupportOffers>().OrganisationsToRunAsync(ct);
        }
        await EveryOrganisation.EachAsync(scopes, organisations, s => s.GetRequiredService<SupportOffers>().RunAsync(ct), logger, "Matching");
    }
}
