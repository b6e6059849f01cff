using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Protection;

/// <summary>
/// Cookie and antiforgery keys are made for AES-256-GCM. A key folder from before that holds AES-256-CBC keys:
/// those go on opening what they protected (sessions, antiforgery cookies), and the next key made is GCM.
/// </summary>
public sealed class DataProtectionKeyTests
{
    [Fact]
    public async Task New_keys_use_AES_GCM_and_what_an_older_CBC_key_protected_still_opens()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        string sealedEarlier;
        await using (var earlier = new UpstanderFactory(database: database)
        {
            // As releases before the change made their keys: Data Protection's default, AES-256-CBC with HMAC-SHA256.
            TestServices = services => services.Configure<KeyManagementOptions>(o => o.AuthenticatedEncryptorConfiguration = new AuthenticatedEncryptorConfiguration()),
        })
        {
            sealedEarlier = Protector(earlier).Protect("a session from before");
            Algorithms(earlier).ShouldBe(["AES_256_CBC"]);
        }

        await using var now = new UpstanderFactory(database: database);
        Protector(now).Unprotect(sealedEarlier).ShouldBe("a session from before");

        // What happens when the older key comes close to its expiry: a new key is made, of the new kind.
        var created = DateTimeOffset.UtcNow;
        now.Services.GetRequiredService<IKeyManager>().CreateNewKey(created, created.AddDays(90));
        Algorithms(now).ShouldBe(["AES_256_CBC", "AES_256_GCM"], ignoreOrder: true);
        Protector(now).Unprotect(Protector(now).Protect("a session from now")).ShouldBe("a session from now");
        Protector(now).Unprotect(sealedEarlier).ShouldBe("a session from before");
    }

    [Fact]
    public async Task A_first_start_makes_an_AES_GCM_key()
    {
        await using var factory = new UpstanderFactory();
        Protector(factory).Protect("anything");
        Algorithms(factory).ShouldBe(["AES_256_GCM"]);
    }

    private static IDataProtector Protector(UpstanderFactory factory) =>
        factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("data-protection-key-tests");

    private static List<string?> Algorithms(UpstanderFactory factory) =>
        factory.Services.GetRequiredService<IKeyManager>().GetAllKeys()
            .Select(key => key.Descriptor.ExportToXml().SerializedDescriptorElement.Element("encryption")?.Attribute("algorithm")?.Value)
            .ToList();
}
