using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Features.SpeakUp.Escrow;

public static class EscrowServices
{
    public static IServiceCollection AddEscrow(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Escrow").Get<EscrowOptions>() ?? new EscrowOptions();
        services.AddSingleton(options);
        services.AddSingleton(provider => new OprfKeyHolder(LoadKey(provider, options.OprfKeyFile, "escrow-oprf.key"), options));
        services.AddSingleton(provider => new EscrowReviewerKey(LoadKey(provider, options.ReviewerKeyFile, "escrow-reviewers.key")));
        services.AddSingleton<EscrowEntryLimiter>();
        services.AddScoped<EscrowStore>();
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
