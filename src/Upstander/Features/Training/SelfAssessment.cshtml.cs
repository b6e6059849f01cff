using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Features.Training;

public sealed record SelfAssessmentRow(string Label, double? Before, double? After)
{
    public double? Change => Before is { } b && After is { } a ? a - b : null;
}

/// <summary>The learner's own self-assessment, before and after, item by item and per skill. Nobody else sees it.</summary>
public sealed class SelfAssessmentModel(Learner learner, AppDbContext db) : PageModel
{
    public Course Course { get; private set; } = null!;
    public SelfAssessment Assessment { get; private set; } = null!;
    public CourseProgress? Progress { get; private set; }
    public bool HasBefore { get; private set; }
    public bool HasAfter { get; private set; }
    public IReadOnlyList<SelfAssessmentRow> Items { get; private set; } = [];
    public IReadOnlyList<(string Skill, SelfAssessmentRow Row)> Skills { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string course, CancellationToken ct)
    {
        if (await learner.OpenAsync(course, ct) is not { Course.SelfAssessment: { } assessment } view)
        {
            return NotFound();
        }
        (Course, Assessment, Progress) = (view.Course, assessment, view.Progress);
        var responses = view.Progress is null ? [] : await db.Set<SelfAssessmentResponse>().AsNoTracking()
            .Where(r => r.CourseProgressId == view.Progress.Id).ToListAsync(ct);
        var before = responses.FirstOrDefault(r => r.Phase == SelfAssessmentPhase.Before)?.Answers ?? new Dictionary<string, int>();
        var after = responses.FirstOrDefault(r => r.Phase == SelfAssessmentPhase.After)?.Answers ?? new Dictionary<string, int>();
        (HasBefore, HasAfter) = (before.Count > 0, after.Count > 0);
        Items = assessment.Items.Select(i => new SelfAssessmentRow(i.Text, before.TryGetValue(i.Id, out var b) ? b : null, after.TryGetValue(i.Id, out var a) ? a : null)).ToList();
        var beforeMeans = SelfAssessmentResponse.SkillMeans(assessment, before);
        var afterMeans = SelfAssessmentResponse.SkillMeans(assessment, after);
        Skills = ListeningSkills.All.Where(s => assessment.Items.Any(i => i.Skill == s))
            .Select(s => (s, new SelfAssessmentRow(s, beforeMeans.TryGetValue(s, out var b) ? b : null, afterMeans.TryGetValue(s, out var a) ? a : null)))
            .ToList();
        return Page();
    }
}
