using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>Enrols people from the directory in a course, with a cohort name (the intake the cohort view groups by).</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class EnrolModel(AppDbContext db, TrainingLibrary library, CurrentActor actor, AuditLog audit, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public const int Shown = 50;
    public const string Enrolled = "training.enrolled";

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty] public List<Guid> PersonIds { get; set; } = [];
    [BindProperty] public string? Course { get; set; }
    [BindProperty] public string? Cohort { get; set; }

    public IReadOnlyList<(Guid Id, string Name, string Email)> People { get; private set; } = [];
    public IReadOnlyList<Course> Courses { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var ids = PersonIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            ModelState.AddModelError(nameof(PersonIds), t["Choose at least one person."]);
        }
        else if (ids.Count > Shown || await db.People.CountAsync(p => ids.Contains(p.Id), ct) != ids.Count)
        {
            ModelState.AddModelError(nameof(PersonIds), t["One or more of the people chosen are not in the directory."]);
        }
        Courses = await CandidateCoursesAsync(ct);
        if (Courses.FirstOrDefault(c => c.Slug == Course) is null)
        {
            ModelState.AddModelError(nameof(Course), t["Choose a course."]);
        }
        if (string.IsNullOrWhiteSpace(Cohort))
        {
            ModelState.AddModelError(nameof(Cohort), t["Give the cohort a name, such as \"Spring intake\"."]);
        }
        else if (Cohort.Trim().Length > CourseEnrolment.CohortMaxLength)
        {
            ModelState.AddModelError(nameof(Cohort), t["The cohort name is longer than {0} characters.", CourseEnrolment.CohortMaxLength]);
        }
        if (!ModelState.IsValid || db.CurrentOrganisationId is not { } organisationId)
        {
            await LoadPeopleAsync(ct);
            return Page();
        }
        var already = await db.Set<CourseEnrolment>().Where(e => e.CourseSlug == Course && ids.Contains(e.PersonId)).Select(e => e.PersonId).ToListAsync(ct);
        foreach (var id in ids.Except(already))
        {
            var enrolment = CourseEnrolment.Enrol(organisationId, id, Course!, actor.PersonId, clock.GetUtcNow(), Cohort);
            db.Set<CourseEnrolment>().Add(enrolment);
            audit.Record(Enrolled, "person", id, detail: "course=" + Course);
        }
        await db.SaveChangesAsync(ct);
        return Redirect("/coordinate/training?done=enrolled");
    }

    private async Task<IReadOnlyList<Course>> CandidateCoursesAsync(CancellationToken ct) =>
        (await library.CatalogueAsync(db, ct)).Select(c => c.Course).Where(c => c.Audience == CourseAudience.Candidates).ToList();

    private async Task LoadAsync(CancellationToken ct)
    {
        Courses = await CandidateCoursesAsync(ct);
        await LoadPeopleAsync(ct);
    }

    private async Task LoadPeopleAsync(CancellationToken ct)
    {
        if (Search is { Length: > 200 })
        {
            Search = Search[..200];
        }
        var found = await PersonQueries.Search(db.People, Search).OrderBy(p => p.Name).ThenBy(p => p.Id).Take(Shown)
            .Select(p => new { p.Id, p.Name, p.WorkEmail }).ToListAsync(ct);
        People = found.Select(p => (p.Id, p.Name, p.WorkEmail)).ToList();
    }
}
