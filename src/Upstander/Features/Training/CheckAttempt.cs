using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>
/// One go at a module's knowledge check. The seed fixes the shuffled order for this attempt, so
/// reloading the page shows the same order; a retry is a new attempt with a new seed.
/// </summary>
public sealed class CheckAttempt : IOrganisationOwned
{
    public const int ModuleKeyMaxLength = 100;

    private CheckAttempt() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid CourseProgressId { get; private set; }
    public string ModuleKey { get; private set; } = "";
    public int Seed { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public DateTimeOffset? SubmittedAt { get; private set; }

    /// <summary>Question id to chosen option ids, as JSON; null until submitted.</summary>
    public string? Answers { get; private set; }
    public int? CorrectCount { get; private set; }
    public int QuestionCount { get; private set; }
    public bool Passed { get; private set; }

    public static CheckAttempt Begin(CourseProgress progress, CourseModule module, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = progress.OrganisationId,
        CourseProgressId = progress.Id,
        ModuleKey = module.Key,
        Seed = RandomNumberGenerator.GetInt32(int.MaxValue),
        StartedAt = now,
        QuestionCount = module.Check?.Questions.Count ?? 0,
    };

    public bool IsSubmitted => SubmittedAt is not null;

    public IReadOnlyList<ShuffledQuestion> Order(KnowledgeCheck check) => CheckScoring.Order(check, Seed);

    /// <summary>Scores and stores the answers once; a submitted attempt does not change.</summary>
    public CheckResult Submit(KnowledgeCheck check, IReadOnlyDictionary<string, IReadOnlySet<string>> answers, DateTimeOffset now)
    {
        if (IsSubmitted)
        {
            throw new InvalidOperationException("This attempt has already been submitted.");
        }
        var result = CheckScoring.Score(check, answers);
        Answers = JsonSerializer.Serialize(answers.ToDictionary(a => a.Key, a => a.Value.Order(StringComparer.Ordinal).ToList()));
        CorrectCount = result.CorrectCount;
        QuestionCount = check.Questions.Count;
        Passed = result.Passed;
        SubmittedAt = now;
        return result;
    }

    /// <summary>The result of a submitted attempt, scored again against the content version it was taken on.</summary>
    public CheckResult? Result(KnowledgeCheck check)
    {
        if (Answers is null)
        {
            return null;
        }
        var stored = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(Answers) ?? [];
        return CheckScoring.Score(check, stored.ToDictionary(a => a.Key, a => (IReadOnlySet<string>)a.Value.ToHashSet(StringComparer.Ordinal)));
    }
}

public sealed class CheckAttemptConfiguration : IEntityTypeConfiguration<CheckAttempt>
{
    public void Configure(EntityTypeBuilder<CheckAttempt> builder)
    {
        builder.ToTable("training_check_attempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.ModuleKey).HasMaxLength(CheckAttempt.ModuleKeyMaxLength).IsRequired();
        builder.HasIndex(a => new { a.CourseProgressId, a.ModuleKey });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CourseProgress>().WithMany().HasForeignKey(a => a.CourseProgressId).OnDelete(DeleteBehavior.Cascade);
    }
}
