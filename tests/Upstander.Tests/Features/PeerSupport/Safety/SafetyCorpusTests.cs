using System.Globalization;
using Upstander.Features.PeerSupport.Safety;
using Xunit.Abstractions;

namespace Upstander.Tests.Features.PeerSupport.Safety;

/// <summary>
/// The screen on a broad list of risk phrasings and ordinary texts (corpus/*.txt). One test per file,
/// listing every failing line, so a lexicon change shows all its effects at once.
/// </summary>
public sealed class SafetyCorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> RiskFiles => Files("risk-");

    public static TheoryData<string> OrdinaryFiles => Files("ordinary-");

    private static TheoryData<string> Files(string prefix) =>
        [.. Directory.EnumerateFiles(SafetyContent.Corpus, prefix + "*.txt").Select(f => Path.GetFileName(f.AsSpan()).ToString()).Order(StringComparer.Ordinal)];

    private static IEnumerable<(int Line, string[] Fields)> Lines(string file, int fields) =>
        File.ReadAllLines(Path.Combine(SafetyContent.Corpus, file))
            .Select((text, index) => (Line: index + 1, Text: text))
            .Where(l => l.Text.Trim().Length > 0 && !l.Text.TrimStart().StartsWith('#'))
            .Select(l => (l.Line, l.Text.Split(" | ", fields)));

    [Theory]
    [MemberData(nameof(RiskFiles))]
    public void Every_risk_phrasing_is_flagged_with_its_category(string file)
    {
        var detector = SafetyContent.Screen;
        var failures = new List<string>();
        var count = 0;
        foreach (var (line, fields) in Lines(file, 3))
        {
            count++;
            if (fields.Length != 3 || !RiskCategories.ByName.TryGetValue(fields[0].Trim(), out var category)
                || !Enum.TryParse<RiskLevel>(fields[1].Trim(), ignoreCase: true, out var level) || level == RiskLevel.None)
            {
                failures.Add($"{file}:{line}: write \"category | high|possible | text\".");
                continue;
            }
            var text = fields[2];
            var result = detector.Check(text);
            if (!result.Spans.Any(s => s.Category == category && s.Level >= level))
            {
                var found = string.Join("; ", ExplainOf(text));
                failures.Add($"{file}:{line}: expected {fields[0].Trim()} at {level} or higher, got {result.Level} [{found}]: {text}");
            }
        }
        output.WriteLine($"{file}: {count} risk phrasings, {failures.Count} missed.");
        count.ShouldBeGreaterThan(0);
        failures.ShouldBeEmpty(string.Join('\n', failures));
    }

    [Theory]
    [MemberData(nameof(OrdinaryFiles))]
    public void Ordinary_texts_are_never_high_and_flag_possible_only_where_marked(string file)
    {
        var detector = SafetyContent.Screen;
        var failures = new List<string>();
        var count = 0;
        var flagged = 0;
        foreach (var (line, fields) in Lines(file, 2))
        {
            count++;
            var allowPossible = fields.Length == 2 && fields[0].Trim() == "possible";
            var text = allowPossible ? fields[1] : string.Join(" | ", fields);
            var result = detector.Check(text);
            if (result.Level != RiskLevel.None)
            {
                flagged++;
                output.WriteLine($"  flagged {file}:{line}: {result.Level} [{string.Join("; ", ExplainOf(text))}]");
            }
            if (result.Level == RiskLevel.High || (result.Level == RiskLevel.Possible && !allowPossible))
            {
                failures.Add($"{file}:{line}: {result.Level} [{string.Join("; ", ExplainOf(text))}]: {text}");
            }
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}: {count} ordinary texts, {flagged} flagged possible ({100.0 * flagged / count:0.0}% false alarms), 0 high allowed."));
        count.ShouldBeGreaterThan(0);
        failures.ShouldBeEmpty(string.Join('\n', failures));
    }

    private static IEnumerable<string> ExplainOf(string text)
    {
        var result = SafetyContent.Screen.Check(text);
        return result.Spans.Select(s => $"{s.Language}/{RiskCategories.NameOf(s.Category)}/{s.Level}{(s.Negated ? " negated" : "")} \"{text.Substring(s.Start, s.Length)}\"");
    }
}
