using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Training;

/// <summary>A course the learner started and has not finished, as their home page shows it.</summary>
public sealed record CourseInProgress(string Title, int ModulesComplete, int Modules, string ResumePath);

/// <summary>
/// "Your training" on the home page: each course the person started and has not finished (refresher runs are the
/// certification notice's), how many of its modules are complete and a link back to where they left off, the same
/// step the course page resumes at. One query, on the person's own progress; nothing shows when nothing is under way.
/// </summary>
public sealed class CoursesInProgressViewComponent(CurrentActor actor, AppDbContext db, TrainingLibrary library) : ViewComponent
{
    // Compiled once: every signed-in visit to the home page runs it, and the organisation filter still applies.
    private static readonly ModelBoundQuery<Func<AppDbContext, Guid, IAsyncEnumerable<CourseProgress>>> UnderWay = new(() =>
        EF.CompileAsyncQuery<AppDbContext, Guid, CourseProgress>((db, personId) =>
            db.Set<CourseProgress>().AsNoTracking()
                .Where(p => p.PersonId == personId && p.Run == CourseProgress.CourseRun && p.CompletedAt == null)
                .OrderByDescending(p => p.LastActivityAt)));

    public async Task<IViewComponentResult> InvokeAsync()
    {
        if (actor.PersonId is not { } personId)
        {
            return Content("");
        }
        var ct = HttpContext.RequestAborted;
        var started = await UnderWay.For(db)(db, personId).ToListAsync(ct);
        // Read to the end first: a version not yet cached is read on the same context.
        var courses = new List<CourseInProgress>();
        foreach (var progress in started)
        {
            // The version they started, as the course page shows it (cached: a version's content never changes).
            if (await library.VersionAsync(db, progress.CourseVersionId, ct) is not { Course: var course })
            {
                continue;
            }
            var resume = CourseNavigation.ResumeStep(course, progress);
            courses.Add(new CourseInProgress(course.Title, course.Modules.Count(progress.IsModuleComplete), course.Modules.Count,
                resume is null ? $"/training/{course.Slug}" : $"/training/{course.Slug}/{resume}"));
        }
        return courses.Count == 0 ? Content("") : View("/Features/Training/_CoursesInProgress.cshtml", courses);
    }
}
