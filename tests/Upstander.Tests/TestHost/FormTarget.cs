using System.Net;
using System.Text.RegularExpressions;
using Shouldly;

namespace Upstander.Tests.TestHost;

/// <summary>
/// Where a browser sends a form when a person presses one of its buttons: the button's formaction, else the form's
/// action, else the address of the page showing it. A page shown again after a post to a named handler has that
/// handler in its address, so a form without an action posts there, not where it means to.
/// </summary>
public static partial class FormTarget
{
    /// <summary>The address the form holding the submit button labelled <paramref name="button"/> posts to, on a page shown at <paramref name="pageUrl"/>.</summary>
    public static string Of(string html, string pageUrl, string button)
    {
        var form = Forms().Matches(html).Select(m => m.Value).Where(f => ButtonLabelled(f, button) is not null).ShouldHaveSingleItem($"one form with a \"{button}\" button");
        var target = Attribute(ButtonLabelled(form, button)!, "formaction") ?? Attribute(Opening().Match(form).Value, "action");
        return string.IsNullOrEmpty(target) ? pageUrl : target;
    }

    private static string? ButtonLabelled(string form, string label) =>
        Buttons().Matches(form).FirstOrDefault(b => PageText.Of(b.Groups["label"].Value).Trim() == label)?.Groups["open"].Value;

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"");
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    [GeneratedRegex("<form\\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex Forms();

    [GeneratedRegex("^<form\\b[^>]*>")]
    private static partial Regex Opening();

    [GeneratedRegex("(?<open><button\\b[^>]*type=\"submit\"[^>]*>)(?<label>.*?)</button>", RegexOptions.Singleline)]
    private static partial Regex Buttons();
}
