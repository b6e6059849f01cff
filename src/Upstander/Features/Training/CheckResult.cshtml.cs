using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

/// <summary>The result of one submitted attempt, with feedback on every option.</summary>
public sealed class CheckResultModel(Learner learner, AppDbContext db) : PageModel
{
    public Course Course { get; private set; } = null!;
    public string Base { get; private set; } = "";
    public CourseModule Module { get; private set; } = null!;
    public KnowledgeCheck Check { get; private set; } = null!;
    public CheckResult Result { get; private set; } = null!;
    public IReadOnlyList<ShuffledQuestion> Questions { get; private set; } = [];
    public CourseStep? Next { get; private set; }

    public async Task<IActionResult> OnGetAsync(string course, string module, Guid attempt, CancellationToken ct)
    {
        if (await learner.OpenModuleAsync(course, module, ct) is not var (view, found, progress) || found.Check is not { } check)
        {
            return NotFound();
        }
        var row = await db.Set<CheckAttempt>().AsNoTracking()
            .SingleOrDefaultAsync(a => a.Id == attempt && a.CourseProgressId == progress.Id && a.ModuleKey == found.Key, ct);
        if (row?.Result(check) is not { } result)
        {
            return NotFound();
        }
        (Course, Base, Module, Check, Result, Questions) = (view.Course, view.Base, found, check, result, row.Order(check));
        Next = CourseNavigation.Around(view.Course, TrainingSteps.Check(found.Key)).Next;
        return Page();
    }
}
