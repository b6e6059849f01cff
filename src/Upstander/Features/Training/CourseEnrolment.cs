using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>A coordinator's decision that a person may take a course meant for peer-supporter candidates.</summary>
public sealed class CourseEnrolment : IOrganisationOwned
{
    private CourseEnrolment() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public string CourseSlug { get; private set; } = "";
    public Guid? EnrolledBy { get; private set; }
    public DateTimeOffset EnrolledAt { get; private set; }

    /// <summary>
    /// The intake a coordinator enrolled the person with ("Spring 2027"): the cohort view and the training
    /// evaluation group learners by it. Null for someone enrolled on their own.
    /// </summary>
    public string? Cohort { get; private set; }

    public const int CohortMaxLength = 80;

    public static CourseEnrolment Enrol(Guid organisationId, Guid personId, string courseSlug, Guid? enrolledBy, DateTimeOffset now, string? cohort = null) => new()
    {
        Cohort = string.IsNullOrWhiteSpace(cohort) ? null : cohort.Trim(),
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        CourseSlug = courseSlug,
        EnrolledBy = enrolledBy,
        EnrolledAt = now,
    };
}

public sealed class CourseEnrolmentConfiguration : IEntityTypeConfiguration<CourseEnrolment>
{
    public void Configure(EntityTypeBuilder<CourseEnrolment> builder)
    {
        builder.ToTable("training_enrolments");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.CourseSlug).HasMaxLength(CourseVersion.SlugMaxLength).IsRequired();
        builder.Property(e => e.Cohort).HasMaxLength(CourseEnrolment.CohortMaxLength);
        builder.HasIndex(e => new { e.OrganisationId, e.PersonId, e.CourseSlug }).IsUnique();
        builder.HasIndex(e => new { e.OrganisationId, e.Cohort });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
