using System.Net;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Training;

/// <summary>Short forms for walking the training pages as a browser does.</summary>
public static class TrainingPages
{
    /// <summary>Posts the fields with the antiforgery token of the page at the url (without its query).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, params (string Name, string Value)[] fields)
    {
        var token = await client.AntiforgeryTokenAsync(url.Split('?')[0]);
        var pairs = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return await client.PostAsync(url, new FormUrlEncodedContent(pairs));
    }

    /// <summary>Where a redirect goes; fails unless the response is one.</summary>
    public static string Location(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>Does every step of a sample-course module (its address), passing its check and playing its scenario to the end.</summary>
    public static async Task FinishModuleAsync(HttpClient client, string module)
    {
        await PageAsync(client, module + "/lessons/1");
        await PageAsync(client, module + "/lessons/2");
        await PageAsync(client, module + "/check");
        Location(await PostAsync(client, module + "/check", ("q.q1", "a"), ("q.q2", "a"), ("q.q2", "c")));
        await PageAsync(client, module + "/scenarios/quiet-word");
        Location(await PostAsync(client, module + "/scenarios/quiet-word", ("ResponseId", "r1")));
        Location(await PostAsync(client, module + "/scenarios/quiet-word", ("ResponseId", "r1")));
    }

    /// <summary>The page's HTML, decoded; fails unless it answers 200.</summary>
    public static async Task<string> PageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}
