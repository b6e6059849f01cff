using Microsoft.AspNetCore.Mvc;

namespace Upstander.Features.Training.Authoring;

/// <summary>
/// A practice scenario: what the colleague says at each node, the learner's possible responses (with
/// why, the six skill scores and the node each leads to), and the outcome at each ending. One form; the
/// buttons that add or remove a node or response save what was typed as well.
/// </summary>
public sealed class ScenarioModel(CourseAuthoring authoring) : DraftPageModel(authoring)
{
    public sealed class ResponseInput
    {
        public string? Id { get; set; }
        public string? Text { get; set; }
        public string? Why { get; set; }
        public string? Next { get; set; }
        public Dictionary<string, int> Scores { get; set; } = [];
    }

    public sealed class NodeInput
    {
        /// <summary>The name the node had when the page was drawn, so renaming it also renames the references to it.</summary>
        public string? Original { get; set; }
        public string? Name { get; set; }
        public string? Says { get; set; }
        public bool End { get; set; }
        public string? Outcome { get; set; }
        public List<ResponseInput> Responses { get; set; } = [];
    }

    public sealed class ScenarioInput
    {
        public string? Title { get; set; }
        public string? Setting { get; set; }
        public string? Colleague { get; set; }
        public string? Start { get; set; }
        public List<NodeInput> Nodes { get; set; } = [];
    }

    public CourseModule Module { get; private set; } = null!;
    public Scenario Scenario { get; private set; } = null!;

