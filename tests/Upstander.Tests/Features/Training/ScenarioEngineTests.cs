using Upstander.Features.Training;

namespace Upstander.Tests.Features.Training;

public sealed class ScenarioEngineTests
{
    private static ScenarioResponse R(string id, string next, params (string Skill, int Score)[] scores) =>
        new(id, id, scores.ToDictionary(s => s.Skill, s => s.Score), "why " + id, next);

    /// <summary>
    /// Hand-built: start offers a (+2 open questions) to middle or b (-2 not judging) to end-bad;
    /// middle offers c (+1 reflecting, +2 checking safety) or d (+2 validating, -1 not rushing) to end-good.
    /// Best path: a then c = 5 (a+d = 3, b = -2).
    /// </summary>
    private static readonly Scenario Built = new("built", "Built", "Setting", "Ade", "start", new Dictionary<string, ScenarioNode>
    {
        ["start"] = new("Hi.", [R("a", "middle", (ListeningSkills.OpenQuestions, 2)), R("b", "end-bad", (ListeningSkills.NotJudging, -2))]),
        ["middle"] = new("It's hard.", [
            R("c", "end-good", (ListeningSkills.Reflecting, 1), (ListeningSkills.CheckingSafety, 2)),
            R("d", "end-good", (ListeningSkills.Validating, 2), (ListeningSkills.NotRushingToFix, -1))]),
        ["end-good"] = new("Thanks.", End: true, Outcome: "Good."),
        ["end-bad"] = new("Bye.", End: true, Outcome: "Bad."),
    });

    [Fact]
    public void The_built_scenario_is_valid()
    {
        var errors = new List<string>();
        CourseRules.ValidateScenario(Built, "built.json", errors);
        errors.ShouldBeEmpty();
    }

    [Fact]
    public void Choices_walk_the_branches_and_add_up_per_skill()
    {
        var state = ScenarioEngine.Walk(Built, ["a", "d"])!;
        state.Ended.ShouldBeTrue();
        state.NodeId.ShouldBe("end-good");
        state.Node.Outcome.ShouldBe("Good.");
        state.Profile[ListeningSkills.OpenQuestions].ShouldBe(2);
        state.Profile[ListeningSkills.Validating].ShouldBe(2);
        state.Profile[ListeningSkills.NotRushingToFix].ShouldBe(-1);
        state.Profile[ListeningSkills.CheckingSafety].ShouldBe(0);
        state.Profile.Total.ShouldBe(3);
        state.LastStep!.Response.Why.ShouldBe("why d");

        var bad = ScenarioEngine.Walk(Built, ["b"])!;
        bad.NodeId.ShouldBe("end-bad");
        bad.Profile.Total.ShouldBe(-2);

        var midway = ScenarioEngine.Walk(Built, ["a"])!;
        midway.Ended.ShouldBeFalse();
        midway.Node.Says.ShouldBe("It's hard.");
    }

    [Fact]
    public void A_choice_not_on_offer_is_refused()
    {
        ScenarioEngine.Walk(Built, ["c"]).ShouldBeNull();
        ScenarioEngine.Walk(Built, ["b", "a"]).ShouldBeNull("nothing can be chosen after the end");
    }

    [Fact]
    public void The_best_path_is_the_highest_total()
    {
        var (path, profile) = ScenarioEngine.BestPath(Built);
        path.ShouldBe(["a", "c"]);
        profile.Total.ShouldBe(5);
        profile[ListeningSkills.CheckingSafety].ShouldBe(2);
        profile[ListeningSkills.Reflecting].ShouldBe(1);
    }
}
