using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Protection;

/// <summary>
/// Key files Upstander makes when they are missing are bound to the database they were first used with: a start with a
/// missing or different file stops with one reason instead of silently making a new key (under which held escrow entries
/// would no longer open, or match), and a key this start invented is removed again; a file that was there is untouched.
/// </summary>
public sealed class KeyFileBindingTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_missing_or_different_escrow_key_file_stops_the_start_and_nothing_is_invented(Engine engine)
    {
        await using var database = TestDatabase.Create(engine);
        var keys = Path.Combine(database.Folder, "keys");
        var reviewers = Path.Combine(keys, "escrow-reviewers.key");
        var oprf = Path.Combine(keys, "escrow-oprf.key");
        await using (var first = new UpstanderFactory(database.Engine, database: database))
        {
            _ = first.Server;
            var bound = await first.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Set<KeyFileBinding>().AsNoTracking().ToListAsync());
            bound.Select(b => b.Purpose).ShouldBe([EscrowServices.ReviewersPurpose, EscrowServices.OprfPurpose], ignoreOrder: true);
            bound.ShouldAllBe(b => b.Fingerprint.Length == 64);
        }
        var reviewersKey = await File.ReadAllTextAsync(reviewers);

        // A folder that lost the reviewers' key (a volume that did not mount): refused, and the key this start made is gone again.
        File.Delete(reviewers);
        var missing = StartFails(database);
        missing.ShouldContain($"The escrow reviewers key file {reviewers} is not the key this database was used with");
        missing.ShouldContain("There was no file there, so this start made one; it has been removed again.");
        File.Exists(reviewers).ShouldBeFalse();

        // Another OPRF key put in place of the real one: refused, and that file is left as it was.
        await File.WriteAllTextAsync(reviewers, reviewersKey);
        var realOprf = await File.ReadAllTextAsync(oprf);
        var otherPath = Path.Combine(database.Folder, "other-oprf.key");
        EscrowKeyFile.LoadOrCreate(otherPath, null).Dispose();
        var other = await File.ReadAllTextAsync(otherPath);
        await File.WriteAllTextAsync(oprf, other);
        var different = StartFails(database);
        different.ShouldContain($"The escrow OPRF key file {oprf} is not the key this database was used with");
        different.ShouldNotContain("removed again");
        (await File.ReadAllTextAsync(oprf)).ShouldBe(other);

        // With the real files back, it starts.
        await File.WriteAllTextAsync(oprf, realOprf);
        await using var restored = new UpstanderFactory(database.Engine, database: database);
        (await restored.CreateClient().GetAsync("/health")).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task A_master_key_file_that_was_not_there_is_removed_again_when_the_database_holds_keys_wrapped_by_another()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        await using (var first = new UpstanderFactory(database.Engine, database: database))
        {
            _ = first.Server;
        }
        var mistyped = Path.Combine(database.Folder, "keys", "master.kye");

        var error = StartFails(database, new() { ["Protection:MasterKeyFile"] = mistyped });

        error.ShouldContain("was wrapped by a different master key");
        error.ShouldContain($"There was no master key file at {mistyped}, so this start made one; it has been removed again.");
        File.Exists(mistyped).ShouldBeFalse();
    }

    [Fact]
    public async Task No_key_is_made_under_a_master_key_other_than_the_one_that_wrapped_the_database_keys()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        await using (var first = new UpstanderFactory(database.Engine, database: database))
        {
            _ = first.Server;
        }
        // A database missing one purpose's key (restored in part, or edited by hand): a start would make that key.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database.SqliteFile}"))
        {
            await connection.OpenAsync();
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM protection_keys WHERE Purpose = 'audit'";
            (await delete.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        StartFails(database, new() { ["Protection:MasterKeyFile"] = Path.Combine(database.Folder, "keys", "other.key") })
            .ShouldContain("was wrapped by a different master key");

        await using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database.SqliteFile}");
        await check.OpenAsync();
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM protection_keys WHERE Purpose = 'audit'";
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(0, "no key was wrapped under the invented master key");
    }

    private static string StartFails(TestDatabase database, Dictionary<string, string?>? settings = null)
    {
        using var factory = new UpstanderFactory(database.Engine, settings, database);
        return Should.Throw<InvalidOperationException>(() => factory.Server).Message;
    }
}
