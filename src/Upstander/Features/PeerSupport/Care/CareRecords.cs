using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Care;

/// <summary>
/// A peer supporter's own settings for matching: whether they are available, a pause (no new matches
/// until a date), their caseload cap, the languages they support in and the experience they chose to
/// share. One per person. Without one, a supporter is not available.
/// </summary>
public sealed class SupporterSettings : IOrganisationOwned
{
    public const int MinCap = 1;
    public const int MaxCap = 10;
    public const int DefaultCap = 3;
    public const int MaxLanguages = 10;

    private SupporterSettings() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public bool Available { get; private set; }

    /// <summary>No new matches until this day (inclusive); null when not paused.</summary>
    public DateOnly? PausedUntil { get; private set; }
    public int Cap { get; private set; } = DefaultCap;

    /// <summary>ISO 639-1 codes, comma-separated ("en,pl").</summary>
    public string Languages { get; private set; } = "";

    /// <summary><see cref="ExperienceTags"/> keys, comma-separated.</summary>
    public string Tags { get; private set; } = "";
    public DateTimeOffset UpdatedAt { get; private set; }

    public static SupporterSettings For(Guid organisationId, Guid personId) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
    };

    public IReadOnlyList<string> LanguageList => Split(Languages);
    public IReadOnlyList<string> TagList => Split(Tags);

    public bool IsPaused(DateOnly today) => PausedUntil is { } until && until >= today;

    /// <summary>Applies already-validated values (see <see cref="SupporterCare.ValidateSettings"/>).</summary>
    public void Apply(bool available, DateOnly? pausedUntil, int cap, IEnumerable<string> languages, IEnumerable<string> tags, DateTimeOffset now)
    {
        Available = available;
        PausedUntil = pausedUntil;
        Cap = cap;
        Languages = string.Join(',', languages);
        Tags = string.Join(',', tags);
        UpdatedAt = now;
    }

    public void Resume(DateTimeOffset now)
    {
        PausedUntil = null;
        UpdatedAt = now;
    }

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The experience a supporter may choose to share, used only as a matching signal and never shown to requesters by name.</summary>
public static class ExperienceTags
{
    public static readonly IReadOnlyList<(string Key, string Label)> All =
    [
        ("experienced-bullying", "I have experienced bullying myself"),
        ("caring-responsibilities", "Caring responsibilities"),
        ("lgbtq", "LGBTQ+"),
        ("disability", "Disability or long-term health condition"),
        ("racism", "Racism"),
        ("new-to-organisation", "New to the organisation"),
        ("nights-or-shifts", "Working nights or shifts"),
    ];

    public static bool IsKnown(string key) => All.Any(t => t.Key == key);
}

/// <summary>How a supporter feels after a session: the one-tap check-in.</summary>
public static class CheckInFeeling
{
    public const string Fine = "fine";
    public const string Drained = "drained";
    public const string Shaken = "shaken";
    public const string NeedToTalk = "need-to-talk";
    public const int MaxLength = 20;

    public static readonly IReadOnlyList<(string Key, string Label)> All =
    [
        (Fine, "I'm fine"),
        (Drained, "A bit drained"),
        (Shaken, "Shaken"),
        (NeedToTalk, "I need to talk to someone"),
    ];

    public static bool IsKnown(string? key) => All.Any(f => f.Key == key);
}

/// <summary>One check-in after a session. Never shown individually to coordinators: only counted in aggregate.</summary>
public sealed class SupporterCheckIn : IOrganisationOwned
{
    private SupporterCheckIn() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }

    /// <summary>The conversation the check-in follows, when it was offered after one.</summary>
    public Guid? ConversationId { get; private set; }
    public string Feeling { get; private set; } = "";
    public DateTimeOffset At { get; private set; }

    public static SupporterCheckIn Record(Guid organisationId, Guid personId, Guid? conversationId, string feeling, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        ConversationId = conversationId,
        Feeling = feeling,
        At = now,
    };
}

public static class DebriefUrgency
{
    public const string Today = "today";
    public const string ThisWeek = "this-week";
    public const int MaxLength = 20;

    public static bool IsKnown(string? value) => value is Today or ThisWeek;
}

