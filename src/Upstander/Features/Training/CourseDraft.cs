using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>
/// A coordinator's work in progress on one course of their organisation: at most one per course, never
/// shown to learners, and either published (becoming a new <see cref="CourseVersion"/>) or discarded.
/// </summary>
public sealed class CourseDraft : IOrganisationOwned
{
    private CourseDraft() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Slug { get; private set; } = "";

    /// <summary>The version the draft was copied from; null for a course the organisation is creating.</summary>
    public Guid? BasedOnVersionId { get; private set; }

    /// <summary>The course as edited so far, in the stored course format (it need not be valid until published).</summary>
    public string Content { get; private set; } = "";
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? UpdatedBy { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public static CourseDraft Start(Guid organisationId, Course course, Guid? basedOn, Guid? by, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        Slug = course.Slug,
        BasedOnVersionId = basedOn,
        Content = CourseJson.Serialize(course),
        CreatedBy = by,
        CreatedAt = now,
        UpdatedBy = by,
        UpdatedAt = now,
    };

    public Course Read() => CourseJson.Deserialize(Content);

    public void Replace(Course course, Guid? by, DateTimeOffset now)
    {
        Content = CourseJson.Serialize(course with { Slug = Slug });
        UpdatedBy = by;
        UpdatedAt = now;
    }
}

public sealed class CourseDraftConfiguration : IEntityTypeConfiguration<CourseDraft>
{
    public void Configure(EntityTypeBuilder<CourseDraft> builder)
    {
        builder.ToTable("training_course_drafts");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Slug).HasMaxLength(CourseVersion.SlugMaxLength).IsRequired();
        builder.Property(d => d.Content).IsRequired();
        builder.HasIndex(d => new { d.OrganisationId, d.Slug }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
