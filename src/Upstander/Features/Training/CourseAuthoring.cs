using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Training;

public enum CourseOrigin
{
    /// <summary>Offered as shipped with Upstander.</summary>
    Shipped,

    /// <summary>A shipped course this organisation has published its own version of.</summary>
    Customised,

    /// <summary>A course this organisation created.</summary>
    Own,
}

/// <summary>One line of the coordinator's course list.</summary>
public sealed record AuthoredCourse(string Slug, string Title, CourseOrigin Origin, int? Version, bool HasDraft, DateTimeOffset? DraftUpdatedAt);

/// <summary>What a coordinator types to create a course.</summary>
public sealed record NewCourse(string Slug, string Title, string Summary, string Audience);

/// <summary>
/// A coordinator's drafts and publishing for their organisation. Scoped. Drafts are organisation-owned
/// rows (the query filter hides every other organisation's); publishing validates the whole course with
/// the same <see cref="CourseRules"/> the file loader uses and writes a new, never-changed version.
/// </summary>
public sealed class CourseAuthoring(AppDbContext db, TrainingLibrary library, CurrentActor actor, AuditLog audit, TimeProvider clock)
{
    private Guid Organisation => db.CurrentOrganisationId ?? throw new InvalidOperationException("Authoring needs an organisation.");

    /// <summary>Every course the organisation offers or is creating, with its status.</summary>
    public async Task<IReadOnlyList<AuthoredCourse>> ListAsync(CancellationToken ct)
    {
        var catalogue = await library.CatalogueAsync(db, ct);
        var drafts = await db.Set<CourseDraft>().AsNoTracking().ToListAsync(ct);
        var rows = catalogue.Select(c => new AuthoredCourse(c.Course.Slug, c.Course.Title,
            c.IsShipped ? CourseOrigin.Shipped : library.Shipped.Any(s => s.Course.Slug == c.Course.Slug) ? CourseOrigin.Customised : CourseOrigin.Own,
            c.Course.Version, drafts.Any(d => d.Slug == c.Course.Slug), drafts.FirstOrDefault(d => d.Slug == c.Course.Slug)?.UpdatedAt)).ToList();
        rows.AddRange(drafts.Where(d => rows.All(r => r.Slug != d.Slug)).OrderBy(d => d.Slug, StringComparer.Ordinal)
            .Select(d => new AuthoredCourse(d.Slug, d.Read().Title, CourseOrigin.Own, null, true, d.UpdatedAt)));
        return rows;
    }

    /// <summary>This organisation's draft of a course (tracked, for changes); null when there is none.</summary>
    public Task<CourseDraft?> DraftAsync(string slug, CancellationToken ct) =>
        slug.Length > CourseVersion.SlugMaxLength ? Task.FromResult<CourseDraft?>(null) : db.Set<CourseDraft>().SingleOrDefaultAsync(d => d.Slug == slug, ct);

    /// <summary>The course as this organisation's learners get it now; null when it offers no such course.</summary>
    public Task<PublishedCourse?> CurrentAsync(string slug, CancellationToken ct) => library.CurrentAsync(db, slug, ct);

    /// <summary>The draft of a course, making one copied from the current version when there is none yet; null for an unknown course.</summary>
    public async Task<CourseDraft?> StartEditingAsync(string slug, CancellationToken ct)
    {
        if (await DraftAsync(slug, ct) is { } existing)
        {
            return existing;
        }
        if (await CurrentAsync(slug, ct) is not { } current)
        {
            return null;
        }
        var draft = CourseDraft.Start(Organisation, current.Course, current.VersionId, actor.Id, clock.GetUtcNow());
        db.Set<CourseDraft>().Add(draft);
        audit.Record(AuditActions.TrainingDraftStarted, "course", slug);
        await db.SaveChangesAsync(ct);
        return draft;
    }

