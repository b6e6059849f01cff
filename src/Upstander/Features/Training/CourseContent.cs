using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Upstander.Features.Training;

/// <summary>The six listening skills every scenario response is scored against.</summary>
public static class ListeningSkills
{
    public const string Reflecting = "reflecting";
    public const string OpenQuestions = "openQuestions";
    public const string Validating = "validating";
    public const string NotRushingToFix = "notRushingToFix";
    public const string NotJudging = "notJudging";
    public const string CheckingSafety = "checkingSafety";

    public static readonly IReadOnlyList<string> All = [Reflecting, OpenQuestions, Validating, NotRushingToFix, NotJudging, CheckingSafety];

    public const int MinScore = -2;
    public const int MaxScore = 2;
}

public static class CourseAudience
{
    public const string Candidates = "candidates";
    public const string Everyone = "everyone";
}

/// <summary>A whole course as loaded from its folder: what is stored, versioned, and shown to learners.</summary>
public sealed record Course(
    string Slug, int Version, string Title, string Summary, string Audience, bool Core,
    IReadOnlyList<CourseModule> Modules, SelfAssessment? SelfAssessment)
{
    public CourseModule? Module(string key) => Modules.FirstOrDefault(m => m.Key == key);
}

public sealed record CourseModule(
    string Key, string Title, string Summary, int Minutes, IReadOnlyList<Lesson> Lessons,
    KnowledgeCheck? Check, IReadOnlyList<Scenario> Scenarios, bool Refresher)
{
    public Scenario? Scenario(string id) => Scenarios.FirstOrDefault(s => s.Id == id);

    /// <summary>Every step a learner completes in this module, in order.</summary>
    public IReadOnlyList<string> Steps =>
    [
        .. Lessons.Select((_, i) => TrainingSteps.Lesson(Key, i + 1)),
        .. Check is null ? Array.Empty<string>() : [TrainingSteps.Check(Key)],
        .. Scenarios.Select(s => TrainingSteps.Scenario(Key, s.Id)),
    ];
}

public sealed record Lesson(string File, string Title, string Markdown);

public sealed record KnowledgeCheck(double PassMark, IReadOnlyList<CheckQuestion> Questions);

public sealed record CheckQuestion(string Id, string Kind, string Prompt, IReadOnlyList<CheckOption> Options)
{
    public const string SingleAnswer = "single";
    public const string MultipleAnswer = "multiple";
}

public sealed record CheckOption(string Id, string Text, bool Correct, string Feedback);

public sealed record Scenario(string Id, string Title, string Setting, string Colleague, string Start, IReadOnlyDictionary<string, ScenarioNode> Nodes);

public sealed record ScenarioNode(string Says, IReadOnlyList<ScenarioResponse>? Responses = null, bool End = false, string? Outcome = null)
{
    public ScenarioResponse? Response(string id) => Responses?.FirstOrDefault(r => r.Id == id);
}

public sealed record ScenarioResponse(string Id, string Text, IReadOnlyDictionary<string, int> Scores, string Why, string Next);

public sealed record SelfAssessment(SelfAssessmentScale Scale, IReadOnlyList<SelfAssessmentItem> Items);

public sealed record SelfAssessmentScale(int Min, int Max, IReadOnlyList<string> Labels);

public sealed record SelfAssessmentItem(string Id, string Skill, string Text);

/// <summary>The keys of the steps a learner's progress records.</summary>
public static class TrainingSteps
{
    public static string Lesson(string module, int number) => $"{module}/lessons/{number}";

    public static string Check(string module) => $"{module}/check";

    public static string Scenario(string module, string scenario) => $"{module}/scenarios/{scenario}";
}

/// <summary>How course content is read from its files and written to (and read back from) the database.</summary>
public static class CourseJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(Course course) => JsonSerializer.Serialize(course, Options);

    /// <summary>
    /// Reads stored content. Writing leaves out nulls, so a course without a self-assessment or a module
    /// without a check is stored without the key; it is put back as null before the strict reader sees it.
    /// </summary>
    public static Course Deserialize(string json)
    {
        if (JsonNode.Parse(json) is not JsonObject course)
        {
            throw new JsonException("Course content is not an object.");
        }
        course.TryAdd("selfAssessment", null);
        foreach (var module in (course["modules"] as JsonArray ?? []).OfType<JsonObject>())
        {
            module.TryAdd("check", null);
        }
        return course.Deserialize<Course>(Options) ?? throw new JsonException("Empty course content.");
    }
}
