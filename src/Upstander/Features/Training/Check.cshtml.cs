using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Data;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>
/// A module's knowledge check. Opening it begins an attempt (or shows the open one in the same
/// shuffled order); submitting scores it and shows feedback on every option.
/// </summary>
public sealed class CheckModel(Learner learner, AppDbContext db, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public Course Course { get; private set; } = null!;
    public string Base { get; private set; } = "";
    public CourseModule Module { get; private set; } = null!;
    public CheckAttempt Attempt { get; private set; } = null!;
    public IReadOnlyList<ShuffledQuestion> Questions { get; private set; } = [];
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Chosen { get; private set; } = new Dictionary<string, IReadOnlySet<string>>();

    public async Task<IActionResult> OnGetAsync(string course, string module, CancellationToken ct)
    {
        var opened = await OpenAsync(course, module, ct);
        if (opened is not null)
        {
            return opened;
        }
        await db.SaveChangesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string course, string module, CancellationToken ct)
    {
        if (await learner.OpenModuleAsync(course, module, ct) is not var (view, found, progress) || found.Check is not { } check)
        {
            return NotFound();
        }
        var attempt = await OpenAttemptAsync(progress, found, ct);
        if (attempt is null || !Request.HasFormContentType)
        {
            return BadRequest();
        }
        var answers = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var question in check.Questions)
        {
            var given = Request.Form[$"q.{question.Id}"].OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (given.Count == 0)
            {
                ModelState.AddModelError($"q.{question.Id}", t["Choose an answer to \"{0}\".", question.Prompt]);
            }
            else if (!given.All(g => question.Options.Any(o => o.Id == g)) || (question.Kind == CheckQuestion.SingleAnswer && given.Count > 1))
            {
                ModelState.AddModelError($"q.{question.Id}", t["That answer is not one of the options for \"{0}\".", question.Prompt]);
            }
            answers[question.Id] = given;
        }
        if (!ModelState.IsValid)
        {
            (Course, Base, Module, Attempt, Questions, Chosen) = (view.Course, view.Base, found, attempt, attempt.Order(check), answers);
            return Page();
        }
        var result = attempt.Submit(check, answers, clock.GetUtcNow());
        if (result.Passed)
        {
            await learner.CompleteAsync(view, progress, TrainingSteps.Check(found.Key), ct);
        }
        await db.SaveChangesAsync(ct);
        return Redirect($"{view.Base}/{found.Key}/check/{attempt.Id}");
    }

    private async Task<IActionResult?> OpenAsync(string course, string module, CancellationToken ct)
    {
        if (await learner.OpenModuleAsync(course, module, ct) is not var (view, found, progress) || found.Check is not { } check)
        {
            return await learner.OpenAsync(course, ct) is { Progress: null } unstarted ? Redirect(unstarted.Base) : NotFound();
        }
        var attempt = await OpenAttemptAsync(progress, found, ct);
        if (attempt is null)
        {
            attempt = CheckAttempt.Begin(progress, found, clock.GetUtcNow());
            db.Set<CheckAttempt>().Add(attempt);
        }
        progress.Visit(TrainingSteps.Check(found.Key), clock.GetUtcNow());
        (Course, Base, Module, Attempt, Questions) = (view.Course, view.Base, found, attempt, attempt.Order(check));
        return null;
    }

    private Task<CheckAttempt?> OpenAttemptAsync(CourseProgress progress, CourseModule module, CancellationToken ct) =>
        db.Set<CheckAttempt>()
            .Where(a => a.CourseProgressId == progress.Id && a.ModuleKey == module.Key && a.SubmittedAt == null)
            .OrderByDescending(a => a.StartedAt)
            .FirstOrDefaultAsync(ct);
}
