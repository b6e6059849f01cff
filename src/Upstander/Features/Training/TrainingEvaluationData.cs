using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Tenancy;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>Reads the organisation's training records into <see cref="TrainingEvaluation"/>'s plain inputs. Scoped.</summary>
public sealed class TrainingEvaluationData(AppDbContext db, OrganisationScope scope, TrainingLibrary library, FieldProtector protector, AuditLog audit, OrganisationTime time, IStringLocalizer<SharedResource> t)
{
    /// <summary>The organisation's current version of a course (its own published version, else the shipped one).</summary>
    public Task<PublishedCourse?> CurrentCourseAsync(string slug, CancellationToken ct) => library.CurrentAsync(db, slug, ct);

    public Task<int> MinimumGroupSizeAsync(CancellationToken ct) =>
        db.Organisations.Where(o => o.Id == scope.OrganisationId).Select(o => o.MinimumGroupSize).SingleAsync(ct);

    /// <summary>Every course on offer, evaluated with suppression applied.</summary>
    public async Task<IReadOnlyList<CourseEvaluation>> EvaluateAsync(CancellationToken ct)
    {
        var minimum = await MinimumGroupSizeAsync(ct);
        var results = new List<CourseEvaluation>();
        foreach (var published in await library.CatalogueAsync(db, ct))
        {
            results.Add(TrainingEvaluation.Evaluate(await InputAsync(published.Course, ct), minimum));
        }
        return results;
    }

    /// <summary>
    /// The free comments on a module, opened, without names and in random order; null when fewer than the
    /// minimum group responded. One audit event records the reading.
    /// </summary>
    public async Task<IReadOnlyList<string>?> CommentsAsync(string slug, string moduleKey, CancellationToken ct)
    {
        var minimum = await MinimumGroupSizeAsync(ct);
        var reactions = await db.Set<ModuleReaction>().AsNoTracking()
            .Where(r => r.ModuleKey == moduleKey && db.Set<CourseProgress>().Any(p => p.Id == r.CourseProgressId && p.CourseSlug == slug && p.Run == CourseProgress.CourseRun))
            .Select(r => new { r.Id, r.CommentSealed })
            .ToListAsync(ct);
        if (reactions.Count < minimum)
        {
            return null;
        }
        var comments = reactions.Where(r => r.CommentSealed is not null)
            .Select(r => protector.Open(r.CommentSealed!, ModuleReaction.CommentPurpose, r.Id))
            .ToArray();
        RandomNumberGenerator.Shuffle(comments.AsSpan());
        audit.Record(AuditActions.ProtectedRead, "training-reaction-comments", $"{slug}/{moduleKey}", detail: $"comments={comments.Length}");
        await db.SaveChangesAsync(ct);
        return comments;
    }

    public async Task<EvaluationInput> InputAsync(Course course, CancellationToken ct)
    {
        // The course as first taken; refresher runs are renewals, not new learners.
        var progress = await db.Set<CourseProgress>().AsNoTracking().Where(p => p.CourseSlug == course.Slug && p.Run == CourseProgress.CourseRun).ToListAsync(ct);
        var ids = progress.Select(p => p.Id).ToList();
        var cohorts = await db.Set<CourseEnrolment>().AsNoTracking().Where(e => e.CourseSlug == course.Slug && e.Cohort != null)
            .ToDictionaryAsync(e => e.PersonId, e => e.Cohort!, ct);
        var attempts = await db.Set<CheckAttempt>().AsNoTracking()
            .Where(a => ids.Contains(a.CourseProgressId) && a.SubmittedAt != null)
            .Select(a => new { a.CourseProgressId, a.ModuleKey, a.SubmittedAt, a.CorrectCount, a.QuestionCount, a.Passed })
            .ToListAsync(ct);
        var reactions = await db.Set<ModuleReaction>().AsNoTracking().Where(r => ids.Contains(r.CourseProgressId))
            .Select(r => new { r.CourseProgressId, r.ModuleKey, r.Useful, r.Relevant, r.Clear })
            .ToListAsync(ct);
        var assessments = await db.Set<SelfAssessmentResponse>().AsNoTracking().Where(r => ids.Contains(r.CourseProgressId)).ToListAsync(ct);

        var person = progress.ToDictionary(p => p.Id, p => p.PersonId);
        var learners = new List<EvaluationLearner>();
        foreach (var row in progress)
        {
            var taken = (await library.VersionAsync(db, row.CourseVersionId, ct))?.Course ?? course;
            var done = row.Done;
            var started = taken.Modules.Where(m => done.Any(s => s.StartsWith(m.Key + "/", StringComparison.Ordinal))).Select(m => m.Key).ToHashSet();
            var completed = taken.Modules.Where(row.IsModuleComplete).Select(m => m.Key).ToHashSet();
            IReadOnlyDictionary<string, double>? Skills(string phase) =>
                taken.SelfAssessment is { } sa && assessments.FirstOrDefault(a => a.CourseProgressId == row.Id && a.Phase == phase) is { } answer
                    ? SelfAssessmentResponse.SkillMeans(sa, answer.Answers)
                    : null;
            learners.Add(new EvaluationLearner(row.PersonId, cohorts.GetValueOrDefault(row.PersonId) ?? StartedLabel(row.StartedAt),
                row.CompletedAt is not null, started, completed, Skills(SelfAssessmentPhase.Before), Skills(SelfAssessmentPhase.After)));
        }
        return new EvaluationInput(course.Slug, course.Title,
            course.Modules.Select(m => new EvaluationModule(m.Key, m.Title, m.Check is not null)).ToList(),
            learners,
            attempts.Select(a => new EvaluationAttempt(person[a.CourseProgressId], a.ModuleKey, a.SubmittedAt!.Value,
                a.QuestionCount == 0 ? 0 : (double)(a.CorrectCount ?? 0) / a.QuestionCount, a.Passed)).ToList(),
            reactions.Select(r => new EvaluationReaction(person[r.CourseProgressId], r.ModuleKey, r.Useful, r.Relevant, r.Clear)).ToList(),
            course.SelfAssessment is not null);
    }

    /// <summary>Learners enrolled without a cohort are grouped by the calendar quarter they started in, in the organisation's zone.</summary>
    private string StartedLabel(DateTimeOffset startedAt)
    {
        var day = OrganisationZones.DateIn(time.Zone, startedAt);
        return t["Started {0} Q{1}", day.Year, (day.Month - 1) / 3 + 1].Value;
    }
}
