using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>
/// One learner's way through one course: the content version they started (kept to the end), the
/// steps done, and where they were last, so they can resume.
/// </summary>
public sealed class CourseProgress : IOrganisationOwned
{
    public const int StepMaxLength = 200;

    private CourseProgress() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public string CourseSlug { get; private set; } = "";

    /// <summary>
    /// 0 for the course itself; 1, 2, … for the refresher runs a certified supporter takes to renew
    /// (the refresher modules only, see <see cref="SupporterCertification"/>), so a renewal never
    /// disturbs the record of the original course.
    /// </summary>
    public int Run { get; private set; }
    public Guid CourseVersionId { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset LastActivityAt { get; private set; }

    /// <summary>The step last opened, as a path under the course's address ("module/lessons/2").</summary>
    public string? LastStep { get; private set; }

    /// <summary>
    /// Keys of completed steps (<see cref="TrainingSteps"/>), each with the moment it was first done, as a JSON object
    /// (steps done before those moments were kept carry the learner's start, migration 0026).
    /// </summary>
    public string CompletedSteps { get; private set; } = "{}";
    public DateTimeOffset? CompletedAt { get; private set; }

    public const int CourseRun = 0;

    public bool IsRefresher => Run != CourseRun;

    public static CourseProgress Start(Guid organisationId, Guid personId, string courseSlug, Guid courseVersionId, DateTimeOffset now, int run = CourseRun) => new()
    {
        Run = run,
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        CourseSlug = courseSlug,
        CourseVersionId = courseVersionId,
        StartedAt = now,
        LastActivityAt = now,
    };

    public IReadOnlySet<string> Done => StepsDone.Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>The steps done before <paramref name="until"/>: progress as it stood then, for the training evaluation.</summary>
    public IReadOnlySet<string> DoneBefore(DateTimeOffset until) =>
        StepsDone.Where(s => s.Value < until).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);

    private Dictionary<string, DateTimeOffset> StepsDone =>
        JsonSerializer.Deserialize<Dictionary<string, DateTimeOffset>>(CompletedSteps) ?? new(StringComparer.Ordinal);

    public bool IsDone(string step) => Done.Contains(step);

    /// <summary>Records that the learner opened a step, so "resume" returns them there.</summary>
    public void Visit(string step, DateTimeOffset now)
    {
        LastStep = step.Length <= StepMaxLength ? step : LastStep;
        LastActivityAt = now;
    }

    /// <summary>Marks a step done (when it is first done); the course is complete once every step of every module is.</summary>
    public void Complete(string step, Course course, DateTimeOffset now)
    {
        var done = StepsDone;
        if (done.TryAdd(step, now))
        {
            CompletedSteps = JsonSerializer.Serialize(new SortedDictionary<string, DateTimeOffset>(done, StringComparer.Ordinal));
        }
        LastActivityAt = now;
        if (CompletedAt is null && course.Modules.All(IsModuleComplete))
        {
            CompletedAt = now;
        }
    }

    public bool IsModuleComplete(CourseModule module) => IsModuleComplete(module, Done);

    /// <summary>Whether <paramref name="done"/> holds every step of the module.</summary>
    public static bool IsModuleComplete(CourseModule module, IReadOnlySet<string> done) => module.Steps.All(done.Contains);

    public int ModuleStepsDone(CourseModule module) => module.Steps.Count(Done.Contains);
}

public sealed class CourseProgressConfiguration : IEntityTypeConfiguration<CourseProgress>
{
    public void Configure(EntityTypeBuilder<CourseProgress> builder)
    {
        builder.ToTable("training_progress");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.CourseSlug).HasMaxLength(CourseVersion.SlugMaxLength).IsRequired();
        builder.Property(p => p.LastStep).HasMaxLength(CourseProgress.StepMaxLength);
        builder.Property(p => p.CompletedSteps).IsRequired();
        builder.HasIndex(p => new { p.OrganisationId, p.PersonId, p.CourseSlug, p.Run }).IsUnique();
        builder.HasIndex(p => p.CourseVersionId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(p => p.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CourseVersion>().WithMany().HasForeignKey(p => p.CourseVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}
