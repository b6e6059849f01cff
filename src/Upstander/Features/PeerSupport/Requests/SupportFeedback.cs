using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Requests;

/// <summary>
/// The requester's answers after a conversation closes: three statements on a 1 (strongly disagree) to 5
/// (strongly agree) scale, and an optional comment sealed with <see cref="CommentPurpose"/> and this row's id.
/// One row per closing (a reopened and closed-again conversation can be answered again). The supporter is kept
/// so that matching can weigh past feedback; the requester is reachable only through the request.
/// </summary>
public sealed class SupportFeedbackRecord : IOrganisationOwned
{
    public const string CommentPurpose = "peer-support.feedback-comment";
    public const int CommentMaxLength = 1000;
    public const int MinAnswer = 1;
    public const int MaxAnswer = 5;

    private SupportFeedbackRecord() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid SupporterId { get; private set; }
    public DateTimeOffset AnsweredAt { get; private set; }

    /// <summary>"I felt heard."</summary>
    public int FeltHeard { get; private set; }

    /// <summary>"It helped me with my next steps."</summary>
    public int NextSteps { get; private set; }

    /// <summary>"I would recommend talking to a peer supporter."</summary>
    public int WouldRecommend { get; private set; }
    public string? CommentSealed { get; private set; }

    /// <summary>The mean of the three answers: the rating matching weighs.</summary>
    public double Rating => (FeltHeard + NextSteps + WouldRecommend) / 3.0;

    public static bool IsAnswer(int value) => value is >= MinAnswer and <= MaxAnswer;

    public static SupportFeedbackRecord Answer(Guid organisationId, Guid requestId, Guid supporterId, int feltHeard, int nextSteps, int wouldRecommend, DateTimeOffset now)
    {
        if (!IsAnswer(feltHeard) || !IsAnswer(nextSteps) || !IsAnswer(wouldRecommend))
        {
            throw new ArgumentOutOfRangeException(nameof(feltHeard), "Each answer is from 1 to 5.");
        }
        return new()
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            RequestId = requestId,
            SupporterId = supporterId,
            AnsweredAt = now,
            FeltHeard = feltHeard,
            NextSteps = nextSteps,
            WouldRecommend = wouldRecommend,
        };
    }

    public void SealComment(string? sealedComment) => CommentSealed = sealedComment;

    /// <summary>Retention: the comment goes with the conversation; the three numbers stay for feedback figures.</summary>
    public void EraseComment() => CommentSealed = null;
}

public sealed class SupportFeedbackRecordConfiguration : IEntityTypeConfiguration<SupportFeedbackRecord>
{
    public void Configure(EntityTypeBuilder<SupportFeedbackRecord> builder)
    {
        builder.ToTable("support_feedback");
        builder.HasKey(f => f.Id);
        builder.HasIndex(f => f.RequestId);
        builder.HasIndex(f => new { f.OrganisationId, f.SupporterId });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(f => f.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SupportRequestRecord>().WithMany().HasForeignKey(f => f.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(f => f.SupporterId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Past requester feedback per supporter, as matching weighs it (count and mean rating, 1 to 5). A coordinator sees the
/// feedback term in a match's summary, and any score difference between two otherwise equal supporters reveals it too,
/// so it is an aggregate over whole groups of the organisation's minimum group size: each supporter's oldest
/// ⌊n / minimum⌋ · minimum ratings. Fewer ratings than the minimum count as none (the neutral prior); a later rating
/// counts only once a whole further group has arrived, so no two values a coordinator can see differ by fewer ratings
/// than the minimum.
/// </summary>
public sealed class SupporterFeedback(AppDbContext db)
{
    public async Task<IReadOnlyDictionary<Guid, FeedbackStats>> StatsAsync(IReadOnlyCollection<Guid> supporterIds, CancellationToken ct)
    {
        var minimum = await Organisations.Organisation.MinimumGroupSizeAsync(db, ct);
        var ratings = await db.Set<SupportFeedbackRecord>()
            .Where(f => supporterIds.Contains(f.SupporterId))
            .Select(f => new { f.SupporterId, f.AnsweredAt, f.Id, Sum = f.FeltHeard + f.NextSteps + f.WouldRecommend })
            .ToListAsync(ct);
        return ratings.GroupBy(f => f.SupporterId)
            .Select(g => (Supporter: g.Key, Counted: Organisations.WholeGroups.Of([.. g.OrderBy(f => f.AnsweredAt).ThenBy(f => f.Id)], minimum)))
            .Where(g => g.Counted.Count > 0)
            .ToDictionary(g => g.Supporter, g => new FeedbackStats(g.Counted.Count, g.Counted.Sum(f => f.Sum) / (3.0 * g.Counted.Count)));
    }
}
