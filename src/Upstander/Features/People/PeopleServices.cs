namespace Upstander.Features.People;

public static class PeopleServices
{
    /// <summary>The directory's services: the org chart cache, the importer and its background job, and editing.</summary>
    public static IServiceCollection AddPeople(this IServiceCollection services)
    {
        services.AddSingleton<OrgChartCache>();
        services.AddScoped<PeopleImporter>();
        services.AddScoped<PersonEditor>();
        services.AddSingleton<PeopleImportJobs>();
        services.AddHostedService(provider => provider.GetRequiredService<PeopleImportJobs>());
        return services;
    }
}
