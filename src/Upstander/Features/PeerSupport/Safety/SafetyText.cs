using System.Globalization;
using System.Text;

namespace Upstander.Features.PeerSupport.Safety;

/// <summary>
/// One word of normalised text. <see cref="Forms"/> holds the ways to read it (two when a character
/// like "1" may stand for "i" or "l"); <see cref="Start"/> and <see cref="End"/> are offsets into the
/// original string. <see cref="BreakBefore"/> is true when a sentence break separates it from the
/// previous token (negation never reaches across one).
/// </summary>
internal readonly record struct SafetyToken(string[] Forms, int Start, int End, bool BreakBefore);

/// <summary>
/// Turns text into tokens for the risk detector, designed for recall: Unicode compatibility forms and
/// diacritics are folded, case is ignored, leetspeak is read ("k1ll", "$uicide"), runs of three or more
/// of a letter are cut to two ("diiie", "killlll"), letters spelt out with spaces or dots are joined
/// ("k i l l", "s.u.i.c.i.d.e"), and contractions are expanded from the lexicons' tables ("don't",
/// "dont" → "do not"). Pure and thread-safe; the text is never stored or logged.
/// </summary>
internal static class SafetyText
{
    private static readonly string?[] Folded = new string?[char.MaxValue + 1];

    /// <summary>The folded, lower-case form of one UTF-16 unit: compatibility-decomposed, marks removed, a few letters spelt out.</summary>
    internal static string Fold(char c)
    {
        var cached = Folded[c];
        if (cached is not null)
        {
            return cached;
        }
        var folded = FoldUncached(c);
        Folded[c] = folded;
        return folded;
    }

