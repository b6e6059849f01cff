using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Resources;

/// <summary>What sort of service an entry of the resources directory is; the directory is grouped by it, in this order.</summary>
public enum ResourceKind
{
    EmployeeAssistance,
    HumanResources,
    OccupationalHealth,
    LegalAdvice,
    Helpline,
    SelfHelpReading,
    Other,
}

/// <summary>Everything a coordinator states about a support service, already checked by <see cref="SupportResourceRules"/>.</summary>
public sealed record SupportResourceDetails(
    ResourceKind Kind,
    string Name,
    string? Description,
    string Audience,
    string? Phone,
    string? TextNumber,
    string? Email,
    string? Website,
    string? Hours,
    bool AlwaysOpen,
    string? Country,
    string? Languages,
    bool IsCrisis,
    bool IsEmergency,
    bool IsIndependent,
    int Order);

/// <summary>
/// One entry of an organisation's support resources directory: a service people can turn to (the
/// employee assistance programme, HR, a helpline...), who it is for, how to reach it and when. Plain
/// text throughout; published until a coordinator archives it (archived entries are kept, never shown
/// to employees, and can be restored).
/// </summary>
public sealed class SupportResource : IOrganisationOwned
{
    private SupportResource() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public ResourceKind Kind { get; private set; }
    public string Name { get; private set; } = "";
    public string? Description { get; private set; }

    /// <summary>Who the service is for ("Everyone who works here and their families").</summary>
    public string Audience { get; private set; } = "";
    public string? Phone { get; private set; }

    /// <summary>A number to send a text message to (an SMS line such as Shout).</summary>
    public string? TextNumber { get; private set; }
    public string? Email { get; private set; }
    public string? Website { get; private set; }
    public string? Hours { get; private set; }
    public bool AlwaysOpen { get; private set; }

    /// <summary>ISO 3166-1 alpha-2 code of the country it serves; null for every country.</summary>
    public string? Country { get; private set; }
    public string? Languages { get; private set; }

    /// <summary>Shown at once, first, to someone who may be at risk.</summary>
    public bool IsCrisis { get; private set; }

    /// <summary>An emergency number (police, ambulance, fire): always a crisis resource, listed before the others.</summary>
    public bool IsEmergency { get; private set; }

    /// <summary>Confidential and independent of the employer.</summary>
    public bool IsIndependent { get; private set; }
    public int Order { get; private set; }
    public DateTimeOffset? ArchivedAt { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public Guid? UpdatedBy { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public bool IsArchived => ArchivedAt is not null;

    public static SupportResource Create(Guid organisationId, SupportResourceDetails details, Guid? by, DateTimeOffset now)
    {
        var resource = new SupportResource { Id = Guid.CreateVersion7(), OrganisationId = organisationId, CreatedBy = by, CreatedAt = now };
        resource.Update(details, by, now);
        return resource;
    }

    public void Update(SupportResourceDetails details, Guid? by, DateTimeOffset now)
    {
        Kind = details.Kind;
        Name = details.Name;
        Description = details.Description;
        Audience = details.Audience;
        Phone = details.Phone;
        TextNumber = details.TextNumber;
        Email = details.Email;
        Website = details.Website;
        Hours = details.Hours;
        AlwaysOpen = details.AlwaysOpen;
        Country = details.Country;
        Languages = details.Languages;
        IsEmergency = details.IsEmergency;
        IsCrisis = details.IsCrisis || details.IsEmergency;
        IsIndependent = details.IsIndependent;
        Order = details.Order;
        Touch(by, now);
    }

    public SupportResourceDetails Details() =>
        new(Kind, Name, Description, Audience, Phone, TextNumber, Email, Website, Hours, AlwaysOpen, Country, Languages, IsCrisis, IsEmergency, IsIndependent, Order);

    public void Archive(Guid? by, DateTimeOffset now)
    {
        ArchivedAt ??= now;
        Touch(by, now);
    }

    public void Restore(Guid? by, DateTimeOffset now)
    {
        ArchivedAt = null;
        Touch(by, now);
    }

    private void Touch(Guid? by, DateTimeOffset now)
    {
        UpdatedBy = by;
        UpdatedAt = now;
    }
}

public sealed class SupportResourceConfiguration : IEntityTypeConfiguration<SupportResource>
{
    public void Configure(EntityTypeBuilder<SupportResource> builder)
    {
        builder.ToTable("support_resources");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(40);
        builder.Property(r => r.Name).HasMaxLength(SupportResourceRules.NameMaxLength).IsRequired();
        builder.Property(r => r.Description).HasMaxLength(SupportResourceRules.DescriptionMaxLength);
        builder.Property(r => r.Audience).HasMaxLength(SupportResourceRules.AudienceMaxLength).IsRequired();
        builder.Property(r => r.Phone).HasMaxLength(SupportResourceRules.PhoneMaxLength);
        builder.Property(r => r.TextNumber).HasMaxLength(SupportResourceRules.PhoneMaxLength);
        builder.Property(r => r.Email).HasMaxLength(SupportResourceRules.EmailMaxLength);
        builder.Property(r => r.Website).HasMaxLength(SupportResourceRules.WebsiteMaxLength);
        builder.Property(r => r.Hours).HasMaxLength(SupportResourceRules.HoursMaxLength);
        builder.Property(r => r.Country).HasMaxLength(2);
        builder.Property(r => r.Languages).HasMaxLength(SupportResourceRules.LanguagesMaxLength);
        builder.Ignore(r => r.IsArchived);
        builder.HasIndex(r => new { r.OrganisationId, r.Kind });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
