using System.Text.Json;
using System.Text.RegularExpressions;

namespace Upstander.Features.Training;

/// <summary>A course folder that cannot be used; the message names each file and what is wrong with it.</summary>
public sealed class TrainingContentException(string message) : Exception(message);

/// <summary>
/// Reads course folders (docs/training-content.md) into <see cref="Course"/> and checks every rule,
/// collecting all the problems so an author can fix them in one go.
/// </summary>
public static partial class CourseLoader
{
    private sealed record CourseFile(string Slug, int Version, string Title, string Summary, string Audience, bool Core, IReadOnlyList<string> Modules);

    private sealed record ModuleFile(string Title, string Summary, int Minutes, IReadOnlyList<string> Lessons,
        string? Check = null, IReadOnlyList<string>? Scenarios = null, bool Refresher = false);

    /// <summary>Every course folder (one holding course.json) under <paramref name="root"/>, in name order.</summary>
    public static IReadOnlyList<Course> LoadAll(string root)
    {
        var courses = Directory.EnumerateDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "course.json")))
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();
        var duplicate = courses.GroupBy(c => c.Slug).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new TrainingContentException($"{root}: more than one course has the slug \"{duplicate.Key}\".");
        }
        return courses;
    }

    /// <summary>One course folder; throws <see cref="TrainingContentException"/> listing every problem found.</summary>
    public static Course Load(string folder)
    {
        var errors = new List<string>();
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder));
        var coursePath = Path.Combine(folder, "course.json");
        var file = Read<CourseFile>(coursePath, $"{name}/course.json", errors);
        if (file is null)
        {
            throw Failure(errors);
        }
        var where = $"{name}/course.json";
        if (!Slug().IsMatch(file.Slug))
        {
            errors.Add($"{where}: slug \"{file.Slug}\" must be lower-case letters, digits and hyphens.");
        }
        if (file.Version < 1)
        {
            errors.Add($"{where}: version must be 1 or more.");
        }
        Require(file.Title, where, "title", errors);
        Require(file.Summary, where, "summary", errors);
        if (file.Audience is not (CourseAudience.Candidates or CourseAudience.Everyone))
        {
            errors.Add($"{where}: audience \"{file.Audience}\" must be \"candidates\" or \"everyone\".");
        }
        if (file.Modules.Count == 0)
        {
            errors.Add($"{where}: a course needs at least one module.");
        }
        foreach (var repeated in file.Modules.GroupBy(m => m).Where(g => g.Count() > 1))
        {
            errors.Add($"{where}: module \"{repeated.Key}\" is listed more than once.");
        }

        var modules = new List<CourseModule>();
        foreach (var key in file.Modules.Distinct())
        {
            if (!Slug().IsMatch(key) || !Directory.Exists(Path.Combine(folder, key)))
            {
                errors.Add($"{where}: module folder \"{key}\" does not exist (folder names are lower-case letters, digits and hyphens).");
                continue;
            }
            var module = LoadModule(folder, name, key, file.Core, errors);
            if (module is not null)
            {
                modules.Add(module);
            }
        }

        SelfAssessment? selfAssessment = null;
        var selfPath = Path.Combine(folder, "self-assessment.json");
        if (File.Exists(selfPath))
        {
            selfAssessment = Read<SelfAssessment>(selfPath, $"{name}/self-assessment.json", errors);
            if (selfAssessment is not null)
            {
                ValidateSelfAssessment(selfAssessment, $"{name}/self-assessment.json", errors);
            }
        }
        if (errors.Count > 0)
        {
            throw Failure(errors);
        }
        return new Course(file.Slug, file.Version, file.Title.Trim(), file.Summary.Trim(), file.Audience, file.Core, modules, selfAssessment);
    }

    private static CourseModule? LoadModule(string folder, string courseName, string key, bool core, List<string> errors)
    {
        var moduleFolder = Path.Combine(folder, key);
        var where = $"{courseName}/{key}";
        var file = Read<ModuleFile>(Path.Combine(moduleFolder, "module.json"), $"{where}/module.json", errors);
        if (file is null)
        {
            return null;
        }
        Require(file.Title, $"{where}/module.json", "title", errors);
        Require(file.Summary, $"{where}/module.json", "summary", errors);
        if (file.Minutes < 1)
        {
            errors.Add($"{where}/module.json: minutes must be 1 or more.");
        }
        if (file.Lessons.Count == 0)
        {
            errors.Add($"{where}/module.json: a module needs at least one lesson.");
        }
        var lessons = new List<Lesson>();
        foreach (var lessonFile in file.Lessons)
        {
            var lessonWhere = $"{where}/{lessonFile}";
            var path = SafeChild(moduleFolder, lessonFile);
            if (path is null || !lessonFile.EndsWith(".md", StringComparison.Ordinal) || !File.Exists(path))
            {
                errors.Add($"{where}/module.json: lesson file \"{lessonFile}\" does not exist.");
                continue;
            }
            var text = File.ReadAllText(path).ReplaceLineEndings("\n");
            var firstLine = text.Split('\n', 2)[0];
            if (!firstLine.StartsWith("# ", StringComparison.Ordinal) || firstLine.Length < 3)
            {
                errors.Add($"{lessonWhere}: the first line must be the lesson title, as \"# Title\".");
                continue;
            }
            var body = text.Length > firstLine.Length ? text[(firstLine.Length + 1)..] : "";
            lessons.Add(new Lesson(lessonFile, firstLine[2..].Trim(), body.Trim()));
        }

        KnowledgeCheck? check = null;
        if (file.Check is null)
        {
            if (core)
            {
                errors.Add($"{where}/module.json: every module of a core course needs a knowledge check.");
            }
        }
        else if (SafeChild(moduleFolder, file.Check) is not { } checkPath || !File.Exists(checkPath))
        {
            errors.Add($"{where}/module.json: check file \"{file.Check}\" does not exist.");
        }
        else
        {
            check = Read<KnowledgeCheck>(checkPath, $"{where}/{file.Check}", errors);
            if (check is not null)
            {
                ValidateCheck(check, $"{where}/{file.Check}", errors);
            }
        }

        var scenarios = new List<Scenario>();
        foreach (var scenarioFile in file.Scenarios ?? [])
        {
            if (SafeChild(moduleFolder, scenarioFile) is not { } scenarioPath || !File.Exists(scenarioPath))
            {
                errors.Add($"{where}/module.json: scenario file \"{scenarioFile}\" does not exist.");
                continue;
            }
            var scenario = Read<Scenario>(scenarioPath, $"{where}/{scenarioFile}", errors);
            if (scenario is null)
            {
                continue;
            }
            ValidateScenario(scenario, $"{where}/{scenarioFile}", errors);
            if (scenarios.Any(s => s.Id == scenario.Id))
            {
                errors.Add($"{where}/{scenarioFile}: scenario id \"{scenario.Id}\" is already used in this module.");
            }
            scenarios.Add(scenario);
        }
        return new CourseModule(key, file.Title.Trim(), file.Summary.Trim(), file.Minutes, lessons, check, scenarios, file.Refresher);
    }

    public static void ValidateCheck(KnowledgeCheck check, string where, List<string> errors)
    {
        if (check.PassMark is <= 0 or > 1)
        {
            errors.Add($"{where}: passMark must be above 0 and at most 1.");
        }
        if (check.Questions.Count == 0)
        {
            errors.Add($"{where}: a knowledge check needs at least one question.");
        }
        foreach (var repeated in check.Questions.GroupBy(q => q.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"{where}: question id \"{repeated.Key}\" is used more than once.");
        }
        foreach (var question in check.Questions)
        {
            var at = $"{where}: question \"{question.Id}\"";
            if (!Id().IsMatch(question.Id))
            {
                errors.Add($"{at}: ids are letters, digits, hyphens and underscores.");
            }
            Require(question.Prompt, at, "prompt", errors);
            if (question.Options.Count < 2)
            {
                errors.Add($"{at}: needs at least two options.");
            }
            foreach (var repeated in question.Options.GroupBy(o => o.Id).Where(g => g.Count() > 1))
            {
                errors.Add($"{at}: option id \"{repeated.Key}\" is used more than once.");
            }
            foreach (var option in question.Options)
            {
                if (!Id().IsMatch(option.Id))
                {
                    errors.Add($"{at}: option id \"{option.Id}\" must be letters, digits, hyphens and underscores.");
                }
                Require(option.Text, $"{at} option \"{option.Id}\"", "text", errors);
                Require(option.Feedback, $"{at} option \"{option.Id}\"", "feedback", errors);
            }
            var correct = question.Options.Count(o => o.Correct);
            switch (question.Kind)
            {
                case CheckQuestion.SingleAnswer when correct != 1:
                    errors.Add($"{at}: a single-answer question needs exactly one correct option, not {correct}.");
                    break;
                case CheckQuestion.MultipleAnswer when correct < 1:
                    errors.Add($"{at}: a multiple-answer question needs at least one correct option.");
                    break;
                case CheckQuestion.SingleAnswer or CheckQuestion.MultipleAnswer:
                    break;
                default:
                    errors.Add($"{at}: kind \"{question.Kind}\" must be \"single\" or \"multiple\".");
                    break;
            }
        }
    }

    public static void ValidateScenario(Scenario scenario, string where, List<string> errors)
    {
        if (!Slug().IsMatch(scenario.Id))
        {
            errors.Add($"{where}: id \"{scenario.Id}\" must be lower-case letters, digits and hyphens.");
        }
        Require(scenario.Title, where, "title", errors);
        Require(scenario.Setting, where, "setting", errors);
        Require(scenario.Colleague, where, "colleague", errors);
        if (!scenario.Nodes.ContainsKey(scenario.Start))
        {
            errors.Add($"{where}: start node \"{scenario.Start}\" does not exist.");
            return;
        }
        foreach (var (id, node) in scenario.Nodes)
        {
            var at = $"{where}: node \"{id}\"";
            Require(node.Says, at, "says", errors);
            if (node.End)
            {
                if (node.Responses is { Count: > 0 })
                {
                    errors.Add($"{at}: an end node has no responses.");
                }
                Require(node.Outcome, at, "outcome", errors);
                continue;
            }
            if (node.Responses is null || node.Responses.Count is < 2 or > 4)
            {
                errors.Add($"{at}: a turn needs 2 to 4 responses (or \"end\": true and an outcome).");
                continue;
            }
            foreach (var repeated in node.Responses.GroupBy(r => r.Id).Where(g => g.Count() > 1))
            {
                errors.Add($"{at}: response id \"{repeated.Key}\" is used more than once.");
            }
            foreach (var response in node.Responses)
            {
                var r = $"{at} response \"{response.Id}\"";
                if (!Id().IsMatch(response.Id))
                {
                    errors.Add($"{r}: ids are letters, digits, hyphens and underscores.");
                }
                Require(response.Text, r, "text", errors);
                Require(response.Why, r, "why", errors);
                if (!scenario.Nodes.ContainsKey(response.Next))
                {
                    errors.Add($"{r}: next node \"{response.Next}\" does not exist.");
                }
                foreach (var (skill, score) in response.Scores)
                {
                    if (!ListeningSkills.All.Contains(skill))
                    {
                        errors.Add($"{r}: \"{skill}\" is not one of the six skills ({string.Join(", ", ListeningSkills.All)}).");
                    }
                    if (score is < ListeningSkills.MinScore or > ListeningSkills.MaxScore)
                    {
                        errors.Add($"{r}: score {score} for {skill} must be from -2 to 2.");
                    }
                }
            }
        }
        ValidateGraph(scenario, where, errors);
    }

    /// <summary>Every node reachable from the start, and no path that returns to a node it has passed (so every path ends).</summary>
    private static void ValidateGraph(Scenario scenario, string where, List<string> errors)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the current path, 2 = finished
        var cycle = false;
        void Visit(string id)
        {
            state[id] = 1;
            foreach (var next in scenario.Nodes[id].Responses?.Select(r => r.Next).Where(scenario.Nodes.ContainsKey) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    if (!cycle)
                    {
                        errors.Add($"{where}: the conversation loops back from \"{id}\" to \"{next}\"; every path must move on to an end.");
                    }
                    cycle = true;
                }
                else if (!state.ContainsKey(next))
                {
                    Visit(next);
                }
            }
            state[id] = 2;
        }
        Visit(scenario.Start);
        foreach (var unreachable in scenario.Nodes.Keys.Where(k => !state.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            errors.Add($"{where}: node \"{unreachable}\" cannot be reached from \"{scenario.Start}\".");
        }
    }

    private static void ValidateSelfAssessment(SelfAssessment assessment, string where, List<string> errors)
    {
        if (assessment.Scale.Min >= assessment.Scale.Max || assessment.Scale.Labels.Count != assessment.Scale.Max - assessment.Scale.Min + 1)
        {
            errors.Add($"{where}: the scale needs min below max and one label per point.");
        }
        foreach (var repeated in assessment.Items.GroupBy(i => i.Id).Where(g => g.Count() > 1))
        {
            errors.Add($"{where}: item id \"{repeated.Key}\" is used more than once.");
        }
        foreach (var item in assessment.Items)
        {
            if (!ListeningSkills.All.Contains(item.Skill))
            {
                errors.Add($"{where}: item \"{item.Id}\" names \"{item.Skill}\", which is not one of the six skills.");
            }
            Require(item.Text, $"{where}: item \"{item.Id}\"", "text", errors);
        }
    }

    private static T? Read<T>(string path, string where, List<string> errors) where T : class
    {
        if (!File.Exists(path))
        {
            errors.Add($"{where}: file is missing.");
            return null;
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(File.ReadAllText(path), CourseJson.Options);
            if (value is null)
            {
                errors.Add($"{where}: file is empty.");
            }
            return value;
        }
        catch (JsonException e)
        {
            errors.Add($"{where}: {e.Message}");
            return null;
        }
    }

    private static void Require(string? value, string where, string field, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{where}: {field} must not be empty.");
        }
    }

    /// <summary>A file named in a module, only if it stays inside the module's folder.</summary>
    private static string? SafeChild(string folder, string name) =>
        FileName().IsMatch(name) ? Path.Combine(folder, name) : null;

    private static TrainingContentException Failure(List<string> errors) =>
        new("Training content is not valid:\n" + string.Join('\n', errors.Select(e => "  - " + e)));

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex Id();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex FileName();
}
