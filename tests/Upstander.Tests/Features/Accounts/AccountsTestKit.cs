using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>Steps the account tests share: people without accounts, API clients with the antiforgery header, invitation links.</summary>
public static partial class AccountsTestKit
{
    /// <summary>The account's stored password hash, to show a password was or was not changed.</summary>
    public static Task<string?> PasswordHashAsync(this UpstanderFactory factory, TestAccount account) =>
        factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Users.Where(a => a.Id == account.AccountId).Select(a => a.PasswordHash).SingleAsync());

    public static async Task<Guid> AddPersonAsync(this UpstanderFactory factory, Guid organisationId, string name, string email, DateOnly? leaveDate = null) =>
        await factory.InScopeAsync(organisationId, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var person = new Person(organisationId,
                new PersonDetails(name, email, "emp-" + Guid.NewGuid().ToString("N")[..8], null, null, null, null, "en", null, leaveDate),
                DateTimeOffset.UtcNow);
            db.People.Add(person);
            await db.SaveChangesAsync();
            return person.Id;
        });

    /// <summary>A signed-in browser that also sends the antiforgery header, as the site's own scripts do for API writes.</summary>
    public static async Task<HttpClient> SignInForApiAsync(this UpstanderFactory factory, TestAccount account)
    {
        var client = await factory.SignInAsync(account);
        var token = await client.AntiforgeryTokenAsync("/account");
        client.DefaultRequestHeaders.Add("RequestVerificationToken", token);
        return client;
    }

    /// <summary>
    /// A host that mails through <paramref name="sink"/> with no <c>PublicUrl</c>, listening on <paramref name="port"/>
    /// (never opened: test hosts answer in memory), and a client whose requests name evil.example as their Host, as any
    /// client's can. Returns the address links should be built from.
    /// </summary>
    public static (UpstanderFactory Factory, HttpClient ForgedHost, string Listening) WithoutPublicUrl(SmtpSink sink, int port)
    {
        var settings = sink.Settings();
        settings["PublicUrl"] = "";
        settings["urls"] = $"http://0.0.0.0:{port}";
        var factory = new UpstanderFactory(settings: settings);
        var forged = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("http://evil.example") });
        return (factory, forged, $"http://localhost:{port}");
    }

    /// <summary>Posts JSON as passkeys.js does: asking for JSON answers, from the site's own origin (which WebAuthn checks).</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Add("Origin", SoftwarePasskey.Origin);
        return client.SendAsync(request);
    }

    /// <summary>Adds <paramref name="device"/>'s passkey on the account page's ceremony; the answer is the first refusal, or the last step's.</summary>
    public static async Task<HttpResponseMessage> AddPasskeyAsync(this HttpClient client, SoftwarePasskey device, string name = "Test device")
    {
        var options = await client.PostJsonAsync("/account/passkeys/creation-options", new { });
        return options.IsSuccessStatusCode
            ? await client.PostJsonAsync("/account/passkeys", new { name, credential = device.Create(await options.Content.ReadAsStringAsync()) })
            : options;
    }

    /// <summary>The session cookies <paramref name="response"/> sets: one when the session was issued (again) by it.</summary>
    public static List<string> SessionCookies(HttpResponseMessage response) =>
        [.. (response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).Where(c => c.StartsWith("upstander.session=", StringComparison.Ordinal))];

    public static Task<int> PasskeyCountAsync(this UpstanderFactory factory, TestAccount account) => factory.InScopeAsync(null, async services =>
    {
        var users = services.GetRequiredService<UserManager<Account>>();
        return (await users.GetPasskeysAsync((await users.FindByIdAsync(account.AccountId.ToString()))!)).Count;
    });

    public static async Task<string> InviteAsync(this HttpClient admin, Guid personId, params string[] roles)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/invitations", new { personId, roles });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<InvitationCreatedView>())!.Link;
    }

    /// <summary>The path and query of an invitation link, for a client whose base address is the test server.</summary>
    public static string PathOf(string link) => new Uri(link).PathAndQuery;

    public static string TokenOf(string link) => Uri.UnescapeDataString(new Uri(link).Query.Split("token=")[1]);

    /// <summary>An administrator makes a password link for <paramref name="person"/> on their page, which shows it; returns its path and query.</summary>
    public static async Task<string> GivePasswordLinkAsync(this HttpClient admin, TestAccount person)
    {
        var page = await admin.PostFormAsync($"/admin/people/{person.PersonId:D}?handler=PasswordLink", new());
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        return PathOf(WebUtility.HtmlDecode(PasswordLinkRegex().Match(await page.Content.ReadAsStringAsync()).Value));
    }

    /// <summary>A link to set a new password, in an email or (HTML-encoded) on a page.</summary>
    [GeneratedRegex(@"https?://[^\s""<]+/account/reset-password\?token=[^\s""<]+")]
    public static partial Regex PasswordLinkRegex();

    public static Task<HttpResponseMessage> AcceptWithPasswordAsync(this HttpClient client, string link, string password, string? confirm = null) =>
        client.PostFormAsync(PathOf(link), new() { ["Password"] = password, ["ConfirmPassword"] = confirm ?? password });

    /// <summary>
    /// Each browser loads its page for its form token; then, with <paramref name="barrier"/> armed, each posts its password
    /// (typed twice) there, all at once.
    /// </summary>
    public static async Task<HttpResponseMessage[]> PostPasswordsAtOnceAsync(ReadBarrier barrier, params (HttpClient Browser, string Path, string Password)[] posts)
    {
        var tokens = new string[posts.Length];
        for (var i = 0; i < posts.Length; i++)
        {
            tokens[i] = await posts[i].Browser.AntiforgeryTokenAsync(posts[i].Path);
        }
        barrier.Arm();
        return await Task.WhenAll(posts.Select((post, i) =>
            post.Browser.PostWithTokenAsync(post.Path, tokens[i], ("Password", post.Password), ("ConfirmPassword", post.Password))));
    }

    public static string AuthenticatorKey(string setupPage)
    {
        var match = KeyRegex().Match(setupPage);
        match.Success.ShouldBeTrue("the set-up page shows the key for manual entry");
        return match.Groups[1].Value;
    }

    [GeneratedRegex("data-authenticator-key>([A-Z2-7 ]+)<")]
    private static partial Regex KeyRegex();
}
