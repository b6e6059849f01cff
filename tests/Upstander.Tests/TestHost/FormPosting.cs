using System.Net;
using System.Text.RegularExpressions;

namespace Upstander.Tests.TestHost;

/// <summary>Posts forms as a browser does: fetch the page, take its antiforgery token, post the fields.</summary>
public static partial class FormPosting
{
    public static async Task<string> AntiforgeryTokenAsync(this HttpClient client, string pageUrl)
    {
        var response = await client.GetAsync(pageUrl);
        var html = await response.Content.ReadAsStringAsync();
        return Token(html) ?? throw new InvalidOperationException($"No antiforgery token on {pageUrl} (status {(int)response.StatusCode}).");
    }

    public static string? Token(string html)
    {
        var match = TokenRegex().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null;
    }

    /// <summary>Gets the page at <paramref name="url"/> (or <paramref name="tokenFrom"/>) for its token, then posts the fields to <paramref name="url"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, Dictionary<string, string> fields, string? tokenFrom = null)
    {
        var token = await client.AntiforgeryTokenAsync(tokenFrom ?? url);
        fields["__RequestVerificationToken"] = token;
        return await client.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
