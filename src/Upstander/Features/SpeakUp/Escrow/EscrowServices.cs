using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Protection;
using Upstander.Platform.Retention;

namespace Upstander.Features.SpeakUp.Escrow;

public static class EscrowServices
{
    public static IServiceCollection AddEscrow(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Escrow").Get<EscrowOptions>() ?? new EscrowOptions();
        if (options.HeldMonths < 1)
        {
            throw new Platform.StartupProblem("Escrow:HeldMonths must be 1 or more: how many months an escrow entry that has not been released is kept.");
        }
        services.AddSingleton(options);
        services.AddSingleton<OprfCallerLimiter>();
        if (string.IsNullOrWhiteSpace(options.OprfUrl))
        {
            services.AddSingleton(provider => new OprfKeyHolder(LoadKey(provider, options.OprfKeyFile, "escrow-oprf.key")));
            services.AddSingleton<IOprfEvaluator, InProcessOprfEvaluator>();
        }
        else
        {
            // The key holder is a process of its own: no OPRF key is created or loaded here. A missing or short
            // secret stops start-up with a clear message rather than failing the first report.
            if (string.IsNullOrWhiteSpace(options.OprfClientSecretFile) || !File.Exists(options.OprfClientSecretFile)
                || File.ReadAllText(options.OprfClientSecretFile).Trim().Length < 32)
            {
                throw new Platform.StartupProblem(
                    "Escrow:OprfUrl is set, so Escrow:OprfClientSecretFile must name a readable file holding the secret shared with the OPRF key holder (at least 32 characters).");
            }
            var baseAddress = new Uri(options.OprfUrl.EndsWith('/') ? options.OprfUrl : options.OprfUrl + "/", UriKind.Absolute);
            services.AddHttpClient(RemoteOprfEvaluator.ClientName, client =>
            {
                client.BaseAddress = baseAddress;
                client.Timeout = TimeSpan.FromSeconds(10);
            });
            services.AddSingleton<IOprfEvaluator, RemoteOprfEvaluator>();
        }
        services.AddSingleton(provider => new EscrowReviewerKey(LoadKey(provider, options.ReviewerKeyFile, "escrow-reviewers.key")));
        services.AddSingleton<EscrowEntryLimiter>();
        services.AddSingleton<EscrowSubject>();
        services.AddSingleton<EscrowReleaseRetries>();
        services.AddScoped<EscrowStore>();
        services.AddScoped<Cases.IReportContentEraser, EscrowEntriesEraser>();
        services.AddScoped<HeldEntryExpiry>();
        services.AddRetentionPass("held escrow entries", _ => TimeSpan.FromHours(1), (scopes, ct) =>
            EveryOrganisation.SumAsync(scopes, s => s.GetRequiredService<HeldEntryExpiry>().RunAsync(ct), (a, b) => a + b, 0, ct)
                .DescribedAs(deleted => new(deleted > 0, $"Deleted {deleted} held escrow entries that were not released within {options.HeldMonths} months.")));
        services.AddHostedService<EscrowReleaseJob>();
        return services;
    }

    /// <summary>Beside the master key unless configured; in its own file, never in the data directory or the database.</summary>
    private static System.Security.Cryptography.ECDiffieHellman LoadKey(IServiceProvider provider, string? configured, string fileName)
    {
        var contentRoot = provider.GetRequiredService<IHostEnvironment>().ContentRootPath;
        var protection = provider.GetRequiredService<ProtectionOptions>();
        var masterKeyDirectory = Path.GetDirectoryName(Path.GetFullPath(protection.MasterKeyFile ?? Path.Combine("keys", "master.key"), contentRoot))!;
        var path = Path.GetFullPath(configured ?? Path.Combine(masterKeyDirectory, fileName), contentRoot);
        return EscrowKeyFile.LoadOrCreate(path, provider.GetRequiredService<DatabaseOptions>().DataDirectory(contentRoot));
    }
}
