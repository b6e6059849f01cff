using System.Text.RegularExpressions;

namespace Upstander.Features.Training;

/// <summary>
/// Names the parts of a course in problem messages: the file loader names files
/// ("sample-course/01-listening/check.json"), the editor names what a coordinator sees ("Module 1, knowledge check").
/// </summary>
public interface ICoursePlaces
{
    string Course { get; }

    string Module(int index, CourseModule module);

    string Lesson(int moduleIndex, CourseModule module, int lessonIndex);

    string Check(int moduleIndex, CourseModule module);

    string Scenario(int moduleIndex, CourseModule module, int scenarioIndex);

    string SelfAssessment { get; }
}

/// <summary>Limits that keep one course a reasonable size, for files and the editor alike.</summary>
public static class CourseLimits
{
    public const int Modules = 30;
    public const int LessonsPerModule = 20;
    public const int LessonLength = 20_000;
    public const int Questions = 40;
    public const int Options = 8;
    public const int ScenariosPerModule = 6;
    public const int Nodes = 40;
    public const int Responses = 4;
    public const int TitleLength = 200;
    public const int TextLength = 2_000;
    public const int IdLength = 40;
}

/// <summary>
/// Every rule of the course format (docs/training-content.md), checked on the parsed model. The file
/// loader and the editor's publish both call <see cref="Validate"/>, so the two can never disagree.
/// </summary>
public static partial class CourseRules
{
    /// <summary>Every problem with <paramref name="course"/>, each naming where it is; empty when the course may be offered.</summary>
    public static List<string> Validate(Course course, ICoursePlaces places)
    {
        var errors = new List<string>();
        var where = places.Course;
        if (!IsSlug(course.Slug))
        {
            errors.Add($"{where}: slug \"{course.Slug}\" must be lower-case letters, digits and hyphens.");
        }
        if (course.Version < 1)
        {
            errors.Add($"{where}: version must be 1 or more.");
        }
        RequireShort(course.Title, where, "title", errors);
        RequireText(course.Summary, where, "summary", errors);
        if (course.Audience is not (CourseAudience.Candidates or CourseAudience.Everyone))
        {
            errors.Add($"{where}: audience \"{course.Audience}\" must be \"candidates\" or \"everyone\".");
        }
        if (course.Modules.Count == 0)
        {
            errors.Add($"{where}: a course needs at least one module.");
        }
        if (course.Modules.Count > CourseLimits.Modules)
        {
            errors.Add($"{where}: a course has at most {CourseLimits.Modules} modules.");
        }
        foreach (var repeated in course.Modules.GroupBy(m => m.Key).Where(g => g.Count() > 1))
        {
            errors.Add($"{where}: module \"{repeated.Key}\" is listed more than once.");
        }
        for (var i = 0; i < course.Modules.Count; i++)
        {
            ValidateModule(course, i, places, errors);
        }
        if (course.SelfAssessment is { } selfAssessment)
        {
            ValidateSelfAssessment(selfAssessment, places.SelfAssessment, errors);
        }
        return errors;
    }

