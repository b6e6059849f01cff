using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>
/// A reaction's comment as released to the coordinators' comments page (<see cref="TrainingEvaluationData"/>): it stays
/// released while the reaction counts that same comment, and nothing released is ever taken back, so a comment changed
/// after it was shown never makes room for one that waits. Holds no content: the comment is known by a fingerprint of
/// its sealed value (which a learner who keeps their words while changing their ratings keeps too), so a changed comment
/// is a new one and waits for a whole group of its own.
/// </summary>
public sealed class CommentRelease : IOrganisationOwned
{
    public const int FingerprintLength = 64;

    private CommentRelease() { }

    public Guid ReactionId { get; private set; }
    public Guid OrganisationId { get; private set; }

    /// <summary>SHA-256 of the sealed comment released, in hex.</summary>
    public string Fingerprint { get; private set; } = "";

    public static CommentRelease Of(Guid organisationId, Guid reactionId) => new() { OrganisationId = organisationId, ReactionId = reactionId };

    /// <summary>Whether <paramref name="sealedComment"/> is the comment released.</summary>
    public bool Holds(string sealedComment) => Fingerprint == CourseVersion.Hash(sealedComment);

    public void Release(string sealedComment) => Fingerprint = CourseVersion.Hash(sealedComment);
}

/// <summary>
/// An organisation that showed comments before their releases were kept (migration 0032): its next reading of the
/// evaluation keeps what it showed, the first whole groups of its minimum group size, released before anything else.
/// </summary>
public sealed class CommentBaseline : IOrganisationOwned
{
    private CommentBaseline() { }

    public Guid OrganisationId { get; private set; }
}

public sealed class CommentReleaseConfiguration : IEntityTypeConfiguration<CommentRelease>
{
    public void Configure(EntityTypeBuilder<CommentRelease> builder)
    {
        builder.ToTable("training_comment_releases");
        builder.HasKey(r => r.ReactionId);
        builder.Property(r => r.Fingerprint).HasMaxLength(CommentRelease.FingerprintLength).IsRequired();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ModuleReaction>().WithMany().HasForeignKey(r => r.ReactionId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CommentBaselineConfiguration : IEntityTypeConfiguration<CommentBaseline>
{
    public void Configure(EntityTypeBuilder<CommentBaseline> builder)
    {
        builder.ToTable("training_comment_baselines");
        builder.HasKey(b => b.OrganisationId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(b => b.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
