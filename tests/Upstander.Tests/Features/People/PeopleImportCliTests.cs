using Upstander.Platform.Cli;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.People.ImportFiles;

namespace Upstander.Tests.Features.People;

public sealed class PeopleImportCliTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Create(Engine.Sqlite);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CliVerbs.RunAsync([.. args, "--connection", _database.SqliteFile, "--master-key-file", Path.Combine(_database.Folder, "keys", "master.key")], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Import_people_prints_the_report_imports_nothing_on_errors_and_honours_valid_only_and_dry_run()
    {
        var created = await RunAsync("create-organisation", "--name", "Cli Org");
        created.Exit.ShouldBe(0, created.Error);
        var organisation = created.Output.Split("with id ")[1].Trim().TrimEnd('.');

        var file = Path.Combine(_database.Folder, "people.csv");
        await File.WriteAllTextAsync(file, Csv(Row("K1"), Row("K2", manager: "K9"), Row("K3", manager: "K1")));

        var refused = await RunAsync("import-people", "--organisation", organisation, "--file", file);
        refused.Exit.ShouldBe(1);
        refused.Output.ShouldContain("row 3\tmanager_employee_id\tis not the employee id of anyone in this file or in the directory (K9).");
        refused.Output.ShouldContain("Nothing imported.");

        var dryRun = await RunAsync("import-people", "--organisation", organisation, "--file", file, "--valid-only", "--dry-run");
        dryRun.Exit.ShouldBe(0);
        dryRun.Output.ShouldContain("Dry run: would create 2, update 0 and skip 1. Nothing was changed.");

        var imported = await RunAsync("import-people", "--organisation", organisation, "--file", file, "--valid-only");
        imported.Exit.ShouldBe(0, imported.Error);
        imported.Output.ShouldContain("Imported: created 2, updated 0, skipped 1.");

        // The same file again: the two valid rows are now updates.
        var again = await RunAsync("import-people", "--organisation", organisation, "--file", file, "--valid-only");
        again.Output.ShouldContain("Imported: created 0, updated 2, skipped 1.");

        var unreadable = Path.Combine(_database.Folder, "bad.csv");
        await File.WriteAllTextAsync(unreadable, "name,email\nA,a@example.org\n");
        var bad = await RunAsync("import-people", "--organisation", organisation, "--file", unreadable);
        bad.Exit.ShouldBe(1);
        bad.Error.ShouldContain("Unknown column heading(s): \"email\"");

        (await RunAsync("audit", "verify")).Exit.ShouldBe(0, "the import's audit events keep the chain intact");
    }
}
