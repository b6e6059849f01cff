namespace Upstander.Features.PeerSupport.Safety;

/// <summary>
/// Finds risk phrases of every loaded lexicon in a text (people code-switch, so every language is always
/// checked). Built once from the lexicons; immutable and thread-safe. Recall first: a word of five or
/// more letters matches with one typo (Damerau–Levenshtein ≤ 1), shorter words exactly; a phrase after
/// a negation ("I'm not suicidal") is lowered from high to possible, never dropped.
/// </summary>
internal sealed class RiskDetector
{
    /// <summary>Words shorter than this match exactly; longer ones allow one edit.</summary>
    public const int FuzzyMinLength = 5;

    /// <summary>How many words before a phrase are searched for a negation.</summary>
    public const int NegationWindow = 3;

    private sealed record Compiled(RiskPhrase Phrase, int[][] Slots, bool[] GapBefore);

    private readonly List<string> _vocabulary = [];
    private readonly Dictionary<string, int> _vocabularyIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _bySqueezed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _byDeletion = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _stemsExact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _stemsByDeletion = new(StringComparer.Ordinal);
    private readonly int[] _stemLengths;
    private readonly Dictionary<int, List<Compiled>> _byFirstWord = [];
    private readonly HashSet<string> _negations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _contractions = new(StringComparer.Ordinal);

    public RiskDetector(IReadOnlyList<RiskLexicon> lexicons)
    {
        Lexicons = lexicons;
        var stemLengths = new SortedSet<int>();
        foreach (var lexicon in lexicons)
        {
            foreach (var (word, expansion) in lexicon.Contractions)
            {
                _contractions.TryAdd(word, expansion);
            }
            _negations.UnionWith(lexicon.Negations);
            _subjects.UnionWith(lexicon.Subjects);
        }
        foreach (var phrase in lexicons.SelectMany(l => l.Phrases.Concat(l.Benign)))
        {
            Add(phrase, phrase.Slots, stemLengths);
            // "killmyself", or "k i l l m y s e l f" once joined: the phrase written as one word.
            if (phrase.Slots.Count > 1 && phrase.Slots.All(s => !s.GapBefore && s.Words.Count == 1 && !s.Words[0].EndsWith('*')))
            {
                var joined = string.Concat(phrase.Slots.Select(s => s.Words[0]));
                if (joined.Length >= 6)
                {
                    Add(phrase, [new PatternSlot([joined], false)], stemLengths);
                }
            }
        }
        _stemLengths = [.. stemLengths];
    }

    public IReadOnlyList<RiskLexicon> Lexicons { get; }

    public int PhraseCount => Lexicons.Sum(l => l.Phrases.Count);

    private void Add(RiskPhrase phrase, IReadOnlyList<PatternSlot> slots, SortedSet<int> stemLengths)
    {
        var compiled = new Compiled(
            phrase,
            [.. slots.Select(s => s.Words.Select(w => WordId(w, stemLengths)).ToArray())],
            [.. slots.Select(s => s.GapBefore)]);
        foreach (var first in compiled.Slots[0].Distinct())
        {
            if (!_byFirstWord.TryGetValue(first, out var list))
            {
                _byFirstWord[first] = list = [];
            }
            list.Add(compiled);
        }
    }

    private int WordId(string word, SortedSet<int> stemLengths)
    {
        if (_vocabularyIds.TryGetValue(word, out var id))
        {
            return id;
        }
        id = _vocabulary.Count;
        _vocabulary.Add(word);
        _vocabularyIds[word] = id;
        if (word.EndsWith('*'))
        {
            var stem = word[..^1];
            stemLengths.Add(stem.Length);
            Index(_stemsExact, stem, id);
            if (stem.Length >= FuzzyMinLength)
            {
                IndexDeletions(_stemsByDeletion, stem, id);
            }
            return id;
        }
        Index(_bySqueezed, SafetyText.Squeeze(word), id);
        if (word.Length >= FuzzyMinLength)
        {
            IndexDeletions(_byDeletion, word, id);
        }
        return id;
    }

