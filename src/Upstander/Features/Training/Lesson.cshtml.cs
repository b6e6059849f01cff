using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

/// <summary>One lesson; opening it counts as reading it, and is where "resume" returns to.</summary>
public sealed class LessonModel(Learner learner, AppDbContext db, TimeProvider clock) : PageModel
{
    public Course Course { get; private set; } = null!;
    public string Base { get; private set; } = "";
    public CourseModule Module { get; private set; } = null!;
    public Lesson Lesson { get; private set; } = null!;
    public int Number { get; private set; }
    public string Html { get; private set; } = "";
    public CourseStep? Previous { get; private set; }
    public CourseStep? Next { get; private set; }

    public async Task<IActionResult> OnGetAsync(string course, string module, int number, CancellationToken ct)
    {
        if (await learner.OpenModuleAsync(course, module, ct) is not var (view, found, progress))
        {
            return await learner.OpenAsync(course, ct) is { } unstarted ? Redirect(unstarted.Base) : NotFound();
        }
        if (number < 1 || number > found.Lessons.Count)
        {
            return NotFound();
        }
        (Course, Base, Module, Number, Lesson) = (view.Course, view.Base, found, number, found.Lessons[number - 1]);
        Html = LessonMarkdown.ToHtml(Lesson.Markdown);
        var key = TrainingSteps.Lesson(found.Key, number);
        (Previous, Next) = CourseNavigation.Around(view.Course, key);
        progress.Visit(key, clock.GetUtcNow());
        await learner.CompleteAsync(view, progress, key, ct);
        await db.SaveChangesAsync(ct);
        return Page();
    }
}
