using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

public static class SelfAssessmentPhase
{
    public const string Before = "before";
    public const string After = "after";

    public static bool IsKnown(string? phase) => phase is Before or After;
}

/// <summary>
/// A learner's self-assessment before or after a course: a rating for every item of the course
/// version they took. Only the learner sees it; coordinators see only suppressed aggregates. Answering
/// again keeps the answer a completed quarter counts (<see cref="AnswerHistory"/>).
/// </summary>
public sealed class SelfAssessmentResponse : IOrganisationOwned
{
    public const int PhaseMaxLength = 10;

    private SelfAssessmentResponse() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid CourseProgressId { get; private set; }
    public string Phase { get; private set; } = "";

    /// <summary>Item id to rating, as JSON.</summary>
    public string Ratings { get; private set; } = "{}";
    public DateTimeOffset AnsweredAt { get; private set; }

    /// <summary>
    /// The ratings as they stood at the end of the last completed quarter, kept while the current ones were given after
    /// that (<see cref="AnswerHistory"/>); null when there are none to keep.
    /// </summary>
    public string? EarlierRatings { get; private set; }
    public DateTimeOffset? EarlierAnsweredAt { get; private set; }

    public static SelfAssessmentResponse Begin(CourseProgress progress, string phase) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = progress.OrganisationId,
        CourseProgressId = progress.Id,
        Phase = SelfAssessmentPhase.IsKnown(phase) ? phase : throw new ArgumentOutOfRangeException(nameof(phase)),
    };

    public IReadOnlyDictionary<string, int> Answers => Parse(Ratings);

    /// <summary>The ratings as they stood just before <paramref name="until"/>; null if none had been given by then.</summary>
    public IReadOnlyDictionary<string, int>? AnswersBefore(DateTimeOffset until) =>
        AnswerHistory.Before(until, AnsweredAt, () => Ratings, EarlierAnsweredAt, () => EarlierRatings!) is { } ratings ? Parse(ratings) : null;

    /// <summary>
    /// Gives the ratings or replaces them. <paramref name="quarterStarted"/> is the start of the quarter in progress: ratings
    /// given before it are kept (<see cref="EarlierRatings"/>) when replaced now.
    /// </summary>
    public void Answer(IReadOnlyDictionary<string, int> ratings, DateTimeOffset now, DateTimeOffset quarterStarted)
    {
        if (AnswerHistory.KeepsCurrent(AnsweredAt, quarterStarted))
        {
            (EarlierRatings, EarlierAnsweredAt) = (Ratings, AnsweredAt);
        }
        Ratings = JsonSerializer.Serialize(ratings.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Value));
        AnsweredAt = now;
    }

    private static Dictionary<string, int> Parse(string ratings) => JsonSerializer.Deserialize<Dictionary<string, int>>(ratings) ?? [];

    /// <summary>The mean rating per skill, over the items this response rated.</summary>
    public static IReadOnlyDictionary<string, double> SkillMeans(SelfAssessment assessment, IReadOnlyDictionary<string, int> answers) =>
        assessment.Items.Where(i => answers.ContainsKey(i.Id))
            .GroupBy(i => i.Skill)
            .ToDictionary(g => g.Key, g => g.Average(i => (double)answers[i.Id]));
}

public sealed class SelfAssessmentResponseConfiguration : IEntityTypeConfiguration<SelfAssessmentResponse>
{
    public void Configure(EntityTypeBuilder<SelfAssessmentResponse> builder)
    {
        builder.ToTable("training_self_assessments");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Phase).HasMaxLength(SelfAssessmentResponse.PhaseMaxLength).IsRequired();
        builder.Property(r => r.Ratings).IsRequired();
        builder.HasIndex(r => new { r.CourseProgressId, r.Phase }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CourseProgress>().WithMany().HasForeignKey(r => r.CourseProgressId).OnDelete(DeleteBehavior.Cascade);
    }
}