    private static void Index(Dictionary<string, List<int>> index, string key, int id)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }
        if (!list.Contains(id))
        {
            list.Add(id);
        }
    }

    private static void IndexDeletions(Dictionary<string, List<int>> index, string word, int id)
    {
        Index(index, word, id);
        for (var i = 0; i < word.Length; i++)
        {
            Index(index, word.Remove(i, 1), id);
        }
    }

    /// <summary>Every risk phrase in <paramref name="text"/>: categories, the highest level, and the spans (offsets only).</summary>
    public TextRiskResult Detect(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TextRiskResult.Empty;
        }
        var tokens = SafetyText.Tokenise(text, _contractions);
        var cache = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var matches = new HashSet<int>[tokens.Count];
        for (var i = 0; i < tokens.Count; i++)
        {
            matches[i] = WordsFor(tokens[i], cache);
        }
        var spans = new List<RiskSpan>();
        var benign = new List<(int Start, int End)>();
        for (var i = 0; i < tokens.Count; i++)
        {
            foreach (var word in matches[i])
            {
                if (!_byFirstWord.TryGetValue(word, out var phrases))
                {
                    continue;
                }
                foreach (var phrase in phrases)
                {
                    var last = MatchFrom(phrase, 1, i + 1, matches);
                    if (last < 0)
                    {
                        continue;
                    }
                    if (phrase.Phrase.Level == RiskLevel.None)
                    {
                        benign.Add((tokens[i].Start, tokens[last].End));
                        continue;
                    }
                    var negated = Negated(tokens, i);
                    var level = negated ? RiskLevel.Possible : phrase.Phrase.Level;
                    var span = new RiskSpan(tokens[i].Start, tokens[last].End - tokens[i].Start, phrase.Phrase.Category, level, phrase.Phrase.Language, negated);
                    if (!spans.Contains(span))
                    {
                        spans.Add(span);
                    }
                }
            }
        }
        // An idiom ("stabbed me in the back", "shoot him an email") clears only the possible phrases it
        // overlaps; a high phrase, or one lowered by a negation, always stands.
        spans.RemoveAll(s => s.Level == RiskLevel.Possible && !s.Negated
            && benign.Any(b => b.Start < s.Start + s.Length && s.Start < b.End));
        if (spans.Count == 0)
        {
            return TextRiskResult.Empty;
        }
        spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Level.CompareTo(a.Level));
        return new TextRiskResult(
            spans.Max(s => s.Level),
            [.. spans.Select(s => s.Category).Distinct().Order()],
            spans);
    }

    /// <summary>The index of the last token of the phrase when its slots from <paramref name="slot"/> match from <paramref name="position"/>; else -1.</summary>
    private static int MatchFrom(Compiled phrase, int slot, int position, HashSet<int>[] matches)
    {
        if (slot == phrase.Slots.Length)
        {
            return position - 1;
        }
        var reach = phrase.GapBefore[slot] ? RiskLexiconLoader.MaxGap : 0;
        for (var skip = 0; skip <= reach && position + skip < matches.Length; skip++)
        {
            var at = position + skip;
            if (phrase.Slots[slot].Any(matches[at].Contains))
            {
                var last = MatchFrom(phrase, slot + 1, at + 1, matches);
                if (last >= 0)
                {
                    return last;
                }
            }
        }
        return -1;
    }

    /// <summary>
    /// True when one of the few words before the phrase, in the same clause, is a negation. A clause ends
    /// at punctuation or at a subject word ("I'm not ok I want to die": the "I" starts a new clause).
    /// </summary>
    private bool Negated(List<SafetyToken> tokens, int start)
    {
        if (tokens[start].BreakBefore)
        {
            return false;
        }
        for (var i = start - 1; i >= 0 && i >= start - NegationWindow; i--)
        {
            if (tokens[i].Forms.Any(_negations.Contains))
            {
                return true;
            }
            if (tokens[i].BreakBefore || tokens[i].Forms.Any(_subjects.Contains))
            {
                break;
            }
        }
        return false;
    }

    private HashSet<int> WordsFor(SafetyToken token, Dictionary<string, HashSet<int>> cache)
    {
        var result = new HashSet<int>();
        foreach (var form in token.Forms)
        {
            if (!cache.TryGetValue(form, out var words))
            {
                cache[form] = words = WordsFor(form);
            }
            result.UnionWith(words);
        }
        return result;
    }

    private HashSet<int> WordsFor(string form)
    {
        var found = new HashSet<int>();
        if (_bySqueezed.TryGetValue(SafetyText.Squeeze(form), out var exact))
        {
            found.UnionWith(exact);
        }
        // Typo tolerance is for misspellings: a word that is itself in a lexicon ("suicide") is not a
        // misspelling of a neighbour in another language ("suicida").
        var fuzzy = exact is null;
        if (fuzzy && form.Length is >= 3 and < FuzzyMinLength)
        {
            // Short words allow only two neighbours swapped ("lief", "dei"): other edits of short words are too noisy.
            for (var i = 0; i + 1 < form.Length; i++)
            {
                var swapped = string.Create(form.Length, (form, i), static (span, state) =>
                {
                    state.form.AsSpan().CopyTo(span);
                    (span[state.i], span[state.i + 1]) = (span[state.i + 1], span[state.i]);
                });
                if (_bySqueezed.TryGetValue(SafetyText.Squeeze(swapped), out var near))
                {
                    found.UnionWith(near.Where(id => _vocabulary[id].Length == form.Length));
                }
            }
        }
        if (fuzzy && form.Length >= FuzzyMinLength - 1)
        {
            Fuzzy(form, _byDeletion, found, w => w);
        }
        foreach (var length in _stemLengths)
        {
            if (form.Length >= length && _stemsExact.TryGetValue(form[..length], out var stems))
            {
                found.UnionWith(stems);
            }
            if (!fuzzy || length < FuzzyMinLength)
            {
                continue;
            }
            for (var prefix = Math.Max(length - 1, FuzzyMinLength); prefix <= length + 1 && prefix <= form.Length; prefix++)
            {
                Fuzzy(form[..prefix], _stemsByDeletion, found, w => w[..^1]);
            }
        }
        return found;
    }

    /// <summary>Vocabulary words within one edit of <paramref name="form"/>, found through the deletion index.</summary>
    private void Fuzzy(string form, Dictionary<string, List<int>> index, HashSet<int> found, Func<string, string> plain)
    {
        Candidates(form);
        for (var i = 0; i < form.Length; i++)
        {
            Candidates(form.Remove(i, 1));
        }

        void Candidates(string key)
        {
            if (!index.TryGetValue(key, out var ids))
            {
                return;
            }
            foreach (var id in ids)
            {
                if (!found.Contains(id) && SafetyText.WithinOneEdit(form, plain(_vocabulary[id])))
                {
                    found.Add(id);
                }
            }
        }
    }
}
