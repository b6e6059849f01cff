using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>
/// What one learner gives to one part of one row of the training evaluation, as last released: the figures are computed
/// from these, never from the records themselves, and a row's part moves only when each of its figures changes for none
/// of its learners or for at least the minimum group size of them at once (<see cref="TrainingEvaluation.Releasable"/>,
/// docs/training-evaluation.md). Ratings, scores and flags only (<see cref="RowState"/>), no free text, so nothing is sealed.
/// </summary>
public sealed class EvaluationRelease : IOrganisationOwned
{
    public const int PartMaxLength = 20;

    /// <summary>A module's key, or a cohort group's key ("cohort " and its name, or "started " and the quarter).</summary>
    public const int RowMaxLength = 100;

    private EvaluationRelease() { }

    public Guid OrganisationId { get; private set; }
    public string CourseSlug { get; private set; } = "";
    public string Part { get; private set; } = "";
    public string Row { get; private set; } = "";
    public Guid PersonId { get; private set; }

    /// <summary>The released <see cref="RowState"/> as JSON; null once the learner's state was released as gone from the row.</summary>
    public string? State { get; private set; }

    /// <summary>The last day of the quarter the state was released at.</summary>
    public DateOnly ReleasedThrough { get; private set; }

    public static EvaluationRelease Of(Guid organisationId, string courseSlug, RowPart part, string row, Guid personId) => new()
    {
        OrganisationId = organisationId,
        CourseSlug = courseSlug,
        Part = part.ToString(),
        Row = row,
        PersonId = personId,
    };

    public void Release(string? state, DateOnly through) => (State, ReleasedThrough) = (state, through);
}

/// <summary>
/// An organisation whose training evaluation was shown before releases were kept (migration 0027): its next reading
/// releases every row's current states at once, so nothing shown moves on the upgrade.
/// </summary>
public sealed class EvaluationBaseline : IOrganisationOwned
{
    private EvaluationBaseline() { }

    public Guid OrganisationId { get; private set; }
}

public sealed class EvaluationReleaseConfiguration : IEntityTypeConfiguration<EvaluationRelease>
{
    public void Configure(EntityTypeBuilder<EvaluationRelease> builder)
    {
        builder.ToTable("training_evaluation_releases");
        builder.HasKey(r => new { r.OrganisationId, r.CourseSlug, r.Part, r.Row, r.PersonId });
        builder.Property(r => r.CourseSlug).HasMaxLength(CourseVersion.SlugMaxLength).IsRequired();
        builder.Property(r => r.Part).HasMaxLength(EvaluationRelease.PartMaxLength).IsRequired();
        builder.Property(r => r.Row).HasMaxLength(EvaluationRelease.RowMaxLength).IsRequired();
        builder.HasIndex(r => r.PersonId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class EvaluationBaselineConfiguration : IEntityTypeConfiguration<EvaluationBaseline>
{
    public void Configure(EntityTypeBuilder<EvaluationBaseline> builder)
    {
        builder.ToTable("training_evaluation_baselines");
        builder.HasKey(b => b.OrganisationId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(b => b.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
