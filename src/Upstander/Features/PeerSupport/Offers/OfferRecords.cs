using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Offers;

/// <summary>What became of an offer. Stored by name; only <see cref="Pending"/> awaits the supporter's answer.</summary>
public enum OfferOutcome
{
    Pending,
    Accepted,
    Declined,
    Expired,
    Withdrawn,
    Reassigned,
}

/// <summary>How an offer was made (stored by key).</summary>
public static class OfferHow
{
    public const string RequesterChose = "requester-chose";
    public const string Automatic = "automatic";
    public const string Coordinator = "coordinator";
    public const int MaxLength = 20;
}

/// <summary>Why a supporter declined: a fixed key and its English label (localization key). No free text.</summary>
public static class DeclineReasons
{
    public static readonly IReadOnlyList<(string Key, string Label)> All =
    [
        ("no-capacity", "I do not have the time or energy right now"),
        ("conflict", "I may know this person or be too close to the situation"),
        ("not-a-fit", "Someone else would be a better fit"),
        ("other", "Another reason"),
    ];

    public const int MaxLength = 20;

    public static bool IsKnown(string? key) => All.Any(r => r.Key == key);
}

/// <summary>
/// A coordinator's matching settings for the organisation: one row per organisation (absent means
/// <see cref="MatchingOptions.Default"/> and the default answer times). Weights are 0 to 100.
/// </summary>
public sealed class MatchingSettings : IOrganisationOwned
{
    public const int DefaultOfferHours = 24;
    public const int DefaultUrgentOfferHours = 2;
    public const int MaxOfferHours = 168;

    private MatchingSettings() { }

    public Guid OrganisationId { get; private set; }
    public double OutsideDepartmentWeight { get; private set; }
    public double SharedExperienceWeight { get; private set; }
    public double LoadBalanceWeight { get; private set; }
    public double FeedbackWeight { get; private set; }
    public MatchingMode Mode { get; private set; }

    /// <summary>How long a supporter has to accept or decline an offer.</summary>
    public int OfferHours { get; private set; } = DefaultOfferHours;

    /// <summary>The same for urgent and raised requests (shorter, so nobody at risk waits on one person).</summary>
    public int UrgentOfferHours { get; private set; } = DefaultUrgentOfferHours;
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>The settings an organisation has before a coordinator changes anything.</summary>
    public static MatchingSettings Defaults(Guid organisationId) => new()
    {
        OrganisationId = organisationId,
        OutsideDepartmentWeight = MatchingOptions.Default.OutsideDepartmentWeight,
        SharedExperienceWeight = MatchingOptions.Default.SharedExperienceWeight,
        LoadBalanceWeight = MatchingOptions.Default.LoadBalanceWeight,
        FeedbackWeight = MatchingOptions.Default.FeedbackWeight,
        Mode = MatchingOptions.Default.Mode,
    };

    public MatchingOptions Options => MatchingOptions.Default with
    {
        OutsideDepartmentWeight = OutsideDepartmentWeight,
        SharedExperienceWeight = SharedExperienceWeight,
        LoadBalanceWeight = LoadBalanceWeight,
        FeedbackWeight = FeedbackWeight,
        Mode = Mode,
    };

    public void Apply(MatchingOptions options, int offerHours, int urgentOfferHours, DateTimeOffset now)
    {
        options.Validate();
        if (offerHours is < 1 or > MaxOfferHours || urgentOfferHours < 1 || urgentOfferHours > offerHours)
        {
            throw new ArgumentOutOfRangeException(nameof(offerHours), "Answer times are 1 to 168 hours, the urgent one no longer than the other.");
        }
        (OutsideDepartmentWeight, SharedExperienceWeight, LoadBalanceWeight, FeedbackWeight, Mode) =
            (options.OutsideDepartmentWeight, options.SharedExperienceWeight, options.LoadBalanceWeight, options.FeedbackWeight, options.Mode);
        (OfferHours, UrgentOfferHours, UpdatedAt) = (offerHours, urgentOfferHours, now);
    }

    /// <summary>How long the supporter has to answer: the shorter time for raised and urgent requests.</summary>
    public TimeSpan AnswerTime(bool urgent) => TimeSpan.FromHours(urgent ? UrgentOfferHours : OfferHours);
}

/// <summary>
/// One offer of a request to one supporter: when, until when they may answer, and what became of it. The
/// explanation texts are the engine's (the coordinator's one-line summary names the supporter; the requester's
/// never does). A request has at most one pending offer (a filtered unique index holds it).
/// </summary>
public sealed class SupportOffer : IOrganisationOwned
{
    public const int SummaryMaxLength = 600;

    private SupportOffer() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid SupporterId { get; private set; }
    public DateTimeOffset OfferedAt { get; private set; }
    public DateTimeOffset AnswerBy { get; private set; }

    /// <summary>When the outcome stopped being pending (the supporter's answer, the expiry, a withdrawal or reassignment).</summary>
    public DateTimeOffset? AnsweredAt { get; private set; }
    public OfferOutcome Outcome { get; private set; } = OfferOutcome.Pending;

