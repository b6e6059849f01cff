using Microsoft.AspNetCore.DataProtection;
using Upstander.Platform.Data;

namespace Upstander.Platform.Protection;

public static class ProtectionServices
{
    public static IServiceCollection AddUpstanderProtection(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection("Protection").Get<ProtectionOptions>() ?? new ProtectionOptions();
        services.AddSingleton(options);
        services.AddSingleton(provider => MasterKey.Load(options, contentRoot, provider.GetRequiredService<DatabaseOptions>().DataDirectory(contentRoot)));
        services.AddSingleton<KeyRing>();
        services.AddSingleton<FieldProtector>();

        // Cookie and antiforgery keys: kept beside the master key, outside the data directory, and
        // encrypted at rest with the master key.
        var masterKeyDirectory = Path.GetDirectoryName(Path.GetFullPath(options.MasterKeyFile ?? Path.Combine("keys", "master.key"), contentRoot))!;
        var keyDirectory = Path.GetFullPath(configuration["Protection:DataProtectionKeys"] ?? Path.Combine(masterKeyDirectory, "data-protection"), contentRoot);
        Directory.CreateDirectory(keyDirectory);
        services.AddDataProtection()
            .SetApplicationName("Upstander")
            .PersistKeysToFileSystem(new DirectoryInfo(keyDirectory));
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<IServiceProvider>((o, provider) => o.XmlEncryptor = new MasterKeyXmlEncryptor(provider.GetRequiredService<MasterKey>()));
        return services;
    }
}
