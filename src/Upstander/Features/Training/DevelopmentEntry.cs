using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

public static class DevelopmentKind
{
    public const string Training = "training";
    public const string Supervision = "supervision";
    public const string Other = "other";

    public static readonly IReadOnlyList<string> All = [Training, Supervision, Other];

    /// <summary>The English label (a localization key) for a kind.</summary>
    public static string Label(string kind) => kind switch
    {
        Training => "Training",
        Supervision => "Supervision",
        _ => "Other",
    };
}

/// <summary>
/// One entry in a supporter's continuing-development log: other training, supervision, or anything
/// else that keeps them able to support people. Hours are stored as quarter hours. Only the owner
/// sees entries; the reflection is sealed.
/// </summary>
public sealed class DevelopmentEntry : IOrganisationOwned
{
    public const int KindMaxLength = 20;
    public const int TitleMaxLength = 120;
    public const int ReflectionMaxLength = 4000;
    public const int MinQuarterHours = 1;
    public const int MaxQuarterHours = 400;
    public const string ReflectionPurpose = "training.development-reflection";

    private DevelopmentEntry() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public string Kind { get; private set; } = "";
    public DateOnly Date { get; private set; }
    public int QuarterHours { get; private set; }
    public string Title { get; private set; } = "";

    /// <summary>Sealed by the field protector (purpose <see cref="ReflectionPurpose"/>, this row's id); never plaintext.</summary>
    public string? ReflectionSealed { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public decimal Hours => QuarterHours / 4m;

    public static DevelopmentEntry Create(Guid organisationId, Guid personId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        CreatedAt = now,
    };

    /// <summary>Sets the entry from values <see cref="DevelopmentRules"/> has already accepted.</summary>
    public void Set(DevelopmentInput input, string? reflectionSealed, DateTimeOffset now)
    {
        (Kind, Date, QuarterHours, Title, ReflectionSealed, UpdatedAt) = (input.Kind, input.Date, input.QuarterHours, input.Title, reflectionSealed, now);
    }
}

public sealed class DevelopmentEntryConfiguration : IEntityTypeConfiguration<DevelopmentEntry>
{
    public void Configure(EntityTypeBuilder<DevelopmentEntry> builder)
    {
        builder.ToTable("training_development_entries");
        builder.HasKey(e => e.Id);
        builder.Ignore(e => e.Hours);
        builder.Property(e => e.Kind).HasMaxLength(DevelopmentEntry.KindMaxLength).IsRequired();
        builder.Property(e => e.Title).HasMaxLength(DevelopmentEntry.TitleMaxLength).IsRequired();
        builder.HasIndex(e => new { e.OrganisationId, e.PersonId, e.Date });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
