using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

/// <summary>
/// Offers "How was this module?" on a step's page once the module is complete and the learner has not
/// answered yet. Renders nothing otherwise; never blocks the way on.
/// </summary>
public sealed class ReactionPromptViewComponent(Learner learner, AppDbContext db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(string course, CourseModule module)
    {
        var personId = learner.PersonId;
        var progress = personId is null ? null : await db.Set<CourseProgress>().AsNoTracking()
            .SingleOrDefaultAsync(p => p.PersonId == personId && p.CourseSlug == course && p.Run == CourseProgress.CourseRun, HttpContext.RequestAborted);
        if (progress is null || !progress.IsModuleComplete(module)
            || await db.Set<ModuleReaction>().AnyAsync(r => r.CourseProgressId == progress.Id && r.ModuleKey == module.Key, HttpContext.RequestAborted))
        {
            return Content("");
        }
        return View("/Features/Training/_ReactionPrompt.cshtml", $"/training/{course}/{module.Key}/reaction");
    }
}
