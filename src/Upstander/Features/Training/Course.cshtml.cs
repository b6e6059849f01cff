using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

/// <summary>A course's modules with the learner's progress, starting it, and resuming where they left off.</summary>
public sealed class CourseModel(Learner learner, AppDbContext db) : PageModel
{
    public LearnerCourse View { get; private set; } = null!;

    public string? ResumePath { get; private set; }

    public async Task<IActionResult> OnGetAsync(string course, CancellationToken ct)
    {
        if (await learner.OpenAsync(course, ct) is not { } view)
        {
            return NotFound();
        }
        View = view;
        if (view.Progress is { } progress)
        {
            ResumePath = progress.LastStep ?? CourseNavigation.FirstUndone(view.Course, progress)?.Path;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostStartAsync(string course, CancellationToken ct)
    {
        if (await learner.OpenAsync(course, ct) is not { } view)
        {
            return NotFound();
        }
        var progress = learner.Start(view);
        await db.SaveChangesAsync(ct);
        var first = CourseNavigation.FirstUndone(view.Course, progress);
        return Redirect(first is null ? view.Base : $"{view.Base}/{first.Path}");
    }
}
