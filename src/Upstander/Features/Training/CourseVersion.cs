using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Upstander.Features.Training;

/// <summary>
/// One published version of a course's content, kept for as long as learners need it: a learner
/// stays on the version they started even after the files change. Shared by every organisation.
/// </summary>
public sealed class CourseVersion
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
    }
}
