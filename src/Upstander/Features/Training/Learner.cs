using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Training;

/// <summary>A course as one learner sees it: the version they started (or the current one), and their progress.</summary>
public sealed record LearnerCourse(Course Course, Guid VersionId, CourseProgress? Progress);

/// <summary>What the signed-in person may take, and their progress. Scoped.</summary>
public sealed class Learner(AppDbContext db, CurrentActor actor, TrainingLibrary library, TimeProvider clock)
{
    public Guid? PersonId => actor.PersonId;

    /// <summary>Open courses for every employee; candidate courses for peer supporters and people a coordinator enrolled.</summary>
    public async Task<IReadOnlyList<PublishedCourse>> AvailableAsync(CancellationToken ct)
    {
        if (PersonId is not { } personId)
        {
            return [];
        }
        var enrolled = await db.Set<CourseEnrolment>().Where(e => e.PersonId == personId).Select(e => e.CourseSlug).ToListAsync(ct);
        return library.Current.Where(c => MayTake(c.Course, enrolled)).ToList();
    }

    public async Task<IReadOnlyList<CourseProgress>> ProgressAsync(CancellationToken ct) =>
        PersonId is { } personId ? await db.Set<CourseProgress>().Where(p => p.PersonId == personId).ToListAsync(ct) : [];

    /// <summary>The course for this learner, or null when it does not exist or is not open to them (callers answer 404).</summary>
    public async Task<LearnerCourse?> OpenAsync(string slug, CancellationToken ct)
    {
        if (PersonId is not { } personId || slug.Length > CourseVersion.SlugMaxLength)
        {
            return null;
        }
        var progress = await db.Set<CourseProgress>().SingleOrDefaultAsync(p => p.PersonId == personId && p.CourseSlug == slug, ct);
        if (progress is not null && await library.VersionAsync(db, progress.CourseVersionId, ct) is { } started)
        {
            return new LearnerCourse(started, progress.CourseVersionId, progress);
        }
        if (library.CurrentCourse(slug) is not { } current)
        {
            return null;
        }
        var enrolled = await db.Set<CourseEnrolment>().Where(e => e.PersonId == personId && e.CourseSlug == slug).Select(e => e.CourseSlug).ToListAsync(ct);
        return MayTake(current.Course, enrolled) ? new LearnerCourse(current.Course, current.VersionId, null) : null;
    }

    /// <summary>A module of a course the learner has started; null when any part is unknown or not theirs.</summary>
    public async Task<(LearnerCourse View, CourseModule Module, CourseProgress Progress)?> OpenModuleAsync(string slug, string moduleKey, CancellationToken ct)
    {
        var view = await OpenAsync(slug, ct);
        return view?.Progress is { } progress && view.Course.Module(moduleKey) is { } module ? (view, module, progress) : null;
    }

    /// <summary>Starts the course on its current version (once); later content changes do not move the learner.</summary>
    public CourseProgress Start(LearnerCourse course)
    {
        if (course.Progress is not null)
        {
            return course.Progress;
        }
        var progress = CourseProgress.Start(actor.OrganisationId!.Value, PersonId!.Value, course.Course.Slug, course.VersionId, clock.GetUtcNow());
        db.Set<CourseProgress>().Add(progress);
        return progress;
    }

    private bool MayTake(Course course, IReadOnlyCollection<string> enrolledSlugs) => course.Audience switch
    {
        CourseAudience.Everyone => true,
        CourseAudience.Candidates => actor.IsInRole(Roles.PeerSupporter) || enrolledSlugs.Contains(course.Slug),
        _ => false,
    };
}

/// <summary>The order of every step in a course, for next and previous links.</summary>
public sealed record CourseStep(string Module, string Key, string Path, string Title);

public static class CourseNavigation
{
    public static IReadOnlyList<CourseStep> Steps(Course course) =>
        course.Modules.SelectMany(m => m.Lessons.Select((l, i) => new CourseStep(m.Key, TrainingSteps.Lesson(m.Key, i + 1), TrainingSteps.Lesson(m.Key, i + 1), l.Title))
            .Concat(m.Check is null ? [] : [new CourseStep(m.Key, TrainingSteps.Check(m.Key), TrainingSteps.Check(m.Key), "")])
            .Concat(m.Scenarios.Select(s => new CourseStep(m.Key, TrainingSteps.Scenario(m.Key, s.Id), TrainingSteps.Scenario(m.Key, s.Id), s.Title))))
        .ToList();

    public static (CourseStep? Previous, CourseStep? Next) Around(Course course, string key)
    {
        var steps = Steps(course);
        var index = steps.ToList().FindIndex(s => s.Key == key);
        return index < 0 ? (null, null) : (index > 0 ? steps[index - 1] : null, index < steps.Count - 1 ? steps[index + 1] : null);
    }

    /// <summary>The first step not yet done, for a learner who has not opened anything yet.</summary>
    public static CourseStep? FirstUndone(Course course, CourseProgress progress) =>
        Steps(course) is var steps && steps.Count > 0 ? steps.FirstOrDefault(s => !progress.IsDone(s.Key)) ?? steps[0] : null;
}

public static class SkillLabels
{
    /// <summary>The English label (a localization key) for a skill.</summary>
    public static string Of(string skill) => skill switch
    {
        ListeningSkills.Reflecting => "Reflecting",
        ListeningSkills.OpenQuestions => "Open questions",
        ListeningSkills.Validating => "Validating",
        ListeningSkills.NotRushingToFix => "Not rushing to fix",
        ListeningSkills.NotJudging => "Not judging",
        ListeningSkills.CheckingSafety => "Checking safety",
        _ => skill,
    };
}

public static class TrainingServices
{
    public static IServiceCollection AddTraining(this IServiceCollection services)
    {
        services.AddSingleton<TrainingLibrary>();
        services.AddHostedService<TrainingContentStartup>();
        services.AddScoped<Learner>();
        services.AddScoped<DevelopmentLog>();
        services.AddScoped<TrainingEvaluationData>();
        return services;
    }
}
