using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.People;

/// <summary>Upload a people CSV; every row is checked and the report shown before anything changes.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed class ImportModel(PeopleImporter importer, PeopleImportJobs jobs, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public IFormFile? Upload { get; set; }

    public string? FileError { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Upload is null || Upload.Length == 0)
        {
            FileError = t["Choose a CSV file to upload."];
            return Page();
        }
        if (Upload.Length > PeopleCsv.MaxBytes)
        {
            FileError = t[PeopleCsv.TooLarge];
            return Page();
        }
        if (!PeopleImportApi.LooksLikeCsv(Upload.FileName, Upload.ContentType))
        {
            FileError = t["Only CSV files (.csv) can be imported. In your spreadsheet program, save the sheet as \"CSV UTF-8\"."];
            return Page();
        }
        PeopleFileResult read;
        await using (var stream = Upload.OpenReadStream())
        {
            read = await PeopleCsv.ReadAsync(stream, ct);
        }
        if (read.File is not { } file)
        {
            FileError = t[read.Error!];
            return Page();
        }
        var check = await importer.ValidateAsync(file, ImportActor.Of(actor), ct);
        var upload = jobs.Keep(actor.OrganisationId!.Value, actor.Id, Path.GetFileName(Upload.FileName), file, check);
        return Redirect($"/admin/people/import/{upload.Id:D}");
    }
}
