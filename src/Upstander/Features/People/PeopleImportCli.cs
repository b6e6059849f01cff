using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.People;

/// <summary>
/// The import-people verb: the same checks and the same all-or-nothing write as the page, run in this
/// process (no background job), printing every problem by row. Exit 0 when the import (or, with
/// --dry-run, the check) succeeded; 1 when nothing was imported because of errors.
/// </summary>
internal static class PeopleImportCli
{
    public static void Add(RootCommand root, Func<ParseResult, Func<IServiceProvider, Task<int>>, bool, Task<int>> inScope, TextWriter output, TextWriter error)
    {
        var organisation = new Option<Guid>("--organisation") { Description = "The organisation id", Required = true };
        var file = new Option<FileInfo>("--file") { Description = "The CSV file (UTF-8, with a heading row)", Required = true };
        var validOnly = new Option<bool>("--valid-only") { Description = "Import the valid rows even if others have errors" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and print the report; change nothing" };
        var command = new Command("import-people", "Import or update the directory from a CSV file. Nothing changes unless every row is valid, or --valid-only is given.")
        {
            organisation, file, validOnly, dryRun,
        };
        command.SetAction((parse, ct) => inScope(parse, async services =>
        {
            var organisationId = parse.GetValue(organisation);
            var path = parse.GetValue(file)!;
            var db = services.GetRequiredService<AppDbContext>();
            if (!await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.Id == organisationId, ct))
            {
                await error.WriteLineAsync($"No organisation has the id {organisationId}.");
                return 1;
            }
            services.GetRequiredService<OrganisationScope>().Enter(organisationId);
            if (!path.Exists)
            {
                await error.WriteLineAsync($"There is no file at {path.FullName}.");
                return 1;
            }
            if (path.Length > PeopleCsv.MaxBytes)
            {
                await error.WriteLineAsync(PeopleCsv.TooLarge);
                return 1;
            }
            PeopleFileResult read;
            await using (var stream = path.OpenRead())
            {
                read = await PeopleCsv.ReadAsync(stream, ct);
            }
            if (read.File is not { } people)
            {
                await error.WriteLineAsync($"Nothing imported: {read.Error}");
                return 1;
            }

            var importer = services.GetRequiredService<PeopleImporter>();
            var actor = ImportActor.Of(services.GetRequiredService<CurrentActor>());
            var check = await importer.ValidateAsync(people, actor, ct);
            await PrintReportAsync(output, people, check);
            var mode = parse.GetValue(validOnly) ? ImportMode.ValidOnly : ImportMode.All;
            if (parse.GetValue(dryRun))
            {
                var (created, updated, skipped) = check.Counts(mode);
                await output.WriteLineAsync(check.RowsToImport(mode).Count == 0
                    ? "Dry run: nothing would be imported."
                    : $"Dry run: would create {created}, update {updated} and skip {skipped}. Nothing was changed.");
                return check.RowsToImport(mode).Count == 0 ? 1 : 0;
            }
            if (check.RowsToImport(mode).Count == 0)
            {
                await output.WriteLineAsync(check.IsValid || mode == ImportMode.ValidOnly
                    ? "Nothing imported: no row can be imported."
                    : "Nothing imported. Fix the rows above, or run again with --valid-only to import only the valid rows.");
                return 1;
            }

            var outcome = await importer.ImportAsync(people, mode, actor, null, ct);
            if (!outcome.Applied)
            {
                await PrintReportAsync(output, people, outcome.Check);
                await output.WriteLineAsync("Nothing imported: the directory changed while the file was being checked, and the rows above no longer fit.");
                return 1;
            }
            await output.WriteLineAsync($"Imported: created {outcome.Created}, updated {outcome.Updated}, skipped {outcome.Skipped}.");
            return 0;
        }, true));
        root.Subcommands.Add(command);
    }

    private static async Task PrintReportAsync(TextWriter output, PeopleFile file, ImportCheck check)
    {
        await output.WriteLineAsync($"Checked {check.Rows} rows: {check.RowsWithErrors} with errors; {check.ValidRows} could be imported on their own.");
        foreach (var problem in check.Problems)
        {
            await output.WriteLineAsync($"row {problem.Row}\t{file.Heading(problem.Column)}\t{problem.Message}{(problem.IsDependency ? " (only matters with --valid-only)" : "")}");
        }
    }
}
