namespace Upstander.Features.Training;

/// <summary>Per-skill totals over the responses chosen in a conversation.</summary>
public sealed record SkillProfile(IReadOnlyDictionary<string, int> Scores)
{
    public static SkillProfile Empty { get; } = new(ListeningSkills.All.ToDictionary(s => s, _ => 0));

    public int Total => Scores.Values.Sum();

    public int this[string skill] => Scores.GetValueOrDefault(skill);

    public SkillProfile Add(IReadOnlyDictionary<string, int> scores) =>
        new(ListeningSkills.All.ToDictionary(s => s, s => this[s] + scores.GetValueOrDefault(s)));
}

public sealed record ScenarioStep(string NodeId, ScenarioNode Node, ScenarioResponse Response);

/// <summary>Where a conversation stands after a sequence of choices.</summary>
public sealed record ScenarioState(string NodeId, ScenarioNode Node, IReadOnlyList<ScenarioStep> Steps, SkillProfile Profile)
{
    public bool Ended => Node.End;

    public ScenarioStep? LastStep => Steps.Count > 0 ? Steps[^1] : null;
}

/// <summary>Walks a scripted, branching conversation. Pure; the graph is validated when it is loaded.</summary>
public static class ScenarioEngine
{
    /// <summary>The state after choosing <paramref name="responseIds"/> in turn from the start; null if any choice is not on offer.</summary>
    public static ScenarioState? Walk(Scenario scenario, IEnumerable<string> responseIds)
    {
        var nodeId = scenario.Start;
        var node = scenario.Nodes[nodeId];
        var steps = new List<ScenarioStep>();
        var profile = SkillProfile.Empty;
        foreach (var responseId in responseIds)
        {
            var response = node.End ? null : node.Response(responseId);
            if (response is null)
            {
                return null;
            }
            steps.Add(new ScenarioStep(nodeId, node, response));
            profile = profile.Add(response.Scores);
            nodeId = response.Next;
            node = scenario.Nodes[nodeId];
        }
        return new ScenarioState(nodeId, node, steps, profile);
    }

    /// <summary>The path whose responses add up to the highest total score, and its profile.</summary>
    public static (IReadOnlyList<string> ResponseIds, SkillProfile Profile) BestPath(Scenario scenario)
    {
        var memo = new Dictionary<string, (List<string> Path, SkillProfile Profile)>(StringComparer.Ordinal);
        (List<string> Path, SkillProfile Profile) Best(string nodeId)
        {
            if (memo.TryGetValue(nodeId, out var known))
            {
                return known;
            }
            var node = scenario.Nodes[nodeId];
            var best = (Path: new List<string>(), Profile: SkillProfile.Empty);
            var bestTotal = int.MinValue;
            foreach (var response in node.End ? [] : node.Responses ?? [])
            {
                var rest = Best(response.Next);
                var profile = rest.Profile.Add(response.Scores);
                if (profile.Total > bestTotal)
                {
                    bestTotal = profile.Total;
                    best = ([response.Id, .. rest.Path], profile);
                }
            }
            memo[nodeId] = best;
            return best;
        }
        var result = Best(scenario.Start);
        return (result.Path, result.Profile);
    }
}