    private static string FoldUncached(char c)
    {
        switch (c)
        {
            case '\u2019' or '\u2018' or '\u02BC' or '`' or '\u00B4' or '\u2032':
                return "'";
            case '\u0640': // Arabic tatweel (elongation)
                return "";
            case '\u0629': // ta marbuta reads as ha
                return "\u0647";
            case '\u0649': // alef maksura reads as ya
                return "\u064A";
        }
        if (char.IsSurrogate(c))
        {
            return " ";
        }
        var decomposed = c.ToString().Normalize(NormalizationForm.FormKD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var d in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(d);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format)
            {
                continue;
            }
            builder.Append(char.ToLowerInvariant(d) switch
            {
                'ß' => "ss",
                'ł' => "l",
                'ø' => "o",
                'æ' => "ae",
                'œ' => "oe",
                'đ' => "d",
                'ħ' => "h",
                'ı' => "i",
                'þ' => "th",
                var other => other.ToString(),
            });
        }
        return builder.ToString();
    }

    /// <summary>Characters that may stand for a letter inside a word (leetspeak).</summary>
    private static bool IsLeetSymbol(char c) => c is '@' or '$' or '!' or '|' or '+' or '€';

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || IsLeetSymbol(c) || c == '\'';

    /// <summary>Punctuation that ends a clause: a negation before it does not reach the words after it.</summary>
    private static bool IsSentenceBreak(char c) => c is '.' or '!' or '?' or ';' or ',' or ':' or '\n' or '\u2014' or '\u060C' or '\u061F' or '\u06D4' or '\u3002';

    /// <summary>Tokens of <paramref name="text"/>, with contractions expanded from <paramref name="contractions"/>.</summary>
    public static List<SafetyToken> Tokenise(string text, IReadOnlyDictionary<string, string[]> contractions)
    {
        var raw = RawTokens(text);
        JoinSpelledOut(raw);
        var tokens = new List<SafetyToken>(raw.Count + 8);
        foreach (var (word, start, end, breakBefore) in raw)
        {
            var trimmed = word.Trim('\'');
            if (trimmed.Length == 0)
            {
                continue;
            }
            if (contractions.TryGetValue(trimmed, out var expansion) || contractions.TryGetValue(trimmed.Replace("'", "", StringComparison.Ordinal), out expansion))
            {
                for (var i = 0; i < expansion.Length; i++)
                {
                    tokens.Add(new SafetyToken(Forms(expansion[i]), start, end, breakBefore && i == 0));
                }
                continue;
            }
            var first = true;
            foreach (var part in trimmed.Split('\'', StringSplitOptions.RemoveEmptyEntries))
            {
                tokens.Add(new SafetyToken(Forms(part), start, end, breakBefore && first));
                first = false;
            }
        }
        return tokens;
    }

    private sealed record RawToken(string Word, int Start, int End, bool BreakBefore);

    /// <summary>Runs of word characters in the folded text, each with its span in the original text.</summary>
    private static List<RawToken> RawTokens(string text)
    {
        var tokens = new List<RawToken>(text.Length / 4 + 1);
        var word = new StringBuilder();
        var origin = new List<int>(); // the original index of each folded character in the word
        var pendingBreak = false;
        for (var i = 0; i < text.Length; i++)
        {
            var folded = Fold(text[i]);
            if (folded.Length == 0)
            {
                continue;
            }
            if (IsWordChar(folded[0]))
            {
                word.Append(folded);
                for (var k = 0; k < folded.Length; k++)
                {
                    origin.Add(i);
                }
                continue;
            }
            Flush();
            if (IsSentenceBreak(folded[0]))
            {
                pendingBreak = true;
            }
        }
        Flush();
        return tokens;

        void Flush()
        {
            if (word.Length == 0)
            {
                return;
            }
            var value = word.ToString();
            // A "!" or "|" at the end of a word is punctuation, not leetspeak ("help me!").
            var end = value.TrimEnd('!', '|', '+').Length;
            var exclaimed = value.AsSpan(end).Contains('!');
            var start = 0;
            while (start < end && value[start] is '|' or '+' or '!')
            {
                start++;
            }
            if (start < end)
            {
                tokens.Add(new RawToken(value[start..end], origin[start], origin[end - 1] + 1, pendingBreak));
                pendingBreak = false;
            }
            pendingBreak |= exclaimed;
            word.Clear();
            origin.Clear();
        }
    }

    /// <summary>Joins three or more one-letter tokens in a row into one word ("k i l l", "s.u.i.c.i.d.e").</summary>
    private static void JoinSpelledOut(List<RawToken> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var j = i;
            while (j < tokens.Count && tokens[j].Word.Length == 1)
            {
                j++;
            }
            if (j - i >= 3)
            {
                var joined = string.Concat(tokens.Skip(i).Take(j - i).Select(t => t.Word));
                var merged = new RawToken(joined, tokens[i].Start, tokens[j - 1].End, tokens[i].BreakBefore);
                tokens.RemoveRange(i, j - i);
                tokens.Insert(i, merged);
            }
        }
    }

    /// <summary>The readings of one word: leetspeak resolved (both ways where "1" or "!" may be "i" or "l"), long letter runs cut to two.</summary>
    internal static string[] Forms(string word)
    {
        var hasLetter = false;
        var hasLeet = false;
        var ambiguous = false;
        foreach (var c in word)
        {
            if (char.IsLetter(c))
            {
                hasLetter = true;
            }
            else if (char.IsDigit(c) || IsLeetSymbol(c))
            {
                hasLeet = true;
                ambiguous |= c is '1' or '!';
            }
        }
        if (!hasLetter || !hasLeet)
        {
            return [CutRuns(word)];
        }
        var first = CutRuns(Leet(word, 'i'));
        if (!ambiguous)
        {
            return [first];
        }
        var second = CutRuns(Leet(word, 'l'));
        return first == second ? [first] : [first, second];
    }

    private static string Leet(string word, char oneAs)
    {
        var builder = new StringBuilder(word.Length);
        foreach (var c in word)
        {
            builder.Append(c switch
            {
                '0' => 'o',
                '1' or '!' => oneAs,
                '|' => 'l',
                '3' or '€' => 'e',
                '4' or '@' => 'a',
                '5' or '$' => 's',
                '7' or '+' => 't',
                '8' => 'b',
                '9' => 'g',
                _ => c,
            });
        }
        return builder.ToString();
    }

    /// <summary>Runs of three or more of one character cut to two ("diiie" → "diie").</summary>
    internal static string CutRuns(string word) => Squash(word, 2);

    /// <summary>Every run of one character cut to one ("diie" → "die", "kill" → "kil"): the key for comparing stretched words.</summary>
    internal static string Squeeze(string word) => Squash(word, 1);

    private static string Squash(string word, int keep)
    {
        var changed = false;
        for (var i = keep; i < word.Length && !changed; i++)
        {
            changed = RunEndsAt(word, i, keep);
        }
        if (!changed)
        {
            return word;
        }
        var builder = new StringBuilder(word.Length);
        for (var i = 0; i < word.Length; i++)
        {
            if (i < keep || !RunEndsAt(word, i, keep))
            {
                builder.Append(word[i]);
            }
        }
        return builder.ToString();
    }

    private static bool RunEndsAt(string word, int i, int keep)
    {
        for (var k = 1; k <= keep; k++)
        {
            if (word[i - k] != word[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Optimal-string-alignment Damerau–Levenshtein distance, stopping early above 1.</summary>
    internal static bool WithinOneEdit(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 1)
        {
            return false;
        }
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }
        if (i == a.Length || i == b.Length)
        {
            return true; // equal, or one extra character at the end
        }
        var restA = a.AsSpan(i + 1);
        var restB = b.AsSpan(i + 1);
        if (a.Length == b.Length)
        {
            // one substitution, or one transposition of neighbours
            return restA.SequenceEqual(restB)
                || (i + 1 < a.Length && a[i] == b[i + 1] && a[i + 1] == b[i] && a.AsSpan(i + 2).SequenceEqual(b.AsSpan(i + 2)));
        }
        // one insertion or deletion
        return a.Length > b.Length ? restA.SequenceEqual(b.AsSpan(i)) : a.AsSpan(i).SequenceEqual(restB);
    }
}
