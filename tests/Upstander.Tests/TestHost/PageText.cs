using System.Net;
using System.Text.RegularExpressions;
using Shouldly;

namespace Upstander.Tests.TestHost;

/// <summary>
/// What a person reads on a page, and assertions that a name is not on it. A page carries random base64 (antiforgery
/// tokens, nonces), so a short name searched for anywhere in its markup, ignoring case, is found by chance now and then:
/// "Ada" turned up in a token and failed a run. Names are therefore looked for as whole words in the text a person
/// reads, and as the exact full name anywhere in the markup (a full name has a space, which base64 never does).
/// </summary>
public static partial class PageText
{
    /// <summary>The text of a page without its markup, entities decoded and whitespace collapsed.</summary>
    public static string Of(string html) => WebUtility.HtmlDecode(Whitespace().Replace(Tags().Replace(html, " "), " "));

    /// <summary>Fails if the page shows <paramref name="fullName"/>, or any word of it, to the person reading it.</summary>
    public static void ShouldNotName(string html, string fullName)
    {
        html.ShouldNotContain(fullName, Case.Sensitive, $"the page's markup carries the name \"{fullName}\"");
        var text = Of(html);
        foreach (var word in fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Regex.IsMatch(text, $@"\b{Regex.Escape(word)}\b").ShouldBeFalse($"the page shows \"{word}\" (of \"{fullName}\"): …{Around(text, word)}…");
        }
    }

    private static string Around(string text, string word)
    {
        var at = text.IndexOf(word, StringComparison.Ordinal);
        return at < 0 ? "" : text.Substring(Math.Max(0, at - 60), Math.Min(text.Length - Math.Max(0, at - 60), word.Length + 120));
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
