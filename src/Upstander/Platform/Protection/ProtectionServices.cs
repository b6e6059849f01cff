using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
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
        services.AddSingleton(new DataProtectionKeyFolder(keyDirectory));
        var dataProtection = services.AddDataProtection()
            .SetApplicationName("Upstander")
            .PersistKeysToFileSystem(new DirectoryInfo(keyDirectory));
        if (AesGcm.IsSupported)
        {
            // Keys made from now on use AES-256-GCM: one authenticated cipher in place of the default AES-256-CBC with
            // HMAC-SHA256, and a third to a half less CPU per cookie or antiforgery token (every page a visitor opens
            // makes one, every signed-in request opens the session cookie). Existing keys keep their algorithm and go on
            // opening what they protected; the next key made (near the current one's expiry) is the first of the new kind.
            // (The validation algorithm is not used with GCM, whose tag authenticates.)
            dataProtection.UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration
            {
                EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM,
                ValidationAlgorithm = ValidationAlgorithm.HMACSHA256,
            });
        }
        services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<IServiceProvider>((o, provider) => o.XmlEncryptor = new MasterKeyXmlEncryptor(provider.GetRequiredService<MasterKey>()));
        return services;
    }
}

/// <summary>Where the cookie and antiforgery keys are kept (encrypted with the master key; see <see cref="MasterKeyXmlEncryptor"/>).</summary>
public sealed record DataProtectionKeyFolder(string Path);
