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
        if (options.JudgementPeriod < TimeSpan.FromSeconds(1) || options.JudgementPeriod > TimeSpan.FromDays(1))
        {
            throw new Platform.StartupProblem("Escrow:JudgementPeriod must be between 00:00:01 and 1.00:00:00: how often held groups are judged (by default each hour, 01:00:00).");
        }
        services.AddSingleton(options);
        services.AddSingleton<OprfCallerLimiter>();
        if (string.IsNullOrWhiteSpace(options.OprfUrl))
        {
            AddKeyFile(services, OprfPurpose, options.OprfKeyFile, "escrow-oprf.key");
            services.AddSingleton(provider => new OprfKeyHolder(provider.GetRequiredKeyedService<LoadedKey>(OprfPurpose).Key));
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
        AddKeyFile(services, ReviewersPurpose, options.ReviewerKeyFile, "escrow-reviewers.key");
        services.AddSingleton(provider => new EscrowReviewerKey(provider.GetRequiredKeyedService<LoadedKey>(ReviewersPurpose).Key));
        services.AddSingleton<EscrowEntryLimiter>();
        services.AddSingleton<EscrowSubject>();
        services.AddSingleton<EscrowPendingGroups>();
        services.AddScoped<EscrowStore>();
        services.AddScoped<Cases.IReportContentEraser, EscrowEntriesEraser>();
        services.AddScoped<HeldEntryExpiry>();
        services.AddRetentionPass("held escrow entries", _ => TimeSpan.FromHours(1), (scopes, ct) =>
            EveryOrganisation.SumAsync(scopes, s => s.GetRequiredService<HeldEntryExpiry>().RunAsync(ct), (a, b) => a + b, 0, ct)
                .DescribedAs(deleted => new(deleted > 0, $"Deleted {deleted} held escrow entries that were not released within {options.HeldMonths} months.")));
        services.AddHostedService<EscrowReleaseJob>();
        return services;
    }

    /// <summary>The purposes the escrow key files are recorded under (<see cref="BoundKeyFile"/>).</summary>
    public const string ReviewersPurpose = "escrow reviewers", OprfPurpose = "escrow OPRF";

    /// <summary>
    /// Registers a key file, loaded (or made, on a first start) when first needed, and its <see cref="BoundKeyFile"/>, which
    /// the start compares with the key the database was first used with (<see cref="KeyFileBindings.CheckAsync"/>).
    /// </summary>
    private static void AddKeyFile(IServiceCollection services, string purpose, string? configured, string fileName)
    {
        services.AddKeyedSingleton(purpose, (provider, _) => LoadKey(provider, purpose, configured, fileName));
        services.AddSingleton(provider => provider.GetRequiredKeyedService<LoadedKey>(purpose).Bound);
    }

    /// <summary>Beside the master key unless configured; in its own file, never in the data directory or the database.</summary>
    private static LoadedKey LoadKey(IServiceProvider provider, string purpose, string? configured, string fileName)
    {
        var contentRoot = provider.GetRequiredService<IHostEnvironment>().ContentRootPath;
        var protection = provider.GetRequiredService<ProtectionOptions>();
        var masterKeyDirectory = Path.GetDirectoryName(Path.GetFullPath(protection.MasterKeyFile ?? Path.Combine("keys", "master.key"), contentRoot))!;
        var path = Path.GetFullPath(configured ?? Path.Combine(masterKeyDirectory, fileName), contentRoot);
        var created = !File.Exists(path);
        var key = EscrowKeyFile.LoadOrCreate(path, provider.GetRequiredService<DatabaseOptions>().DataDirectory(contentRoot));
        var fingerprint = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
        return new LoadedKey(key, new BoundKeyFile(purpose, path, fingerprint, created));
    }

    /// <summary>A key file as <see cref="LoadKey"/> loaded it (made on a first start), and what the start checks of it (its fingerprint is the SHA-256 of the public key).</summary>
    private sealed record LoadedKey(System.Security.Cryptography.ECDiffieHellman Key, BoundKeyFile Bound);
}
