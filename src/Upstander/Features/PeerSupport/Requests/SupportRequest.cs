using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>
/// Where a request stands. Stored by name, so later states (offered, matched, closed) are added
/// without a schema change.
/// </summary>
public enum RequestStatus
{
    /// <summary>Waiting for a supporter.</summary>
    Waiting,

    /// <summary>The requester withdrew it: never matched.</summary>
    Withdrawn,
}

/// <summary>The fixed choices of the "talk to someone" form: key (stored) and English label (localization key).</summary>
public static class RequestChoices
{
    public static readonly IReadOnlyList<(string Key, string Label)> Topics =
    [
        ("experiencing", "I am experiencing bullying"),
        ("witnessing", "I have seen someone else being bullied"),
        ("conflict", "A conflict at work"),
        ("unsafe", "I feel unsafe"),
        ("other", "Something else"),
    ];

    public static readonly IReadOnlyList<(string Key, string Label)> Timings =
    [
        ("today", "Today, if possible"),
        ("this-week", "This week"),
        ("no-rush", "There is no rush"),
    ];

    public static readonly IReadOnlyList<(string Key, string Label)> Channels =
    [
        ("messages", "Messages in Upstander"),
        ("call", "A call"),
        ("in-person", "In person"),
    ];

    /// <summary>Languages offered in the form (ISO 639-1, English name = localization key). Any two-letter code is accepted.</summary>
    public static readonly IReadOnlyList<(string Key, string Label)> Languages =
    [
        ("en", "English"), ("cy", "Welsh"), ("pl", "Polish"), ("es", "Spanish"), ("fr", "French"), ("de", "German"),
        ("pt", "Portuguese"), ("it", "Italian"), ("ro", "Romanian"), ("ar", "Arabic"), ("ur", "Urdu"), ("pa", "Punjabi"),
    ];

    public const int KeyMaxLength = 20;

    public static bool IsKnown(IReadOnlyList<(string Key, string Label)> choices, string? key) => choices.Any(c => c.Key == key);

    public static string Label(IReadOnlyList<(string Key, string Label)> choices, string key) =>
        choices.FirstOrDefault(c => c.Key == key).Label ?? key;
}

/// <summary>
/// A person's request to talk to a peer supporter. What they wrote is sealed; the safety screen's level
/// and categories (never the text) decide where it goes in the queue and whether coordinators are alerted.
/// </summary>
public sealed class SupportRequestRecord : IOrganisationOwned
{
    public const string DetailsPurpose = "peer-support.request-details";
    public const int DetailsMaxLength = 2000;

    private SupportRequestRecord() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public string Topic { get; private set; } = "";
    public string Timing { get; private set; } = "";
    public string Channel { get; private set; } = "";
    public bool OutsideDepartment { get; private set; }

    /// <summary>ISO 639-1 code, or null when any language will do.</summary>
    public string? Language { get; private set; }

    /// <summary><see cref="Care.ExperienceTags"/> keys, comma-separated.</summary>
    public string Tags { get; private set; } = "";

    /// <summary>Whether the supporter (and coordinators) may see the requester's name; otherwise only <see cref="Pseudonym"/>.</summary>
    public bool ShowName { get; private set; }

    /// <summary>
    /// The people the requester named as the source of harm (person ids, "N" format, comma-separated). Used only
    /// to keep them and their management chains away from the request; never shown to anyone but the requester.
    /// </summary>
    public string NamedPeople { get; private set; } = "";
    public string Pseudonym { get; private set; } = "";

    /// <summary>The requester's own words, sealed with <see cref="DetailsPurpose"/> and this row's id; null when none.</summary>
    public string? DetailsSealed { get; private set; }
    public RiskLevel RiskLevel { get; private set; }
    public QueuePriority Priority { get; private set; }

    /// <summary>The screen's categories by content-file name, comma-separated (never the text).</summary>
    public string RiskCategories { get; private set; } = "";
    public RequestStatus Status { get; private set; } = RequestStatus.Waiting;
    public DateTimeOffset? WithdrawnAt { get; private set; }

    public IReadOnlyList<string> TagList => Tags.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<Guid> NamedPeopleIds => [.. NamedPeople.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)];

    /// <summary>Crisis resources were shown and coordinators alerted.</summary>
    public bool RiskShown => RiskLevel >= RiskLevel.Possible;

    public static SupportRequestRecord Open(Guid organisationId, Guid personId, ValidRequest request, SafetyScreenResult screen, string pseudonym, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        CreatedAt = now,
        Topic = request.Topic,
        Timing = request.Timing,
        Channel = request.Channel,
        OutsideDepartment = request.OutsideDepartment,
        Language = request.Language,
        Tags = string.Join(',', request.Tags),
        ShowName = request.ShowName,
        NamedPeople = string.Join(',', request.Named.Select(id => id.ToString("N"))),
        Pseudonym = pseudonym,
        RiskLevel = screen.Level,
        Priority = screen.Priority,
        RiskCategories = string.Join(',', screen.Categories.Select(Safety.RiskCategories.NameOf)),
    };

    public void SealDetails(string? sealedDetails) => DetailsSealed = sealedDetails;

    public void Withdraw(DateTimeOffset now)
    {
        Status = RequestStatus.Withdrawn;
        WithdrawnAt = now;
    }
}

public sealed class SupportRequestRecordConfiguration : IEntityTypeConfiguration<SupportRequestRecord>
{
    public void Configure(EntityTypeBuilder<SupportRequestRecord> builder)
    {
        builder.ToTable("support_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Topic).HasMaxLength(RequestChoices.KeyMaxLength);
        builder.Property(r => r.Timing).HasMaxLength(RequestChoices.KeyMaxLength);
        builder.Property(r => r.Channel).HasMaxLength(RequestChoices.KeyMaxLength);
        builder.Property(r => r.Language).HasMaxLength(10);
        builder.Property(r => r.Tags).HasMaxLength(300);
        builder.Property(r => r.NamedPeople).HasMaxLength(200);
        builder.Property(r => r.Pseudonym).HasMaxLength(60);
        builder.Property(r => r.RiskCategories).HasMaxLength(100);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => new { r.OrganisationId, r.Status, r.Priority });
        builder.HasIndex(r => r.PersonId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