    /// <summary>Problems with a new course's details (field name, message); empty when it may be created.</summary>
    public async Task<List<(string Field, string Message)>> CheckNewAsync(NewCourse input, CancellationToken ct)
    {
        var problems = new List<(string, string)>();
        if (!CourseRules.IsSlug(input.Slug) || input.Slug == NewSlug)
        {
            problems.Add(("slug", "Use lower-case letters, digits and hyphens, for example \"speaking-up-at-work\"."));
        }
        else if (await CurrentAsync(input.Slug, ct) is not null || await DraftAsync(input.Slug, ct) is not null)
        {
            problems.Add(("slug", "A course with this address already exists. Choose another."));
        }
        if (string.IsNullOrWhiteSpace(input.Title) || input.Title.Length > CourseLimits.TitleLength)
        {
            problems.Add(("title", "Enter a title of at most 200 characters."));
        }
        if (string.IsNullOrWhiteSpace(input.Summary) || input.Summary.Length > CourseLimits.TextLength)
        {
            problems.Add(("summary", "Enter a summary of at most 2000 characters."));
        }
        if (input.Audience is not (CourseAudience.Everyone or CourseAudience.Candidates))
        {
            problems.Add(("audience", "Choose who the course is for."));
        }
        return problems;
    }

    /// <summary>"new" is the address of the create page, so no course may have it.</summary>
    public const string NewSlug = "new";

    /// <summary>Starts a draft of a brand-new course (call <see cref="CheckNewAsync"/> first).</summary>
    public async Task<CourseDraft> CreateAsync(NewCourse input, CancellationToken ct)
    {
        var course = new Course(input.Slug, 1, input.Title.Trim(), input.Summary.Trim(), input.Audience, false, [], null);
        var draft = CourseDraft.Start(Organisation, course, null, actor.Id, clock.GetUtcNow());
        db.Set<CourseDraft>().Add(draft);
        audit.Record(AuditActions.TrainingDraftStarted, "course", input.Slug);
        await db.SaveChangesAsync(ct);
        return draft;
    }

    /// <summary>Saves an edit of the draft.</summary>
    public Task SaveAsync(CourseDraft draft, Course course, CancellationToken ct)
    {
        draft.Replace(course, actor.Id, clock.GetUtcNow());
        return db.SaveChangesAsync(ct);
    }

    /// <summary>Every problem that stops the draft being published, each naming the part it concerns.</summary>
    public static List<string> Problems(Course course) => CourseRules.Validate(course, new EditorPlaces());

    /// <summary>
    /// Publishes the draft as the organisation's next version of the course, when it passes every rule;
    /// otherwise changes nothing and returns the problems. The draft is gone once published.
    /// </summary>
    public async Task<(PublishedCourse? Published, List<string> Problems)> PublishAsync(CourseDraft draft, CancellationToken ct)
    {
        var versions = await db.Set<CourseVersion>().Where(v => v.Slug == draft.Slug).Select(v => (int?)v.Version).MaxAsync(ct) ?? 0;
        var course = draft.Read() with { Version = versions + 1 };
        var problems = Problems(course);
        if (problems.Count > 0)
        {
            return (null, problems);
        }
        var organisationId = Organisation;
        var version = CourseVersion.PublishAuthored(course, organisationId, draft, actor.Id, clock.GetUtcNow());
        db.Set<CourseVersion>().Add(version);
        db.Set<CourseDraft>().Remove(draft);
        audit.Record(AuditActions.TrainingCoursePublished, "course", draft.Slug, detail: $"version {course.Version}");
        await db.SaveChangesAsync(ct);
        return (new PublishedCourse(version.Id, course, organisationId), []);
    }

    /// <summary>Throws the draft away; learners never saw it.</summary>
    public Task DiscardAsync(CourseDraft draft, CancellationToken ct)
    {
        db.Set<CourseDraft>().Remove(draft);
        audit.Record(AuditActions.TrainingDraftDiscarded, "course", draft.Slug);
        return db.SaveChangesAsync(ct);
    }

    /// <summary>Names each part as the editor shows it.</summary>
    private sealed class EditorPlaces : ICoursePlaces
    {
        public string Course => "Course details";

        public string SelfAssessment => "Self-assessment";

        public string Module(int index, CourseModule module) => $"Module {index + 1} \u201c{module.Title}\u201d";

        public string Lesson(int moduleIndex, CourseModule module, int lessonIndex) =>
            $"Module {moduleIndex + 1}, lesson {lessonIndex + 1} \u201c{module.Lessons[lessonIndex].Title}\u201d";

        public string Check(int moduleIndex, CourseModule module) => $"Module {moduleIndex + 1}, knowledge check";

        public string Scenario(int moduleIndex, CourseModule module, int scenarioIndex) =>
            $"Module {moduleIndex + 1}, scenario {scenarioIndex + 1} \u201c{module.Scenarios[scenarioIndex].Title}\u201d";
    }
}
