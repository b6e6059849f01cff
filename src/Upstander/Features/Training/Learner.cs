using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Training;

/// <summary>
/// A course as one learner sees it: the version they started (or the current one), and their progress.
/// <see cref="Run"/> is 0 for the course itself; a refresher run holds only the refresher modules.
/// </summary>
public sealed record LearnerCourse(Course Course, Guid VersionId, CourseProgress? Progress, int Run = CourseProgress.CourseRun)
{
    public bool IsRefresher => Run != CourseProgress.CourseRun;

    /// <summary>The address every page of this run lives under.</summary>
    public string Base => IsRefresher ? $"/training/{Course.Slug}/refresher" : $"/training/{Course.Slug}";
}

/// <summary>Marks the refresher-run addresses of the learner pages (see <see cref="TrainingServices"/>).</summary>
public sealed class RefresherRoute;

/// <summary>
/// What the signed-in person may take, and their progress. Scoped. On a refresher address
/// (<c>/training/{course}/refresher/…</c>) the same pages work on the person's refresher run instead of the course.
/// </summary>
public sealed class Learner(AppDbContext db, CurrentActor actor, TrainingLibrary library, TimeProvider clock,
    SupporterCertification certification, IHttpContextAccessor http)
{
    private bool OnRefresherRoute => http.HttpContext?.GetEndpoint()?.Metadata.GetMetadata<RefresherRoute>() is not null;

    public Guid? PersonId => actor.PersonId;

    /// <summary>Open courses for every employee; candidate courses for peer supporters and people a coordinator enrolled.</summary>
    public async Task<IReadOnlyList<PublishedCourse>> AvailableAsync(CancellationToken ct)
    {
        if (PersonId is not { } personId)
        {
            return [];
        }
        var enrolled = await db.Set<CourseEnrolment>().Where(e => e.PersonId == personId).Select(e => e.CourseSlug).ToListAsync(ct);
        return (await library.CatalogueAsync(db, ct)).Where(c => MayTake(c.Course, enrolled)).ToList();
    }

    public async Task<IReadOnlyList<CourseProgress>> ProgressAsync(CancellationToken ct) =>
        PersonId is { } personId ? await db.Set<CourseProgress>().Where(p => p.PersonId == personId && p.Run == CourseProgress.CourseRun).ToListAsync(ct) : [];

    /// <summary>The course for this learner, or null when it does not exist or is not open to them (callers answer 404).</summary>
    public async Task<LearnerCourse?> OpenAsync(string slug, CancellationToken ct)
    {
        if (PersonId is not { } personId || slug.Length > CourseVersion.SlugMaxLength)
        {
            return null;
        }
        if (OnRefresherRoute)
        {
            return await certification.RefresherAsync(personId, slug, ct);
        }
        var progress = await db.Set<CourseProgress>().SingleOrDefaultAsync(p => p.PersonId == personId && p.CourseSlug == slug && p.Run == CourseProgress.CourseRun, ct);
        if (progress is not null && await library.VersionAsync(db, progress.CourseVersionId, ct) is { } started)
        {
            return new LearnerCourse(started.Course, progress.CourseVersionId, progress);
        }
        if (await library.CurrentAsync(db, slug, ct) is not { } current)
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
        var progress = CourseProgress.Start(actor.OrganisationId!.Value, PersonId!.Value, course.Course.Slug, course.VersionId, clock.GetUtcNow(), course.Run);
        db.Set<CourseProgress>().Add(progress);
        return progress;
    }

    /// <summary>
    /// Marks a step done. When that finishes a refresher run, the progress is saved and the certificate
    /// renewed if the run qualifies (<see cref="SupporterCertification.RenewAsync"/>).
    /// </summary>
    public async Task CompleteAsync(LearnerCourse view, CourseProgress progress, string step, CancellationToken ct)
    {
        var wasComplete = progress.CompletedAt is not null;
        progress.Complete(step, view.Course, clock.GetUtcNow());
        if (!wasComplete && progress.CompletedAt is not null && progress.IsRefresher)
        {
            await db.SaveChangesAsync(ct);
            await certification.RenewAsync(view, ct);
        }
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

    /// <summary>Where "resume" takes a learner: the step they last opened, or else the first not yet done.</summary>
    public static string? ResumeStep(Course course, CourseProgress progress) => progress.LastStep ?? FirstUndone(course, progress)?.Path;

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
    private static readonly (string Page, string Tail)[] RefresherPages =
    [
        ("/Training/Course", ""),
        ("/Training/Lesson", "/{module}/lessons/{number:int}"),
        ("/Training/Check", "/{module}/check"),
        ("/Training/CheckResult", "/{module}/check/{attempt:guid}"),
        ("/Training/Scenario", "/{module}/scenarios/{scenario}"),
    ];

    public static IServiceCollection AddTraining(this IServiceCollection services)
    {
        services.AddSingleton<TrainingLibrary>();
        services.AddHostedService<TrainingContentStartup>();
        services.AddScoped<Learner>();
        services.AddScoped<SupporterCertification>();
        services.AddScoped<CohortView>();
        services.AddOptions<CertificationOptions>()
            .Configure<IConfiguration>((options, configuration) => options.Read(configuration))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<CertificationOptions>, CertificationOptionsValidation>();
        // The refresher run uses the learner pages at a second address, /training/{course}/refresher/….
        services.Configure<RazorPagesOptions>(options =>
        {
            foreach (var (page, tail) in RefresherPages)
            {
                options.Conventions.AddPageRouteModelConvention(page, model =>
                {
                    var selector = new SelectorModel { AttributeRouteModel = new AttributeRouteModel { Template = "training/{course}/refresher" + tail, SuppressLinkGeneration = true } };
                    selector.EndpointMetadata.Add(new RefresherRoute());
                    model.Selectors.Add(selector);
                });
            }
        });
        services.AddScoped<CourseAuthoring>();
        services.AddScoped<DevelopmentLog>();
        services.AddScoped<TrainingEvaluationData>();
        return services;
    }
}
