using System.Text.Json;
using System.Text.RegularExpressions;

namespace Upstander.Features.PeerSupport.Safety;

/// <summary>One word position in a phrase: any of <see cref="Words"/> (a trailing "*" means "starting with").</summary>
internal sealed record PatternSlot(IReadOnlyList<string> Words, bool GapBefore);

/// <summary>A risk phrase from a lexicon, parsed.</summary>
internal sealed record RiskPhrase(string Language, RiskCategory Category, RiskLevel Level, string Source, IReadOnlyList<PatternSlot> Slots);

/// <summary>One language's risk lexicon (content/safety/lexicons/xx.json, docs/safety-screen.md).</summary>
internal sealed record RiskLexicon(
    string Language,
    string Name,
    bool Reviewed,
    IReadOnlyDictionary<string, string[]> Contractions,
    IReadOnlyList<string> Negations,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<RiskPhrase> Phrases,
    IReadOnlyList<RiskPhrase> Benign);

/// <summary>Reads and checks the lexicon files, collecting every problem so an author can fix them in one go.</summary>
internal static partial class RiskLexiconLoader
{
    /// <summary>The gap marker: up to this many words may stand between its neighbours.</summary>
    public const string Gap = "...";

    public const int MaxGap = 3;

    private sealed record LexiconFile(
        string? Language,
        string? Name,
        string? Status,
        Dictionary<string, string>? Contractions,
        List<string>? Negations,
        List<string>? Subjects,
        List<string>? Benign,
        Dictionary<string, Dictionary<string, List<string>>>? Phrases);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Every *.json file in <paramref name="folder"/>, in name order; throws listing every problem.</summary>
    public static IReadOnlyList<RiskLexicon> LoadAll(string folder)
    {
        var errors = new List<string>();
        var lexicons = new List<RiskLexicon>();
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0)
        {
            throw new SafetyContentException($"Safety content is not valid:\n  - {folder}: no lexicon files (xx.json) were found; the safety screen cannot run without them.");
        }
        foreach (var path in files)
        {
            var lexicon = Load(path, errors);
            if (lexicon is not null)
            {
                lexicons.Add(lexicon);
            }
        }
        if (lexicons.All(l => l.Language != "en"))
        {
            errors.Add($"{folder}: the English lexicon (en.json) is required.");
        }
        return errors.Count > 0 ? throw SafetyContentException.Listing(errors) : lexicons;
    }

    private static RiskLexicon? Load(string path, List<string> errors)
    {
        var where = $"lexicons/{Path.GetFileName(path)}";
        LexiconFile? file;
        try
        {
            file = JsonSerializer.Deserialize<LexiconFile>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            errors.Add($"{where}: {e.Message}");
            return null;
        }
        if (file is null)
        {
            errors.Add($"{where}: file is empty.");
            return null;
        }
        var before = errors.Count;
        var expected = Path.GetFileNameWithoutExtension(path);
        if (file.Language is null || !LanguageCode().IsMatch(file.Language))
        {
            errors.Add($"{where}: language must be a lower-case language code such as \"en\".");
        }
        else if (file.Language != expected)
        {
            errors.Add($"{where}: language \"{file.Language}\" does not match the file name (expected \"{expected}\").");
        }
        if (string.IsNullOrWhiteSpace(file.Name))
        {
            errors.Add($"{where}: name must not be empty.");
        }
        if (file.Status is not ("reviewed" or "draft"))
        {
            errors.Add($"{where}: status must be \"reviewed\" or \"draft\".");
        }

        var contractions = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, value) in file.Contractions ?? [])
        {
            var folded = FoldWord(key);
            var expansion = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(FoldWord).ToArray();
            if (folded.Length == 0 || expansion.Length == 0 || expansion.Any(e => e.Length == 0 || e.Contains('\'', StringComparison.Ordinal)))
            {
                errors.Add($"{where}: contraction \"{key}\" needs a word and an expansion of plain words.");
            }
            else if (!contractions.TryAdd(folded, expansion))
            {
                errors.Add($"{where}: contraction \"{key}\" is listed more than once.");
            }
        }

        var negations = Words(file.Negations, "negation", where, errors);
        var subjects = Words(file.Subjects, "subject", where, errors);

        var phrases = new List<RiskPhrase>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file.Phrases is null || file.Phrases.Count == 0)
        {
            errors.Add($"{where}: phrases must list at least one category.");
        }
        foreach (var (categoryName, levels) in file.Phrases ?? [])
        {
            if (!RiskCategories.ByName.TryGetValue(categoryName, out var category))
            {
                errors.Add($"{where}: unknown category \"{categoryName}\" (known: {string.Join(", ", RiskCategories.ByName.Keys)}).");
                continue;
            }
            foreach (var (levelName, list) in levels)
            {
                var level = levelName switch
                {
                    "high" => RiskLevel.High,
                    "possible" => RiskLevel.Possible,
                    _ => RiskLevel.None,
                };
                if (level == RiskLevel.None)
                {
                    errors.Add($"{where}: {categoryName}: unknown level \"{levelName}\" (known: high, possible).");
                    continue;
                }
                foreach (var source in list)
                {
                    var at = $"{where}: {categoryName}.{levelName}";
                    var slots = Parse(source, contractions, at, errors);
                    if (slots is null)
                    {
                        continue;
                    }
                    var key = string.Join(' ', slots.Select(s => (s.GapBefore ? Gap + " " : "") + string.Join('|', s.Words)));
                    if (seen.TryGetValue(key, out var first))
                    {
                        errors.Add($"{at}: phrase \"{source}\" duplicates \"{first}\".");
                        continue;
                    }
                    seen[key] = source;
                    phrases.Add(new RiskPhrase(file.Language ?? expected, category, level, source, slots));
                }
            }
        }
        var benign = new List<RiskPhrase>();
        foreach (var source in file.Benign ?? [])
        {
            var slots = Parse(source, contractions, $"{where}: benign", errors);
            if (slots is not null)
            {
                benign.Add(new RiskPhrase(file.Language ?? expected, RiskCategory.SelfHarm, RiskLevel.None, source, slots));
            }
        }
        if (errors.Count > before)
        {
            return null;
        }
        return new RiskLexicon(file.Language!, file.Name!.Trim(), file.Status == "reviewed", contractions, negations, subjects, phrases, benign);
    }

    private static List<string> Words(List<string>? words, string kind, string where, List<string> errors)
    {
        var result = new List<string>();
        foreach (var word in words ?? [])
        {
            var folded = FoldWord(word);
            if (!IsPlainWord(folded))
            {
                errors.Add($"{where}: {kind} \"{word}\" must be one word.");
            }
            else if (result.Contains(folded))
            {
                errors.Add($"{where}: {kind} \"{word}\" is listed more than once.");
            }
            else
            {
                result.Add(folded);
            }
        }
        return result;
    }

    /// <summary>
    /// Parses a phrase: words separated by spaces; "a|b" for alternatives; "word*" for any word starting
    /// with it; "..." for up to <see cref="MaxGap"/> words of anything. Contractions are expanded as in text.
    /// </summary>
    internal static List<PatternSlot>? Parse(string source, IReadOnlyDictionary<string, string[]> contractions, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            errors.Add($"{at}: a phrase is empty.");
            return null;
        }
        var slots = new List<PatternSlot>();
        var gap = false;
        foreach (var piece in source.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (piece == Gap)
            {
                if (gap || slots.Count == 0)
                {
                    errors.Add($"{at}: phrase \"{source}\" has a gap (...) at its start or two in a row.");
                    return null;
                }
                gap = true;
                continue;
            }
            var alternatives = piece.Split('|');
            if (alternatives.Length == 1 && !piece.EndsWith('*'))
            {
                var folded = FoldWord(piece);
                var words = contractions.TryGetValue(folded, out var expansion) || contractions.TryGetValue(folded.Replace("'", "", StringComparison.Ordinal), out expansion)
                    ? expansion
                    : folded.Split('\'', StringSplitOptions.RemoveEmptyEntries);
                foreach (var word in words)
                {
                    if (!IsPlainWord(word))
                    {
                        errors.Add($"{at}: phrase \"{source}\" has \"{piece}\", which is not a word.");
                        return null;
                    }
                    slots.Add(new PatternSlot([word], gap));
                    gap = false;
                }
                continue;
            }
            var options = new List<string>();
            foreach (var alternative in alternatives)
            {
                var stem = alternative.EndsWith('*');
                var word = FoldWord(stem ? alternative[..^1] : alternative);
                if (!IsPlainWord(word) || (stem && word.Length < 3))
                {
                    errors.Add($"{at}: phrase \"{source}\" has \"{alternative}\", which is not a word (a stem needs at least three letters).");
                    return null;
                }
                options.Add(stem ? word + "*" : word);
            }
            slots.Add(new PatternSlot(options.Distinct().ToList(), gap));
            gap = false;
        }
        if (gap)
        {
            errors.Add($"{at}: phrase \"{source}\" ends with a gap (...).");
            return null;
        }
        return slots.Count == 0 ? Empty() : slots;

        List<PatternSlot>? Empty()
        {
            errors.Add($"{at}: a phrase is empty.");
            return null;
        }
    }

    private static bool IsPlainWord(string word) => word.Length > 0 && word.All(char.IsLetterOrDigit);

    /// <summary>A word from a content file in the form the text is compared in.</summary>
    internal static string FoldWord(string word) =>
        SafetyText.CutRuns(string.Concat(word.Trim().Select(SafetyText.Fold)));

    [GeneratedRegex("^[a-z]{2,3}$")]
    private static partial Regex LanguageCode();
}
