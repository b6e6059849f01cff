using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

/// <summary>A course's modules with the learner's progress, starting it, and resuming where they left off.</summary>
public sealed class CourseModel(Learner learner, AppDbContext db) : PageModel
{
    public LearnerCourse View { get; private set; } = null!;

    public string? ResumePath { get; private set; }

    /// <summary>Modules the learner has answered "How was this module?" for.</summary>
    public IReadOnlySet<string> Reacted { get; private set; } = new HashSet<string>();

    /// <summary>The self-assessment phases the learner has answered.</summary>
    public IReadOnlySet<string> Assessed { get; private set; } = new HashSet<string>();

    public async Task<IActionResult> OnGetAsync(string course, CancellationToken ct)
    {
        if (await learner.OpenAsync(course, ct) is not { } view)
        {
            return NotFound();
        }
        View = view;
        if (view.Progress is { } progress)
        {
            ResumePath = CourseNavigation.ResumeStep(view.Course, progress);
            Reacted = (await db.Set<ModuleReaction>().Where(r => r.CourseProgressId == progress.Id).Select(r => r.ModuleKey).ToListAsync(ct)).ToHashSet();
            Assessed = (await db.Set<SelfAssessmentResponse>().Where(r => r.CourseProgressId == progress.Id).Select(r => r.Phase).ToListAsync(ct)).ToHashSet();
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
        if (view.Progress is null && view.Course.SelfAssessment is not null)
        {
            // The invitation to rate their skills before the first module; it can be skipped.
            return Redirect($"/training/{view.Course.Slug}/self-assessment/{SelfAssessmentPhase.Before}");
        }
        var first = CourseNavigation.FirstUndone(view.Course, progress);
        return Redirect(first is null ? view.Base : $"{view.Base}/{first.Path}");
    }
}
