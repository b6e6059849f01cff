using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Features.Accounts;
using Upstander.Platform.Security;

namespace Upstander.Features.People;

/// <summary>The report on an uploaded file: every problem by row and column, and the choice of how to import.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed class ImportReviewModel(PeopleImportJobs jobs, CurrentActor actor, RecentSignIn recent) : PageModel
{
    /// <summary>A page of 50,000 table rows helps nobody; the full list is a download.</summary>
    public const int ProblemsShown = 500;

    public PendingUpload? Upload { get; private set; }

    public IActionResult OnGet(Guid id)
    {
        Upload = jobs.Upload(id, actor.OrganisationId!.Value, actor.Id);
        if (Upload is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }

    /// <summary>Every problem as CSV (row, column, message): no values from the file, only where and what.</summary>
    public IActionResult OnGetProblems(Guid id)
    {
        var upload = jobs.Upload(id, actor.OrganisationId!.Value, actor.Id);
        if (upload is null)
        {
            return NotFound();
        }
        var csv = new StringBuilder("row,column,message\n");
        foreach (var problem in upload.Check.Problems)
        {
            csv.Append(problem.Row.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Quote(upload.File.Heading(problem.Column))).Append(',')
                .Append(Quote(problem.Message)).Append('\n');
        }
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "import-problems.csv");
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string mode)
    {
        // An import can move accounts' sign-in addresses, which hands them to whoever reads the new ones (RecentSignIn).
        if (!await recent.AllowsAsync())
        {
            return RecentSignIn.ConfirmFirst($"/admin/people/import/{id:D}");
        }
        var upload = jobs.Upload(id, actor.OrganisationId!.Value, actor.Id);
        if (upload is null)
        {
            return NotFound();
        }
        var importMode = PeopleImportApi.ParseMode(mode);
        if (importMode is not (ImportMode.All or ImportMode.ValidOnly) || upload.Check.RowsToImport(importMode.Value).Count == 0)
        {
            Upload = upload;
            return Page();
        }
        var job = jobs.Start(upload, importMode.Value, ImportActor.Of(actor));
        return job is null ? NotFound() : Redirect($"/admin/people/import/jobs/{job.Id:D}");
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
