using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Security;

namespace Upstander.Features.Training.Authoring;

/// <summary>The organisation's courses with their status, and the way into editing each.</summary>
[Authorize(Roles = Roles.Coordinator)]
public sealed class CoursesModel(CourseAuthoring authoring) : PageModel
{
    public IReadOnlyList<AuthoredCourse> Courses { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "published")]
    public string? Published { get; set; }

    [BindProperty(SupportsGet = true, Name = "discarded")]
    public string? Discarded { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Courses = await authoring.ListAsync(ct);
        // Only name a course of this organisation's list in the notice.
        Published = Courses.FirstOrDefault(c => c.Slug == Published)?.Title;

    }
}
