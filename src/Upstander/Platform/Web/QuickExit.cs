namespace Upstander.Platform.Web;

/// <summary>
/// "Leave this page quickly" on the pages where someone writes or reads about what happened to them (speaking up,
/// asking for and giving support): one press takes the browser to a neutral page (<c>Privacy:QuickExitUrl</c>) and,
/// with JavaScript, replaces this page in the history so that Back does not return to it; pressing Escape twice does
/// the same. Pages ask for it with <see cref="ViewDataKey"/> (set by the folders' <c>_ViewStart</c>); a part of a page
/// that shows someone's own support on another page (the home page's open conversations) asks with <see cref="OfferOn"/>.
/// Singleton.
/// </summary>
public sealed class QuickExit
{
    public const string Setting = "Privacy:QuickExitUrl";
    public const string DefaultUrl = "https://www.wikipedia.org/";
    public const string ViewDataKey = "QuickExit";

    private QuickExit(string url) => Url = url;

    /// <summary>Asks for the button on this response from inside the page's body (a view component), before the layout renders.</summary>
    public static void OfferOn(HttpContext http) => http.Items[ViewDataKey] = true;

    /// <summary>Whether this response shows the button: its folder asked for it, or a part of the page did.</summary>
    public static bool IsOffered(Microsoft.AspNetCore.Mvc.ViewFeatures.ViewDataDictionary viewData, HttpContext http) =>
        viewData[ViewDataKey] is true || http.Items[ViewDataKey] is true;

    /// <summary>Where the button goes: an absolute http or https address outside Upstander.</summary>
    public string Url { get; }

    /// <summary>The configured address, or the default; a value that is not an absolute http(s) address stops the start with the reason.</summary>
    public static QuickExit From(IConfiguration configuration)
    {
        var configured = configuration[Setting];
        if (string.IsNullOrEmpty(configured))
        {
            return new QuickExit(DefaultUrl);
        }
        if (!Uri.TryCreate(configured, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0)
        {
            throw new StartupProblem($"{Setting} must be the full address of a neutral page, with https:// (for example https://www.wikipedia.org/), not \"{configured}\".");
        }
        return new QuickExit(uri.AbsoluteUri);
    }
}
