using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>
/// A learner's reaction to one module of the course version they took: three 1-5 ratings and an
/// optional comment, sealed (it is about the training, but may mention people). One per learner per
/// module; it can be changed until the course is complete, then it stays as it was. A change keeps the
/// answer a completed quarter counts (<see cref="AnswerHistory"/>), so the training evaluation never moves with it.
/// </summary>
public sealed class ModuleReaction : IOrganisationOwned
{
    public const int MinRating = 1;
    public const int MaxRating = 5;
    public const int CommentMaxLength = 2000;
    public const string CommentPurpose = "training.reaction-comment";

    private ModuleReaction() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid CourseProgressId { get; private set; }
    public string ModuleKey { get; private set; } = "";
    public int Useful { get; private set; }
    public int Relevant { get; private set; }
    public int Clear { get; private set; }

    /// <summary>Sealed by the field protector (purpose <see cref="CommentPurpose"/>, this row's id); never plaintext.</summary>
    public string? CommentSealed { get; private set; }
    public DateTimeOffset AnsweredAt { get; private set; }

    /// <summary>
    /// The answer as it stood at the end of the last completed quarter, kept while the current one was given after that
    /// (<see cref="AnswerHistory"/>); null when there is none to keep. The comment is sealed as <see cref="CommentSealed"/> is.
    /// </summary>
    public int? EarlierUseful { get; private set; }
    public int? EarlierRelevant { get; private set; }
    public int? EarlierClear { get; private set; }
    public string? EarlierCommentSealed { get; private set; }
    public DateTimeOffset? EarlierAnsweredAt { get; private set; }

    public static ModuleReaction Begin(CourseProgress progress, CourseModule module) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = progress.OrganisationId,
        CourseProgressId = progress.Id,
        ModuleKey = module.Key,
    };

    public static bool IsRating(int value) => value is >= MinRating and <= MaxRating;

    /// <summary>
    /// Gives or changes the answer. <paramref name="quarterStarted"/> is the start of the quarter in progress: an answer
    /// given before it is kept (the Earlier values) when changed now.
    /// </summary>
    public void Answer(int useful, int relevant, int clear, string? commentSealed, DateTimeOffset now, DateTimeOffset quarterStarted)
    {
        if (!IsRating(useful) || !IsRating(relevant) || !IsRating(clear))
        {
            throw new ArgumentOutOfRangeException(nameof(useful), "Ratings are from 1 to 5.");
        }
        if (AnswerHistory.KeepsCurrent(AnsweredAt, quarterStarted))
        {
            (EarlierUseful, EarlierRelevant, EarlierClear, EarlierCommentSealed, EarlierAnsweredAt) = (Useful, Relevant, Clear, CommentSealed, AnsweredAt);
        }
        (Useful, Relevant, Clear, CommentSealed, AnsweredAt) = (useful, relevant, clear, commentSealed, now);
    }

    /// <summary>The answer as it stood just before <paramref name="until"/>; null if none had been given by then.</summary>
    public ReactionAnswer? Before(DateTimeOffset until) => AnswerHistory.Before(until,
        AnsweredAt, () => new ReactionAnswer(Useful, Relevant, Clear, CommentSealed, AnsweredAt),
        EarlierAnsweredAt, () => new ReactionAnswer(EarlierUseful!.Value, EarlierRelevant!.Value, EarlierClear!.Value, EarlierCommentSealed, EarlierAnsweredAt!.Value));
}

/// <summary>One version of a reaction: its ratings, its sealed comment (bound to the reaction's id) and when it was given.</summary>
public sealed record ReactionAnswer(int Useful, int Relevant, int Clear, string? CommentSealed, DateTimeOffset AnsweredAt);

public sealed class ModuleReactionConfiguration : IEntityTypeConfiguration<ModuleReaction>
{
    public void Configure(EntityTypeBuilder<ModuleReaction> builder)
    {
        builder.ToTable("training_reactions");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.ModuleKey).HasMaxLength(CheckAttempt.ModuleKeyMaxLength).IsRequired();
        builder.HasIndex(r => new { r.CourseProgressId, r.ModuleKey }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CourseProgress>().WithMany().HasForeignKey(r => r.CourseProgressId).OnDelete(DeleteBehavior.Cascade);
    }
}