    /// <summary>An <see cref="OfferHow"/> key.</summary>
    public string How { get; private set; } = "";
    public string CoordinatorSummary { get; private set; } = "";
    public string RequesterText { get; private set; } = "";

    /// <summary>A <see cref="DeclineReasons"/> key, only when declined with a reason.</summary>
    public string? DeclineReason { get; private set; }

    /// <summary>Whether the supporter took it on (accepted, possibly reassigned since).</summary>
    public bool WasAccepted { get; private set; }

    public static SupportOffer Make(SupportRequestRecord request, Guid supporterId, string how, MatchExplanation? explanation, DateTimeOffset now, TimeSpan answerTime) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = request.OrganisationId,
        RequestId = request.Id,
        SupporterId = supporterId,
        OfferedAt = now,
        AnswerBy = now + answerTime,
        How = how,
        CoordinatorSummary = Cut(explanation?.CoordinatorSummary),
        RequesterText = Cut(explanation?.ForRequester.Text),
    };

    public void Accept(DateTimeOffset now) => Resolve(OfferOutcome.Accepted, now, accepted: true);

    public void Decline(string? reason, DateTimeOffset now)
    {
        Resolve(OfferOutcome.Declined, now);
        DeclineReason = reason;
    }

    public void Expire(DateTimeOffset now) => Resolve(OfferOutcome.Expired, now);

    public void Withdraw(DateTimeOffset now) => Resolve(OfferOutcome.Withdrawn, now);

    /// <summary>A coordinator moved the request to someone else: a pending or an accepted offer ends here.</summary>
    public void Reassign(DateTimeOffset now)
    {
        if (Outcome is not (OfferOutcome.Pending or OfferOutcome.Accepted))
        {
            throw new InvalidOperationException($"An offer that is {Outcome} cannot be reassigned.");
        }
        Outcome = OfferOutcome.Reassigned;
        AnsweredAt ??= now;
    }

    private void Resolve(OfferOutcome outcome, DateTimeOffset now, bool accepted = false)
    {
        if (Outcome != OfferOutcome.Pending)
        {
            throw new InvalidOperationException($"An offer that is {Outcome} has been answered already.");
        }
        Outcome = outcome;
        AnsweredAt = now;
        WasAccepted = accepted;
    }

    private static string Cut(string? text) => text is null ? "" : text.Length <= SummaryMaxLength ? text : text[..SummaryMaxLength];
}

/// <summary>A person who never wants <see cref="BlockedPersonId"/> as their supporter. Nobody else sees it.</summary>
public sealed class SupporterBlock : IOrganisationOwned
{
    public const int MaxPerPerson = 50;

    private SupporterBlock() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RequesterId { get; private set; }
    public Guid BlockedPersonId { get; private set; }
    public DateTimeOffset BlockedAt { get; private set; }

    public static SupporterBlock Make(Guid organisationId, Guid requesterId, Guid blockedPersonId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        RequesterId = requesterId,
        BlockedPersonId = blockedPersonId,
        BlockedAt = now,
    };
}

public sealed class MatchingSettingsConfiguration : IEntityTypeConfiguration<MatchingSettings>
{
    public void Configure(EntityTypeBuilder<MatchingSettings> builder)
    {
        builder.ToTable("support_matching_settings");
        builder.HasKey(s => s.OrganisationId);
        builder.Property(s => s.Mode).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<Organisations.Organisation>().WithOne().HasForeignKey<MatchingSettings>(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SupportOfferConfiguration : IEntityTypeConfiguration<SupportOffer>
{
    public void Configure(EntityTypeBuilder<SupportOffer> builder)
    {
        builder.ToTable("support_offers");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(o => o.How).HasMaxLength(OfferHow.MaxLength);
        builder.Property(o => o.CoordinatorSummary).HasMaxLength(SupportOffer.SummaryMaxLength);
        builder.Property(o => o.RequesterText).HasMaxLength(SupportOffer.SummaryMaxLength);
        builder.Property(o => o.DeclineReason).HasMaxLength(DeclineReasons.MaxLength);
        builder.HasIndex(o => o.RequestId).IsUnique().HasFilter("\"Outcome\" = 'Pending'").HasDatabaseName("IX_support_offers_RequestId_Pending");
        builder.HasIndex(o => new { o.OrganisationId, o.Outcome, o.AnswerBy });
        builder.HasIndex(o => new { o.SupporterId, o.Outcome });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(o => o.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SupportRequestRecord>().WithMany().HasForeignKey(o => o.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(o => o.SupporterId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SupporterBlockConfiguration : IEntityTypeConfiguration<SupporterBlock>
{
    public void Configure(EntityTypeBuilder<SupporterBlock> builder)
    {
        builder.ToTable("supporter_blocks");
        builder.HasKey(b => b.Id);
        builder.HasIndex(b => new { b.RequesterId, b.BlockedPersonId }).IsUnique();
        builder.HasIndex(b => b.BlockedPersonId);
        builder.HasIndex(b => b.OrganisationId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(b => b.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(b => b.RequesterId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(b => b.BlockedPersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
