using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>What raised a safety concern in a conversation (stored by key).</summary>
public static class ConcernSource
{
    /// <summary>The safety screen's text check found risk in a message the requester sent.</summary>
    public const string Message = "message";

    /// <summary>The safety screen's text check found risk in the comment the requester left with their feedback.</summary>
    public const string Feedback = "feedback";

    /// <summary>The supporter raised it: they are worried about the person's safety.</summary>
    public const string Supporter = "supporter";

    public static bool IsKnown(string? key) => key is Message or Feedback or Supporter;
}

/// <summary>Who recorded that someone followed a concern up (stored by key).</summary>
public static class ConcernFollowedUpBy
{
    public const string Supporter = "supporter";
    public const string Coordinator = "coordinator";
}

/// <summary>
/// A sign, during a conversation, that the person who asked for support may be at risk: a message or feedback comment
/// in which the safety screen found risk, or the supporter's own worry. It holds when, how strongly, what kind and what
/// raised it, never the words. While it is open (nobody has recorded following it up), the requester sees crisis
/// resources at the top of the conversation, the supporter sees the safety steps, and coordinators are alerted.
/// Further signs while it is open add to it (the level only ever rises) rather than opening another: at most one open
/// concern per conversation, which a filtered unique index enforces.
/// </summary>
public sealed class SafetyConcern : IOrganisationOwned
{
    private SafetyConcern() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }

    /// <summary>The conversation (the request's id).</summary>
    public Guid RequestId { get; private set; }
    public DateTimeOffset RaisedAt { get; private set; }

    /// <summary>A <see cref="ConcernSource"/> key: what first raised it.</summary>
    public string Source { get; private set; } = "";

    /// <summary>The highest level seen while it was open.</summary>
    public RiskLevel Level { get; private set; }

    /// <summary>The screen's categories by content-file name, comma-separated (empty when the supporter raised it).</summary>
    public string Categories { get; private set; } = "";

    /// <summary>How many signs it gathered while open (the first included).</summary>
    public int Signs { get; private set; }
    public DateTimeOffset LastSignAt { get; private set; }
    public DateTimeOffset? FollowedUpAt { get; private set; }

    /// <summary>A <see cref="ConcernFollowedUpBy"/> key once followed up.</summary>
    public string? FollowedUpBy { get; private set; }

    public bool IsOpen => FollowedUpAt is null;

    public IReadOnlyList<RiskCategory> CategoryList => RiskCategories.Parse(Categories);

    public static SafetyConcern Raise(SupportRequestRecord request, string source, RiskLevel level, IEnumerable<RiskCategory> categories, DateTimeOffset now)
    {
        if (!ConcernSource.IsKnown(source))
        {
            throw new ArgumentException($"\"{source}\" is not what raises a concern.", nameof(source));
        }
        if (level == RiskLevel.None)
        {
            throw new ArgumentException("A concern needs a level of risk.", nameof(level));
        }
        return new SafetyConcern
        {
            Id = Guid.NewGuid(),
            OrganisationId = request.OrganisationId,
            RequestId = request.Id,
            RaisedAt = now,
            Source = source,
            Level = level,
            Categories = RiskCategories.Merge("", categories),
            Signs = 1,
            LastSignAt = now,
        };
    }

    /// <summary>Another sign while open: the level rises (never falls) and the categories gather.</summary>
    public void AddSign(RiskLevel level, IEnumerable<RiskCategory> categories, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new InvalidOperationException("A concern that was followed up takes no more signs; a new one opens.");
        }
        Level = level > Level ? level : Level;
        Categories = RiskCategories.Merge(Categories, categories);
        Signs++;
        LastSignAt = now;
    }

    public void FollowUp(string by, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new InvalidOperationException("This concern was already followed up.");
        }
        if (by is not (ConcernFollowedUpBy.Supporter or ConcernFollowedUpBy.Coordinator))
        {
            throw new ArgumentException($"\"{by}\" is not who follows a concern up.", nameof(by));
        }
        FollowedUpAt = now;
        FollowedUpBy = by;
    }
}

public sealed class SafetyConcernConfiguration : IEntityTypeConfiguration<SafetyConcern>
{
    public void Configure(EntityTypeBuilder<SafetyConcern> builder)
    {
        builder.ToTable("support_safety_concerns");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Source).HasMaxLength(20);
        builder.Property(c => c.Categories).HasMaxLength(100);
        builder.Property(c => c.FollowedUpBy).HasMaxLength(20);
        builder.HasIndex(c => c.RequestId).IsUnique().HasFilter("\"FollowedUpAt\" IS NULL").HasDatabaseName("IX_support_safety_concerns_RequestId_Open");
        builder.HasIndex(c => new { c.OrganisationId, c.FollowedUpAt });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SupportRequestRecord>().WithMany().HasForeignKey(c => c.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>English labels (localization keys) for what a concern may be about.</summary>
public static class SafetyConcernLabels
{
    public static string Category(RiskCategory category) => category switch
    {
        RiskCategory.SelfHarm => "thoughts of harming themselves",
        RiskCategory.HarmFromOthers => "being harmed or threatened by someone",
        RiskCategory.HarmToOthers => "thoughts of harming someone else",
        RiskCategory.ImmediateDanger => "danger right now",
        _ => category.ToString(),
    };

    public static string Level(RiskLevel level) => level == RiskLevel.High ? "Signs of risk" : "Possible signs of risk";

    public static string Source(string source) => source switch
    {
        ConcernSource.Message => "A message they wrote",
        ConcernSource.Feedback => "Their feedback comment",
        ConcernSource.Supporter => "Their supporter",
        _ => source,
    };
}
