using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Protection;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Protection;

public sealed class FieldProtectorTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private FieldProtector _protector = null!;

    public Task InitializeAsync()
    {
        _protector = _factory.Services.GetRequiredService<FieldProtector>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public void Sealed_text_opens_only_for_the_same_purpose_and_row()
    {
        var row = Guid.NewGuid();
        var sealedText = _protector.Seal("what happened on Tuesday", "test.purpose", row);
        _protector.Open(sealedText, "test.purpose", row).ShouldBe("what happened on Tuesday");
        Should.Throw<CryptographicException>(() => _protector.Open(sealedText, "test.purpose", Guid.NewGuid()));
        Should.Throw<CryptographicException>(() => _protector.Open(sealedText, "other.purpose", row));
    }

    [Fact]
    public void Sealing_the_same_text_twice_gives_different_ciphertexts()
    {
        var row = Guid.NewGuid();
        _protector.Seal("same", "p", row).ShouldNotBe(_protector.Seal("same", "p", row));
    }

    [Fact]
    public void A_changed_byte_is_detected()
    {
        var row = Guid.NewGuid();
        var bytes = Convert.FromBase64String(_protector.Seal("unchanged", "p", row));
        bytes[^1] ^= 1;
        Should.Throw<CryptographicException>(() => _protector.Open(Convert.ToBase64String(bytes), "p", row));
        Should.Throw<CryptographicException>(() => _protector.Open("not base64 at all!", "p", row));
    }

    [Fact]
    public async Task After_rotation_new_text_uses_the_new_key_and_old_text_still_opens()
    {
        var row = Guid.NewGuid();
        var before = _protector.Seal("before rotation", "p", row);
        var keyRing = _factory.Services.GetRequiredService<KeyRing>();
        var newKey = await keyRing.RotateAsync(CancellationToken.None);

        var after = _protector.Seal("after rotation", "p", row);
        FieldProtector.KeyIdOf(after).ShouldBe(newKey);
        FieldProtector.KeyIdOf(before).ShouldNotBe(newKey);
        _protector.Open(before, "p", row).ShouldBe("before rotation");
        _protector.Open(after, "p", row).ShouldBe("after rotation");
    }
}

public sealed class MasterKeyTests
{
    [Fact]
    public async Task Starting_with_a_different_master_key_fails_with_a_clear_message_and_rewrap_moves_to_a_new_one()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        string sealedText, session;
        var row = Guid.NewGuid();
        await using (var first = new UpstanderFactory(database: database))
        {
            sealedText = first.Services.GetRequiredService<FieldProtector>().Seal("kept across key changes", "p", row);
            // What a session cookie or an antiforgery token is: protected with the data-protection keys in keys/data-protection.
            session = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("rewrap test").Protect("a session");
        }

        // The new key, written by the operator beside the old one, so the cookie keys' folder (beside the master key) stays the same.
        var otherKey = Path.Combine(database.Folder, "keys", "next.key");
        await File.WriteAllTextAsync(otherKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        await using (var wrong = new UpstanderFactory(database: database, settings: new Dictionary<string, string?> { ["Protection:MasterKeyFile"] = otherKey }))
        {
            var error = Should.Throw<InvalidOperationException>(() => wrong.Server);
            error.Message.ShouldContain("different master key");
        }

        // A new key file that is not there (a secret that did not mount, a typo) is refused, and none is invented.
        var absent = Path.Combine(database.Folder, "keys", "absent.key");
        var refused = await Cli.RunAsync(database, "keys", "rewrap", "--new-master-key-file", absent);
        refused.ExitCode.ShouldBe(1);
        refused.Error.ShouldContain("There is no file");
        File.Exists(absent).ShouldBeFalse();
        (await Cli.RunAsync(database, "keys", "rewrap", "--new-master-key-file", Path.Combine(database.Folder, "keys", "master.key"))).Error.ShouldContain("already in use");

        // A cookie key file that cannot be written (here a folder stands where its new content would go) stops the rewrap
        // before the data keys change: once it is cleared, the same rewrap still finds them under the key in use.
        var cookieKeys = Path.Combine(database.Folder, "keys", "data-protection");
        var blocker = Directory.CreateDirectory(Directory.GetFiles(cookieKeys, "*.xml").First() + ".rewrap");
        var blocked = await Cli.RunAsync(database, "keys", "rewrap", "--new-master-key-file", otherKey);
        blocked.ExitCode.ShouldBe(1);
        blocker.Delete();

        // Rewrap the data keys and the cookie keys under the new master key; then the new key opens the old data,
        // and sessions and forms made before the change still open.
        var rewrap = await Cli.RunAsync(database, "keys", "rewrap", "--new-master-key-file", otherKey);
        rewrap.ExitCode.ShouldBe(0, rewrap.Error);
        rewrap.Output.ShouldContain("1 cookie key file(s)");
        await using var moved = new UpstanderFactory(database: database, settings: new Dictionary<string, string?> { ["Protection:MasterKeyFile"] = otherKey });
        moved.Services.GetRequiredService<FieldProtector>().Open(sealedText, "p", row).ShouldBe("kept across key changes");
        moved.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("rewrap test").Unprotect(session).ShouldBe("a session");
    }

    [Fact]
    public void A_master_key_file_inside_the_data_directory_is_refused()
    {
        var folder = Path.Combine(Path.GetTempPath(), "upstander-tests", Guid.NewGuid().ToString("N"));
        var error = Should.Throw<InvalidOperationException>(() =>
            MasterKey.Load(new ProtectionOptions { MasterKeyFile = Path.Combine(folder, "data", "master.key") }, folder, Path.Combine(folder, "data")));
        error.Message.ShouldContain("must not be kept in the data directory");
    }
}
