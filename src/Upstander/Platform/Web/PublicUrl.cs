namespace Upstander.Platform.Web;

/// <summary>
/// The <c>PublicUrl</c> setting: the address people use to reach Upstander, which emailed and printed links are built
/// from. Checked at start, so that a value links cannot be built from stops the start with the reason instead of
/// sending broken invitation links.
/// </summary>
public static class PublicUrl
{
    public const string Setting = "PublicUrl";

    /// <summary>
    /// The configured address without a trailing slash, or <paramref name="fallback"/> when none is set. A value links
    /// cannot be built from is refused here, where every link is built (the web start refuses it earlier, the command
    /// line's verbs here), never turned into a broken link.
    /// </summary>
    public static string Of(IConfiguration configuration, string fallback)
    {
        var configured = configuration[Setting];
        if (Problem(configured) is { } problem)
        {
            throw new StartupProblem(problem);
        }
        return (string.IsNullOrEmpty(configured) ? fallback : configured).TrimEnd('/');
    }

    /// <summary>
    /// The configured address, or where Upstander listens (<see cref="Startup.LocalUrl"/>) when none is set: for
    /// addresses printed on the console, links made outside any request and every link that is emailed.
    /// </summary>
    public static string Of(IConfiguration configuration) => Of(configuration, Startup.LocalUrl(configuration));

    /// <summary>
    /// A one-time link (an invitation, a password link): <paramref name="path"/> at the public address, carrying
    /// <paramref name="token"/>. Without a configured address, it is built from <paramref name="shownAt"/>, the address of
    /// the request it is shown in answer to, only for a link that is shown and not emailed; an emailed link (null) is
    /// built from where Upstander listens. A request's <c>Host</c> is whatever its client sent, and a forged one would
    /// put the sender's address, with the token, in a genuine email.
    /// </summary>
    public static string Link(IConfiguration configuration, string? shownAt, string path, string token) =>
        $"{(shownAt is null ? Of(configuration) : Of(configuration, shownAt))}{path}?token={Uri.EscapeDataString(token)}";

    /// <summary>What is wrong with a configured value; null when it is usable or not set.</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || string.IsNullOrEmpty(uri.Host))
        {
            return $"PublicUrl must be the full address people open, with https:// (for example https://upstander.example.org), not \"{value}\".";
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return $"PublicUrl must be an address without a user name, query or fragment (for example https://upstander.example.org), not \"{value}\".";
        }
        return null;
    }
}
