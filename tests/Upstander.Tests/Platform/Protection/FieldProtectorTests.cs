using System.Security.Cryptography;
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
        string sealedText;
        var row = Guid.NewGuid();
        await using (var first = new UpstanderFactory(database: database))
        {
            sealedText = first.Services.GetRequiredService<FieldProtector>().Seal("kept across key changes", "p", row);
        }

        var otherKey = Path.Combine(database.Folder, "other", "master.key");
        await using (var wrong = new UpstanderFactory(database: database, settings: new Dictionary<string, string?> { ["Protection:MasterKeyFile"] = otherKey }))
        {
            var error = Should.Throw<InvalidOperationException>(() => wrong.Server);
            error.Message.ShouldContain("different master key");
        }

        // Rewrap the data keys under the new master key; then the new key opens the old data.
        var rewrap = await Cli.RunAsync(database, "keys", "rewrap", "--new-master-key-file", otherKey);
        rewrap.ExitCode.ShouldBe(0, rewrap.Error);
        await using var moved = new UpstanderFactory(database: database, settings: new Dictionary<string, string?> { ["Protection:MasterKeyFile"] = otherKey });
        moved.Services.GetRequiredService<FieldProtector>().Open(sealedText, "p", row).ShouldBe("kept across key changes");
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