    [BindProperty]
    public ScenarioInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = "saved")]
    public bool Saved { get; set; }

    public static ScenarioResponse BlankResponse(string id, string next) => new(id, "", new Dictionary<string, int>(), "", next);

    private async Task<bool> LoadScenarioAsync(string course, string module, string scenario, CancellationToken ct)
    {
        if (!await LoadAsync(course, ct) || Course.Module(module) is not { } found || found.Scenario(scenario) is not { } s)
        {
            return false;
        }
        (Module, Scenario) = (found, s);
        return true;
    }

    public async Task<IActionResult> OnGetAsync(string course, string module, string scenario, CancellationToken ct)
    {
        if (!await LoadScenarioAsync(course, module, scenario, ct))
        {
            return NotFound();
        }
        Input = ToInput(Scenario);
        return Page();
    }

    /// <summary>Saves the scenario; <paramref name="command"/> may also add or remove a node ("add-node", "remove-node:2") or a response ("add-response:1", "remove-response:1:0").</summary>
    public async Task<IActionResult> OnPostAsync(string course, string module, string scenario, string? command, CancellationToken ct)
    {
        if (!await LoadScenarioAsync(course, module, scenario, ct))
        {
            return NotFound();
        }
        var nodes = FromInput();
        if (nodes is null || !ModelState.IsValid)
        {
            return Invalid();
        }
        var parts = (command ?? "save").Split(':');
        int At(int i) => parts.Length > i && int.TryParse(parts[i], out var n) ? n : -1;
        var index = At(1);
        switch (parts[0])
        {
            case "save":
                break;
            case "add-node" when nodes.Count < CourseLimits.Nodes:
                nodes.Add((FreeId("node-", nodes.Select(n => n.Name)), new ScenarioNode("", End: true, Outcome: "")));
                break;
            case "remove-node" when index >= 0 && index < nodes.Count:
                nodes.RemoveAt(index);
                break;
            case "add-response" when index >= 0 && index < nodes.Count && !nodes[index].Node.End && (nodes[index].Node.Responses?.Count ?? 0) < CourseLimits.Responses:
                var node = nodes[index].Node;
                var responses = node.Responses ?? [];
                nodes[index] = (nodes[index].Name, node with { Responses = [.. responses, BlankResponse(FreeId("r", responses.Select(r => r.Id)), nodes[0].Name)] });
                break;
            case "remove-response" when index >= 0 && index < nodes.Count && At(2) >= 0 && At(2) < (nodes[index].Node.Responses?.Count ?? 0):
                var turn = nodes[index].Node;
                nodes[index] = (nodes[index].Name, turn with { Responses = [.. turn.Responses!.Where((_, i) => i != At(2))] });
                break;
            default:
                Error("nodes", "That change is not possible: a scenario has at most {0} nodes, and a turn at most {1} responses.", CourseLimits.Nodes, CourseLimits.Responses);
                return Invalid();
        }
        var start = Renamed(Input.Start ?? "");
        var saved = Scenario with
        {
            Title = Input.Title?.Trim() ?? "",
            Setting = Input.Setting?.Trim() ?? "",
            Colleague = Input.Colleague?.Trim() ?? "",
            Start = start,
            Nodes = nodes.ToDictionary(n => n.Name, n => n.Node, StringComparer.Ordinal),
        };
        var scenarios = Module.Scenarios.Select(s => s.Id == Scenario.Id ? saved : s).ToList();
        await SaveAsync(Course with { Modules = [.. Course.Modules.Select(m => m.Key == Module.Key ? m with { Scenarios = scenarios } : m)] }, ct);
        return Redirect($"/coordinate/training/courses/{Draft.Slug}/modules/{Module.Key}/scenarios/{Scenario.Id}?saved=true");
    }

    private Dictionary<string, string> _renames = [];

    private string Renamed(string name) => _renames.GetValueOrDefault(name, name);

    private static ScenarioInput ToInput(Scenario scenario) => new()
    {
        Title = scenario.Title,
        Setting = scenario.Setting,
        Colleague = scenario.Colleague,
        Start = scenario.Start,
        Nodes = [.. scenario.Nodes.Select(n => new NodeInput
        {
            Original = n.Key, Name = n.Key, Says = n.Value.Says, End = n.Value.End, Outcome = n.Value.Outcome,
            Responses = [.. (n.Value.Responses ?? []).Select(r => new ResponseInput { Id = r.Id, Text = r.Text, Why = r.Why, Next = r.Next, Scores = r.Scores.ToDictionary() })],
        })],
    };

    /// <summary>The nodes as typed, in order, or null (with errors) when one breaks a limit or a name is unusable.</summary>
    private List<(string Name, ScenarioNode Node)>? FromInput()
    {
        Text(Input.Title, "title", CourseLimits.TitleLength, "Enter a title.");
        Text(Input.Setting, "setting", CourseLimits.TextLength, "", required: false);
        Text(Input.Colleague, "colleague", CourseLimits.TitleLength, "", required: false);
        if (Input.Nodes.Count is 0 or > CourseLimits.Nodes)
        {
            Error("nodes", "A scenario has from 1 to {0} nodes.", CourseLimits.Nodes);
            return null;
        }
        for (var i = 0; i < Input.Nodes.Count; i++)
        {
            var node = Input.Nodes[i];
            if (node.Name is null || !CourseRules.IsId(node.Name.Trim()))
            {
                Error($"n{i}-name", "Node {0}'s name must be letters, digits, hyphens and underscores (at most 40).", i + 1);
            }
            else if (Input.Nodes.Take(i).Any(other => other.Name?.Trim() == node.Name.Trim()))
            {
                Error($"n{i}-name", "Two nodes are called {0}; each needs its own name.", node.Name.Trim());
            }
            else if (node.Original is { } original && original != node.Name.Trim())
            {
                _renames[original] = node.Name.Trim();
            }
            Text(node.Says, $"n{i}-says", CourseLimits.TextLength, "", required: false);
            Text(node.Outcome, $"n{i}-outcome", CourseLimits.TextLength, "", required: false);
            if (node.Responses.Count > CourseLimits.Responses)
            {
                Error($"n{i}-says", "A turn has at most {0} responses.", CourseLimits.Responses);
                continue;
            }
            for (var j = 0; j < node.Responses.Count; j++)
            {
                var r = node.Responses[j];
                if (r.Id is null || !CourseRules.IsId(r.Id))
                {
                    Error($"n{i}-r{j}-text", "Node {0}, response {1} is not one this editor made. Reload the page and try again.", i + 1, j + 1);
                }
                Text(r.Text, $"n{i}-r{j}-text", CourseLimits.TextLength, "", required: false);
                Text(r.Why, $"n{i}-r{j}-why", CourseLimits.TextLength, "", required: false);
                Text(r.Next, $"n{i}-r{j}-next", CourseLimits.IdLength, "", required: false);
                foreach (var (skill, score) in r.Scores)
                {
                    if (!ListeningSkills.All.Contains(skill) || score is < ListeningSkills.MinScore or > ListeningSkills.MaxScore)
                    {
                        Error($"n{i}-r{j}-{skill}", "Node {0}, response {1}: each skill scores from -2 to 2.", i + 1, j + 1);
                    }
                }
            }
        }
        if (Errors.Count > 0)
        {
            return null;
        }
        return [.. Input.Nodes.Select(n => (n.Name!.Trim(), new ScenarioNode(
            n.Says?.Trim() ?? "",
            n.End ? null : [.. n.Responses.Select(r => new ScenarioResponse(r.Id!, r.Text?.Trim() ?? "",
                r.Scores.Where(s => s.Value != 0).ToDictionary(s => s.Key, s => s.Value), r.Why?.Trim() ?? "", Renamed(r.Next ?? "")))],
            n.End,
            n.End ? n.Outcome?.Trim() ?? "" : null)))];
    }
}
