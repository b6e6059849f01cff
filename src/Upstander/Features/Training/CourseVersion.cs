using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>
/// One published version of a course's content, never changed once written and kept for as long as
/// learners need it: a learner stays on the version they started even after the content changes.
/// Shipped versions (loaded from the files) have no owner and are shared by every organisation; a
/// version a coordinator published belongs to their organisation alone (the query filter hides it
/// from every other).
/// </summary>
public sealed class CourseVersion : IOrganisationOwnedOrShared
{
    public const int SlugMaxLength = 100;

    private CourseVersion() { }

    public Guid Id { get; private set; }
    public string Slug { get; private set; } = "";
    public int Version { get; private set; }

    /// <summary>SHA-256 of <see cref="Content"/>, hex: a changed file makes a new row even if the author forgot to bump the version.</summary>
    public string ContentHash { get; private set; } = "";
    public string Content { get; private set; } = "";
    public DateTimeOffset PublishedAt { get; private set; }

    /// <summary>The organisation whose coordinator published it; null for a shipped version.</summary>
    public Guid? OrganisationId { get; private set; }

    /// <summary>The version the draft was copied from (null for a shipped version or a course the organisation created).</summary>
    public Guid? BasedOnVersionId { get; private set; }

    /// <summary>The account that published it (null for a shipped version).</summary>
    public Guid? PublishedBy { get; private set; }

    /// <summary>The account that started the draft it was published from (null for a shipped version).</summary>
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset? CreatedAt { get; private set; }

    public bool IsShipped => OrganisationId is null;

    /// <summary>A shipped version, from the content files.</summary>
    public static CourseVersion Publish(Course course, DateTimeOffset now)
    {
        var content = CourseJson.Serialize(course);
        return new CourseVersion
        {
            Id = Guid.CreateVersion7(),
            Slug = course.Slug,
            Version = course.Version,
            ContentHash = Hash(content),
            Content = content,
            PublishedAt = now,
        };
    }

    /// <summary>
    /// An organisation's own version, published from a coordinator's draft. Its hash covers the owner as
    /// well as the content, so two organisations publishing the same text still get a row each.
    /// </summary>
    public static CourseVersion PublishAuthored(Course course, Guid organisationId, CourseDraft draft, Guid? publishedBy, DateTimeOffset now)
    {
        var version = Publish(course, now);
        version.ContentHash = Hash(organisationId.ToString("N") + "\n" + version.Content);
        version.OrganisationId = organisationId;
        version.BasedOnVersionId = draft.BasedOnVersionId;
        version.CreatedBy = draft.CreatedBy;
        version.CreatedAt = draft.CreatedAt;
        version.PublishedBy = publishedBy;
        return version;
    }

    public static string Hash(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    public Course Read() => CourseJson.Deserialize(Content);
}

public sealed class CourseVersionConfiguration : IEntityTypeConfiguration<CourseVersion>
{
    public void Configure(EntityTypeBuilder<CourseVersion> builder)
    {
        builder.ToTable("training_course_versions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Slug).HasMaxLength(CourseVersion.SlugMaxLength).IsRequired();
        builder.Property(v => v.ContentHash).HasMaxLength(64).IsRequired();
        builder.Property(v => v.Content).IsRequired();
        builder.HasIndex(v => new { v.Slug, v.ContentHash }).IsUnique();
        builder.HasIndex(v => new { v.Slug, v.Version });
        builder.HasIndex(v => new { v.OrganisationId, v.Slug });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(v => v.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