    private static void ValidateModule(Course course, int index, ICoursePlaces places, List<string> errors)
    {
        var module = course.Modules[index];
        var where = places.Module(index, module);
        if (!IsSlug(module.Key))
        {
            errors.Add($"{where}: key \"{module.Key}\" must be lower-case letters, digits and hyphens.");
        }
        RequireShort(module.Title, where, "title", errors);
        RequireText(module.Summary, where, "summary", errors);
        if (module.Minutes is < 1 or > 600)
        {
            errors.Add($"{where}: minutes must be from 1 to 600.");
        }
        if (module.Lessons.Count == 0)
        {
            errors.Add($"{where}: a module needs at least one lesson.");
        }
        if (module.Lessons.Count > CourseLimits.LessonsPerModule)
        {
            errors.Add($"{where}: a module has at most {CourseLimits.LessonsPerModule} lessons.");
        }
        for (var l = 0; l < module.Lessons.Count; l++)
        {
            var lesson = module.Lessons[l];
            var at = places.Lesson(index, module, l);
            RequireShort(lesson.Title, at, "title", errors);
            if (string.IsNullOrWhiteSpace(lesson.Markdown))
            {
                errors.Add($"{at}: the lesson has no text.");
            }
            else if (lesson.Markdown.Length > CourseLimits.LessonLength)
            {
                errors.Add($"{at}: a lesson is at most {CourseLimits.LessonLength} characters.");
            }
        }
        if (module.Check is null)
        {
            if (course.Core)
            {
                errors.Add($"{where}: every module of a core course needs a knowledge check.");
            }
        }
        else
        {
            ValidateCheck(module.Check, places.Check(index, module), errors);
        }
        if (module.Scenarios.Count > CourseLimits.ScenariosPerModule)
        {
            errors.Add($"{where}: a module has at most {CourseLimits.ScenariosPerModule} scenarios.");
        }
        for (var s = 0; s < module.Scenarios.Count; s++)
        {
            var scenario = module.Scenarios[s];
            var at = places.Scenario(index, module, s);
            ValidateScenario(scenario, at, errors);
            if (module.Scenarios.Take(s).Any(other => other.Id == scenario.Id))
            {
                errors.Add($"{at}: scenario id \"{scenario.Id}\" is already used in this module.");
            }
        }
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
        if (check.Questions.Count > CourseLimits.Questions)
        {
            errors.Add($"{where}: a knowledge check has at most {CourseLimits.Questions} questions.");
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
            RequireText(question.Prompt, at, "prompt", errors);
            if (question.Options.Count < 2)
            {
                errors.Add($"{at}: needs at least two options.");
            }
            if (question.Options.Count > CourseLimits.Options)
            {
                errors.Add($"{at}: has at most {CourseLimits.Options} options.");
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
                RequireText(option.Text, $"{at} option \"{option.Id}\"", "text", errors);
                RequireText(option.Feedback, $"{at} option \"{option.Id}\"", "feedback", errors);
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
        if (!IsSlug(scenario.Id))
        {
            errors.Add($"{where}: id \"{scenario.Id}\" must be lower-case letters, digits and hyphens.");
        }
        RequireShort(scenario.Title, where, "title", errors);
        RequireText(scenario.Setting, where, "setting", errors);
        RequireShort(scenario.Colleague, where, "colleague", errors);
        if (scenario.Nodes.Count > CourseLimits.Nodes)
        {
            errors.Add($"{where}: a scenario has at most {CourseLimits.Nodes} nodes.");
        }
        if (!scenario.Nodes.ContainsKey(scenario.Start))
        {
            errors.Add($"{where}: start node \"{scenario.Start}\" does not exist.");
            return;
        }
        foreach (var (id, node) in scenario.Nodes)
        {
            var at = $"{where}: node \"{id}\"";
            if (!Id().IsMatch(id))
            {
                errors.Add($"{at}: node names are letters, digits, hyphens and underscores.");
            }
            RequireText(node.Says, at, "says", errors);
            if (node.End)
            {
                if (node.Responses is { Count: > 0 })
                {
                    errors.Add($"{at}: an end node has no responses.");
                }
                RequireText(node.Outcome, at, "outcome", errors);
                continue;
            }
            if (node.Responses is null || node.Responses.Count is < 2 or > CourseLimits.Responses)
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
                RequireText(response.Text, r, "text", errors);
                RequireText(response.Why, r, "why", errors);
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
            RequireText(item.Text, $"{where}: item \"{item.Id}\"", "text", errors);
        }
    }

    private static void RequireShort(string? value, string where, string field, List<string> errors) =>
        Require(value, where, field, CourseLimits.TitleLength, errors);

    private static void RequireText(string? value, string where, string field, List<string> errors) =>
        Require(value, where, field, CourseLimits.TextLength, errors);

    private static void Require(string? value, string where, string field, int max, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{where}: {field} must not be empty.");
        }
        else if (value.Length > max)
        {
            errors.Add($"{where}: {field} is at most {max} characters.");
        }
    }

    public static bool IsSlug(string value) => value.Length <= CourseVersion.SlugMaxLength && Slug().IsMatch(value);

    public static bool IsId(string value) => Id().IsMatch(value);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex Id();
}
