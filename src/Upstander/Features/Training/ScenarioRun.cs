using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

/// <summary>One play-through of a practice conversation: the responses chosen so far, in order.</summary>
public sealed class ScenarioRun : IOrganisationOwned
{
    public const int ScenarioIdMaxLength = 100;

    private ScenarioRun() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid CourseProgressId { get; private set; }
    public string ModuleKey { get; private set; } = "";
    public string ScenarioId { get; private set; } = "";
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>Response ids chosen from the start, as a JSON array.</summary>
    public string Choices { get; private set; } = "[]";
    public DateTimeOffset? CompletedAt { get; private set; }

    public static ScenarioRun Begin(CourseProgress progress, CourseModule module, Scenario scenario, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = progress.OrganisationId,
        CourseProgressId = progress.Id,
        ModuleKey = module.Key,
        ScenarioId = scenario.Id,
        StartedAt = now,
    };

    public IReadOnlyList<string> ChosenResponses => JsonSerializer.Deserialize<List<string>>(Choices) ?? [];

    public ScenarioState State(Scenario scenario) =>
        ScenarioEngine.Walk(scenario, ChosenResponses) ?? throw new InvalidOperationException("A stored choice is not part of this scenario.");

    /// <summary>Takes a response at the current turn; false (and no change) when it is not on offer there.</summary>
    public bool Choose(Scenario scenario, string responseId, DateTimeOffset now)
    {
        var state = State(scenario);
        if (state.Ended || state.Node.Response(responseId) is null)
        {
            return false;
        }
        var chosen = ChosenResponses.Append(responseId).ToList();
        Choices = JsonSerializer.Serialize(chosen);
        if (scenario.Nodes[state.Node.Response(responseId)!.Next].End)
        {
            CompletedAt = now;
        }
        return true;
    }
}

public sealed class ScenarioRunConfiguration : IEntityTypeConfiguration<ScenarioRun>
{
    public void Configure(EntityTypeBuilder<ScenarioRun> builder)
    {
        builder.ToTable("training_scenario_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.ModuleKey).HasMaxLength(CheckAttempt.ModuleKeyMaxLength).IsRequired();
        builder.Property(r => r.ScenarioId).HasMaxLength(ScenarioRun.ScenarioIdMaxLength).IsRequired();
        builder.Property(r => r.Choices).IsRequired();
        builder.HasIndex(r => new { r.CourseProgressId, r.ModuleKey, r.ScenarioId });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CourseProgress>().WithMany().HasForeignKey(r => r.CourseProgressId).OnDelete(DeleteBehavior.Cascade);
    }
}
