using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.People;

/// <summary>Shows an import's progress (kept up to date by a script, or by the "Check progress" link without one) and then its result.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed class ImportProgressModel(PeopleImportJobs jobs, CurrentActor actor) : PageModel
{
    public ImportJob? Job { get; private set; }

    public IActionResult OnGet(Guid id)
    {
        Job = jobs.Job(id, actor.OrganisationId!.Value);
        return Job is null ? NotFound() : Page();
    }
}
