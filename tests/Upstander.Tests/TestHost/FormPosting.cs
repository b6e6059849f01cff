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

    /// <summary>Posts the fields with a token fetched before (for posts that must start together, with no page load first).</summary>
    public static Task<HttpResponseMessage> PostWithTokenAsync(this HttpClient client, string url, string token, params (string Name, string Value)[] fields) =>
        client.PostAsync(url, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token))));

    /// <summary>Gets the page at <paramref name="url"/> (or <paramref name="tokenFrom"/>) for its token, then posts the fields to <paramref name="url"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string url, Dictionary<string, string> fields, string? tokenFrom = null)
    {
        var token = await client.AntiforgeryTokenAsync(tokenFrom ?? url);
        fields["__RequestVerificationToken"] = token;
        return await client.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// Signs this client in through the real pages, as a person would: password, then the authenticator
    /// code when the account has two-factor on. Works for any host built from the app, derived ones included.
    /// </summary>
    public static async Task SignInAsync(this HttpClient client, TestAccount account)
    {
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = account.Email, ["Password"] = UpstanderFactory.Password });
        if (response.Headers.Location?.OriginalString.StartsWith("/account/sign-in/two-factor", StringComparison.Ordinal) == true)
        {
            account.TotpKey.ShouldNotBeNull($"{account.Email} needs two-factor but the test has no key");
            response = await client.PostFormAsync(response.Headers.Location.OriginalString, new() { ["Code"] = Totp.Code(account.TotpKey) });
        }
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"sign-in for {account.Email} did not redirect");
        response.Headers.Location!.OriginalString.ShouldBe("/");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();
}
