using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.People;
using Upstander.Platform.Security;
using Upstander.Tests.Features.People;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Data;

/// <summary>The backup verb: a consistent copy of the running SQLite database, checked, never overwriting, sealed fields still sealed.</summary>
public sealed class BackupTests
{
    [Fact]
    public async Task A_running_sqlite_database_is_copied_checked_and_restorable_and_an_existing_file_is_never_overwritten()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Backup Org");
        var canary = Canary.New("backup");
        await factory.InScopeAsync(org.Id, services =>
            services.GetRequiredService<PersonEditor>().WriteConfidentialNoteAsync(org[Roles.Employee].PersonId, canary, CancellationToken.None));
        // The server is running and has written; the copy is taken beside it.
        (await (await factory.SignInAsync(org[Roles.Employee])).GetAsync("/")).EnsureSuccessStatusCode();
        var target = Path.Combine(factory.Database.Folder, "backups", "upstander-copy.db");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);

        var made = await Cli.RunAsync(factory.Database, "backup", "--to", target);
        made.ExitCode.ShouldBe(0, made.Error);
        made.Output.ShouldContain("integrity ok");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(target).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var bytes = await File.ReadAllBytesAsync(target);
        Canary.Contains(bytes, canary).ShouldBeFalse("sealed fields stay sealed in the copy");

        long people;
        long organisations;
        await using (var copy = new SqliteConnection($"Data Source={target};Mode=ReadOnly;Pooling=False"))
        {
            await copy.OpenAsync();
            await using var count = copy.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM people";
            people = (long)(await count.ExecuteScalarAsync())!;
            count.CommandText = "SELECT COUNT(*) FROM organisations";
            organisations = (long)(await count.ExecuteScalarAsync())!;
        }
        people.ShouldBe((await factory.PeopleAsync(org.Id)).Count);
        organisations.ShouldBe(1);

        // The copy is a working database: its audit chain verifies with the same master key.
        var verify = await Cli.RunOnAsync(factory.Database, Engine.Sqlite, target, "audit", "verify");
        verify.Output.ShouldContain("Audit chain intact", customMessage: verify.Error);

        var again = await Cli.RunAsync(factory.Database, "backup", "--to", target);
        again.ExitCode.ShouldBe(1);
        again.Error.ShouldContain("a backup never overwrites");
        (await File.ReadAllBytesAsync(target)).ShouldBe(bytes);

        var nowhere = await Cli.RunAsync(factory.Database, "backup", "--to", Path.Combine(factory.Database.Folder, "no-such-folder", "x.db"));
        nowhere.ExitCode.ShouldBe(1);
        nowhere.Error.ShouldContain("There is no folder");
    }

    [Fact]
    public async Task On_postgresql_the_verb_points_to_pg_dump_and_writes_nothing()
    {
        await using var database = TestDatabase.Create(Engine.Postgres);
        var target = Path.Combine(database.Folder, "copy.db");
        var refused = await Cli.RunAsync(database, "backup", "--to", target);
        refused.ExitCode.ShouldBe(2);
        refused.Error.ShouldContain("pg_dump");
        File.Exists(target).ShouldBeFalse();
    }
}
