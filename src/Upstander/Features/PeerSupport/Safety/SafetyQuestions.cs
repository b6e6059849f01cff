using System.Text.Json;
using System.Text.RegularExpressions;

namespace Upstander.Features.PeerSupport.Safety;

/// <summary>One screen question. Its text is English and a localization key (IStringLocalizer&lt;SharedResource&gt;).</summary>
/// <param name="RiskAnswer">The answer that means risk: "yes" for "Are you thinking of…", "no" for "Are you safe right now?".</param>
public sealed record SafetyQuestion(string Id, string Text, string? Hint, ScreenAnswer RiskAnswer, IReadOnlyList<RiskCategory> Categories);

/// <summary>The screen's questions and the labels of its answers (content/safety/questions.json).</summary>
public sealed record SafetyQuestions(
    string Introduction,
    IReadOnlyList<SafetyQuestion> Questions,
    IReadOnlyDictionary<ScreenAnswer, string> AnswerLabels,
    string FreeTextLabel,
    string FreeTextHint)
{
    /// <summary>
    /// What each question's answer contributes. The risk answer is high; "I'd rather not say" — and a
    /// question left unanswered, which is treated the same way — is possible risk, never no risk.
    /// </summary>
    public IReadOnlyList<QuestionFinding> Evaluate(IReadOnlyDictionary<string, ScreenAnswer> answers)
    {
        var unknown = answers.Keys.FirstOrDefault(id => Questions.All(q => q.Id != id));
        if (unknown is not null)
        {
            throw new ArgumentException($"\"{unknown}\" is not a safety screen question.", nameof(answers));
        }
        return [.. Questions.Select(q =>
        {
            var answer = answers.TryGetValue(q.Id, out var given) ? given : ScreenAnswer.RatherNotSay;
            var level = answer == q.RiskAnswer ? RiskLevel.High
                : answer == ScreenAnswer.RatherNotSay ? RiskLevel.Possible
                : RiskLevel.None;
            return new QuestionFinding(q.Id, answer, level, level == RiskLevel.None ? [] : q.Categories);
        })];
    }
}

internal static partial class SafetyQuestionsLoader
{
    private sealed record QuestionFile(string? Id, string? Text, string? Hint, string? RiskAnswer, List<string>? Categories);

    private sealed record File(string? Introduction, List<QuestionFile>? Questions, Dictionary<string, string>? Answers, string? FreeTextLabel, string? FreeTextHint);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly Dictionary<string, ScreenAnswer> AnswerNames = new(StringComparer.Ordinal)
    {
        ["yes"] = ScreenAnswer.Yes,
        ["no"] = ScreenAnswer.No,
        ["ratherNotSay"] = ScreenAnswer.RatherNotSay,
    };

    public static SafetyQuestions Load(string path)
    {
        const string where = "questions.json";
        var errors = new List<string>();
        File? file = null;
        if (!System.IO.File.Exists(path))
        {
            errors.Add($"{where}: file is missing.");
        }
        else
        {
            try
            {
                file = JsonSerializer.Deserialize<File>(System.IO.File.ReadAllText(path), Json);
                if (file is null)
                {
                    errors.Add($"{where}: file is empty.");
                }
            }
            catch (JsonException e)
            {
                errors.Add($"{where}: {e.Message}");
            }
        }
        if (file is null)
        {
            throw SafetyContentException.Listing(errors);
        }
        Require(file.Introduction, where, "introduction", errors);
        Require(file.FreeTextLabel, where, "freeTextLabel", errors);
        Require(file.FreeTextHint, where, "freeTextHint", errors);
        var labels = new Dictionary<ScreenAnswer, string>();
        foreach (var (name, answer) in AnswerNames)
        {
            if (file.Answers?.GetValueOrDefault(name) is { Length: > 0 } label && !string.IsNullOrWhiteSpace(label))
            {
                labels[answer] = label.Trim();
            }
            else
            {
                errors.Add($"{where}: answers.{name} must not be empty.");
            }
        }
        foreach (var extra in (file.Answers?.Keys.ToList() ?? []).Where(k => !AnswerNames.ContainsKey(k)))
        {
            errors.Add($"{where}: answers.{extra} is not an answer (yes, no, ratherNotSay).");
        }
        var questions = new List<SafetyQuestion>();
        if (file.Questions is not { Count: >= 1 and <= 5 })
        {
            errors.Add($"{where}: the screen needs one to five questions (keep it short for someone in distress).");
        }
        foreach (var q in file.Questions ?? [])
        {
            var at = $"{where}: question \"{q.Id}\"";
            if (q.Id is null || !Id().IsMatch(q.Id))
            {
                errors.Add($"{at}: id must be lower-case letters, digits and hyphens.");
            }
            else if (questions.Any(o => o.Id == q.Id))
            {
                errors.Add($"{at}: id is used more than once.");
            }
            Require(q.Text, at, "text", errors);
            var risk = q.RiskAnswer switch
            {
                "yes" => ScreenAnswer.Yes,
                "no" => ScreenAnswer.No,
                _ => (ScreenAnswer?)null,
            };
            if (risk is null)
            {
                errors.Add($"{at}: riskAnswer must be \"yes\" or \"no\".");
            }
            var categories = new List<RiskCategory>();
            foreach (var name in q.Categories ?? [])
            {
                if (RiskCategories.ByName.TryGetValue(name, out var category))
                {
                    categories.Add(category);
                }
                else
                {
                    errors.Add($"{at}: unknown category \"{name}\" (known: {string.Join(", ", RiskCategories.ByName.Keys)}).");
                }
            }
            if (q.Categories is not { Count: > 0 })
            {
                errors.Add($"{at}: categories must name at least one category.");
            }
            if (q.Id is not null && q.Text is not null && risk is not null)
            {
                questions.Add(new SafetyQuestion(q.Id, q.Text.Trim(), string.IsNullOrWhiteSpace(q.Hint) ? null : q.Hint.Trim(), risk.Value, categories));
            }
        }
        if (errors.Count > 0)
        {
            throw SafetyContentException.Listing(errors);
        }
        return new SafetyQuestions(file.Introduction!.Trim(), questions, labels, file.FreeTextLabel!.Trim(), file.FreeTextHint!.Trim());
    }

    private static void Require(string? value, string where, string field, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{where}: {field} must not be empty.");
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Id();
}
