using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Data;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>
/// The self-assessment, before the course (offered when it starts, while it is not complete) or after it
/// (once complete). Never required; answering again replaces the earlier answers for that phase (the evaluation
/// keeps counting the answers a completed quarter counted, <see cref="AnswerHistory"/>).
/// </summary>
public sealed class SelfAssessmentFormModel(Learner learner, AppDbContext db, TimeProvider clock, CompletedPeriods periods, IStringLocalizer<SharedResource> t) : PageModel
{
    public Course Course { get; private set; } = null!;
    public SelfAssessment Assessment { get; private set; } = null!;
    public string Phase { get; private set; } = "";
    public IReadOnlyDictionary<string, int> Chosen { get; private set; } = new Dictionary<string, int>();
    public string SkipPath { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string course, string phase, CancellationToken ct)
    {
        var (failed, response) = await OpenAsync(course, phase, ct);
        if (failed is not null)
        {
            return failed;
        }
        Chosen = response!.Answers;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string course, string phase, CancellationToken ct)
    {
        var (failed, response) = await OpenAsync(course, phase, ct);
        if (failed is not null)
        {
            return failed is RedirectResult ? NotFound() : failed;
        }
        if (!Request.HasFormContentType)
        {
            return BadRequest();
        }
        var ratings = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in Assessment.Items)
        {
            if (int.TryParse(Request.Form[$"r.{item.Id}"].ToString(), out var rating) && rating >= Assessment.Scale.Min && rating <= Assessment.Scale.Max)
            {
                ratings[item.Id] = rating;
            }
            else
            {
                ModelState.AddModelError($"r.{item.Id}", t["Choose a rating for \"{0}\".", item.Text]);
            }
        }
        if (!ModelState.IsValid)
        {
            Chosen = ratings;
            return Page();
        }
        response!.Answer(ratings, clock.GetUtcNow(), periods.InProgressSince(PeriodKind.Quarter));
        if (db.Entry(response).State == EntityState.Detached)
        {
            db.Set<SelfAssessmentResponse>().Add(response);
        }
        await db.SaveChangesAsync(ct);
        return Redirect(Phase == SelfAssessmentPhase.Before ? SkipPath : $"/training/{Course.Slug}/self-assessment");
    }

    private async Task<(IActionResult? Failed, SelfAssessmentResponse? Response)> OpenAsync(string course, string phase, CancellationToken ct)
    {
        if (!SelfAssessmentPhase.IsKnown(phase) || await learner.OpenAsync(course, ct) is not { Course.SelfAssessment: { } assessment } view)
        {
            return (NotFound(), null);
        }
        if (view.Progress is not { } progress)
        {
            return (Redirect($"/training/{course}"), null);
        }
        var complete = progress.CompletedAt is not null;
        if (complete != (phase == SelfAssessmentPhase.After))
        {
            // "Before" closes when the course is complete; "after" opens then.
            return (Redirect($"/training/{course}/self-assessment"), null);
        }
        (Course, Assessment, Phase) = (view.Course, assessment, phase);
        var first = CourseNavigation.FirstUndone(view.Course, progress);
        SkipPath = first is null || complete ? $"/training/{course}" : $"/training/{course}/{first.Path}";
        var response = await db.Set<SelfAssessmentResponse>().SingleOrDefaultAsync(r => r.CourseProgressId == progress.Id && r.Phase == phase, ct)
            ?? SelfAssessmentResponse.Begin(progress, phase);
        return (null, response);
    }
}