public static class DebriefStatus
{
    public const string Open = "open";
    public const string Arranged = "arranged";
    public const string Done = "done";
    public const int MaxLength = 20;
}

/// <summary>
/// A supporter asks a coordinator for a debrief. The one individual well-being signal coordinators see:
/// who, when and how soon; the optional note is sealed and every coordinator read is audited.
/// </summary>
public sealed class DebriefRequest : IOrganisationOwned
{
    public const string NotePurpose = "peer-support.debrief-note";
    public const int NoteMaxLength = 1000;

    private DebriefRequest() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }
    public string Urgency { get; private set; } = DebriefUrgency.ThisWeek;

    /// <summary>The supporter's note, sealed with <see cref="NotePurpose"/> and this row's id; null when none.</summary>
    public string? NoteSealed { get; private set; }
    public string Status { get; private set; } = DebriefStatus.Open;
    public DateTimeOffset? HandledAt { get; private set; }
    public Guid? HandledByPersonId { get; private set; }

    public static DebriefRequest Open(Guid organisationId, Guid personId, string urgency, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        Urgency = urgency,
        RequestedAt = now,
    };

    public void SealNote(string? sealedNote) => NoteSealed = sealedNote;

    public void Mark(string status, Guid coordinatorPersonId, DateTimeOffset now)
    {
        Status = status;
        HandledByPersonId = coordinatorPersonId;
        HandledAt = now;
    }
}

/// <summary>
/// One completed ProQOL 5. Only the three subscale sums are kept: the item answers are used to score and
/// then discarded, so the most sensitive detail never reaches the database.
/// </summary>
public sealed class ProqolResponse : IOrganisationOwned
{
    private ProqolResponse() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTimeOffset CompletedAt { get; private set; }
    public int CompassionSatisfaction { get; private set; }
    public int Burnout { get; private set; }
    public int SecondaryTraumaticStress { get; private set; }

    public ProqolScores Scores => new(CompassionSatisfaction, Burnout, SecondaryTraumaticStress);

    public static ProqolResponse Record(Guid organisationId, Guid personId, ProqolScores scores, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        CompletedAt = now,
        CompassionSatisfaction = scores.CompassionSatisfaction,
        Burnout = scores.Burnout,
        SecondaryTraumaticStress = scores.SecondaryTraumaticStress,
    };
}

public sealed class SupporterSettingsConfiguration : IEntityTypeConfiguration<SupporterSettings>
{
    public void Configure(EntityTypeBuilder<SupporterSettings> builder)
    {
        builder.ToTable("supporter_settings");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Languages).HasMaxLength(100);
        builder.Property(s => s.Tags).HasMaxLength(300);
        builder.HasIndex(s => new { s.OrganisationId, s.PersonId }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(s => s.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SupporterCheckInConfiguration : IEntityTypeConfiguration<SupporterCheckIn>
{
    public void Configure(EntityTypeBuilder<SupporterCheckIn> builder)
    {
        builder.ToTable("supporter_check_ins");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Feeling).HasMaxLength(CheckInFeeling.MaxLength);
        builder.HasIndex(c => new { c.OrganisationId, c.At });
        builder.HasIndex(c => c.PersonId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class DebriefRequestConfiguration : IEntityTypeConfiguration<DebriefRequest>
{
    public void Configure(EntityTypeBuilder<DebriefRequest> builder)
    {
        builder.ToTable("supporter_debrief_requests");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Urgency).HasMaxLength(DebriefUrgency.MaxLength);
        builder.Property(d => d.Status).HasMaxLength(DebriefStatus.MaxLength);
        builder.HasIndex(d => new { d.OrganisationId, d.Status });
        builder.HasIndex(d => d.PersonId);
        builder.HasIndex(d => d.HandledByPersonId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(d => d.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(d => d.HandledByPersonId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class ProqolResponseConfiguration : IEntityTypeConfiguration<ProqolResponse>
{
    public void Configure(EntityTypeBuilder<ProqolResponse> builder)
    {
        builder.ToTable("supporter_proqol_responses");
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.OrganisationId, r.CompletedAt });
        builder.HasIndex(r => new { r.OrganisationId, r.PersonId });
        builder.HasIndex(r => r.PersonId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
