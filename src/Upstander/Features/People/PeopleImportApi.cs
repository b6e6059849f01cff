using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;
using Upstander.Features.Accounts;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.People;

public sealed record RowProblemView(int Row, string Column, string Message, int? DependsOnRow);

public sealed record ImportResultView(string Mode, bool Applied, int Created, int Updated, int Skipped);

/// <summary>An import file's report: every problem by row and column, and what was imported (if anything was asked for).</summary>
public sealed record ImportReportView(
    int Rows, int RowsWithErrors, int ValidRows, bool Valid, IReadOnlyList<RowProblemView> Problems, ImportResultView? Result)
{
    public static ImportReportView From(PeopleFile file, ImportCheck check, ImportResultView? result) =>
        new(check.Rows, check.RowsWithErrors, check.ValidRows, check.IsValid,
            check.Problems.Select(p => new RowProblemView(p.Row, file.Heading(p.Column), p.Message, p.DependsOnRow)).ToList(), result);
}

public static class PeopleImportApi
{
    public static string ModeName(ImportMode mode) => mode switch
    {
        ImportMode.All => "all",
        ImportMode.ValidOnly => "valid-only",
        _ => "validate",
    };

    public static ImportMode? ParseMode(string? mode) => (mode ?? "validate").ToLowerInvariant() switch
    {
        "validate" => ImportMode.Validate,
        "all" => ImportMode.All,
        "valid-only" => ImportMode.ValidOnly,
        _ => null,
    };

    /// <summary>Accepts a .csv name, or a text-ish content type from a client that sends no name.</summary>
    public static bool LooksLikeCsv(string? fileName, string? contentType) =>
        (fileName is { Length: > 0 } name && Path.GetExtension(name).Equals(".csv", StringComparison.OrdinalIgnoreCase))
        || (string.IsNullOrEmpty(fileName) && contentType is "text/csv" or "text/plain" or "application/csv");

    public static void MapPeopleImportApi(this RouteGroupBuilder people)
    {
        people.MapPost("/import", async Task<Results<Ok<ImportReportView>, UnprocessableEntity<ImportReportView>, ValidationProblem, ProblemHttpResult>> (
                HttpRequest request, string? mode, PeopleImporter importer, PeopleImportJobs jobs, CurrentActor actor, RecentSignIn recent,
                IStringLocalizer<SharedResource> t, CancellationToken ct) =>
            {
                if (ParseMode(mode) is not { } importMode)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["mode"] = ["mode must be validate, all or valid-only."] });
                }
                // Importing (not validating) can move accounts' sign-in addresses, which hands them to whoever reads the new ones.
                if (importMode != ImportMode.Validate && !await recent.AllowsAsync())
                {
                    return RecentSignIn.Refused(t, IndexModel.Path);
                }
                if (!request.HasFormContentType)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the CSV as multipart/form-data in a field named file."] });
                }
                var form = await request.ReadFormAsync(ct);
                var upload = form.Files.GetFile("file");
                if (upload is null || upload.Length == 0)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the CSV as multipart/form-data in a field named file."] });
                }
                if (upload.Length > PeopleCsv.MaxBytes)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "File too large", detail: PeopleCsv.TooLarge);
                }
                if (!LooksLikeCsv(upload.FileName, upload.ContentType))
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Only CSV files (.csv) can be imported."] });
                }
                await using var stream = upload.OpenReadStream();
                var read = await PeopleCsv.ReadAsync(stream, ct);
                if (read.File is not { } file)
                {
                    return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [read.Error!] });
                }
                var check = await importer.ValidateAsync(file, ImportActor.Of(actor), ct);
                if (importMode == ImportMode.Validate)
                {
                    return TypedResults.Ok(ImportReportView.From(file, check, null));
                }
                if (check.RowsToImport(importMode).Count == 0)
                {
                    return TypedResults.UnprocessableEntity(ImportReportView.From(file, check, new ImportResultView(ModeName(importMode), false, 0, 0, check.Rows)));
                }

                // The same queue as the pages, so imports never run side by side; the caller waits for the result.
                var job = jobs.Enqueue(actor.OrganisationId!.Value, ImportActor.Of(actor), upload.FileName, file, importMode,
                    check.RowsToImport(importMode).Count);
                await job.Completion.WaitAsync(ct);
                if (job.Outcome is not { } outcome)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The import failed",
                        detail: "Nothing was changed. Try again; if it keeps failing, check the server's log.");
                }
                var view = ImportReportView.From(file, outcome.Check,
                    new ImportResultView(ModeName(importMode), outcome.Applied, outcome.Created, outcome.Updated, outcome.Skipped));
                return outcome.Applied ? TypedResults.Ok(view) : TypedResults.UnprocessableEntity(view);
            })
            .DisableAntiforgery() // ApiAntiforgery already demands the header from cookie callers; token callers have no cookie to forge.
            .WithName("ImportPeople")
            .WithSummary("Check (mode=validate), import every row only if all are valid (mode=all), or import the valid rows (mode=valid-only). Multipart field: file. "
                + "Importing (all, valid-only) can move accounts' sign-in addresses, and is refused like the other acts that hand out a way in. " + RecentSignIn.ApiSummary);
    }
}
