using System.Net;
using System.Text;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Web;

/// <summary>
/// Sends a battery of bad input to every submission route — pages and API — as an admin, as an
/// employee and anonymously. Each answer is a 4xx (never a 5xx), and no table gains or loses a row.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    /// <summary>
    /// Routes whose post takes no input at all, so there is nothing bad to send them: signing out, and
    /// asking for a fresh WebAuthn challenge (which stores nothing in the database).
    /// </summary>
    private static readonly HashSet<string> NoInput = new(StringComparer.Ordinal)
    {
        "/account/sign-out",
        "/account/passkeys/creation-options",
        "/account/passkeys/request-options",
        "/account/passkeys/confirm-options",
    };

    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _mine = null!;
    private TestOrganisation _theirs = null!;

    public async Task InitializeAsync()
    {
        _mine = await _factory.CreateOrganisationAsync("Input Org");
        _theirs = await _factory.CreateOrganisationAsync("Foreign Org");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private IEnumerable<string> Ids => [_theirs[Roles.Employee].PersonId.ToString(), _theirs[Roles.Admin].AccountId.ToString(), Guid.NewGuid().ToString()];

    private static readonly string Long = new('x', 100_000);

    private Dictionary<string, string> JunkForm(string id) => new()
    {
        ["Email"] = "not-an-email" + Long,
        ["Password"] = "",
        ["Code"] = "abc\u0000",
        ["RecoveryCode"] = Long,
        ["ReturnUrl"] = "https://evil.example/",
        ["Input.Code"] = "WRONG-CODE",
        ["Input.Name"] = Long,
        ["Input.Email"] = "nope",
        ["Input.EmployeeId"] = "",
        ["Input.OrganisationName"] = Long,
        ["Input.Password"] = "short",
        ["Input.Roles"] = "NotARole",
        ["Input.PersonId"] = id,
        ["PersonId"] = id,
        ["Id"] = id,
        ["Token"] = "upt_bad",
        ["Name"] = Long,
        ["Roles"] = "NotARole",
        ["Lifetime"] = "-5",
    };

    private static IEnumerable<(string Label, HttpContent? Content)> JunkBodies(string id)
    {
        yield return ("no body", null);
        yield return ("malformed json", new StringContent("{\"name\": ", Encoding.UTF8, "application/json"));
        yield return ("json array", new StringContent("[1,2,3]", Encoding.UTF8, "application/json"));
        yield return ("empty object", new StringContent("{}", Encoding.UTF8, "application/json"));
        yield return ("unknown members", new StringContent("{\"isAdmin\": true, \"organisationId\": \"" + id + "\"}", Encoding.UTF8, "application/json"));
        yield return ("over-long values", new StringContent(
            $"{{\"name\":\"{Long}\",\"workEmail\":\"x\",\"employeeId\":\"{Long}\",\"personId\":\"{id}\",\"roles\":[\"NotARole\"],\"lifetimeDays\":-1}}", Encoding.UTF8, "application/json"));
        yield return ("wrong content type", new StringContent("name=x", Encoding.UTF8, "text/plain"));
        yield return ("malformed csv upload", new MultipartFormDataContent { { new StringContent("name,work_email\n\"unterminated,x\n"), "file", "people.csv" } });
    }

    [Fact]
    public async Task Every_submission_route_refuses_bad_input_with_a_4xx_and_changes_nothing()
    {
        var routes = Routes.All(_factory.Services)
            .Where(r => !NoInput.Contains(r.Pattern) && new[] { "POST", "PUT", "PATCH", "DELETE" }.Any(r.Accepts))
            .ToList();
        routes.Count.ShouldBeGreaterThan(3);
        routes.SelectMany(r => r.PostHandlers).ShouldContain("RenamePasskey", "named page handlers must be walked too");
        routes.SelectMany(r => r.PostHandlers).ShouldContain("Notices", "the conversation's email notices form is walked too");
        var callers = new (string Name, HttpClient Client, string TokenPage)[]
        {
            ("admin (cookie)", await _factory.SignInAsync(_mine[Roles.Admin]), "/"),
            ("employee (cookie)", await _factory.SignInAsync(_mine[Roles.Employee]), "/"),
            ("admin (token)", await _factory.ApiClientAsync(_mine, _mine[Roles.Admin]), "/account/sign-in"),
            ("anonymous", _factory.Browser(), "/account/sign-in"),
        };
        var before = await RowCounts.TakeAsync(_factory.Database);
        var failures = new List<string>();
        var sent = 0;

        foreach (var (name, client, tokenPage) in callers)
        {
            var antiforgery = await client.AntiforgeryTokenAsync(tokenPage);
            foreach (var route in routes)
            {
                foreach (var method in route.Methods.Where(m => m is "POST" or "PUT" or "PATCH" or "DELETE"))
                {
                    foreach (var (id, handler) in Ids.SelectMany(i => route.PostHandlers.Prepend("").Select(h => (i, h))))
                    {
                        var url = route.Url((n, c) => Routes.Sample(n, c, Guid.Parse(id))) + (handler.Length > 0 && method == "POST" ? "?handler=" + handler : "");
                        var attempts = route.IsPage
                            ? new List<(string, HttpContent?)>
                            {
                                ("junk form", new FormUrlEncodedContent(JunkForm(id).Append(new("__RequestVerificationToken", antiforgery)))),
                                ("form without antiforgery", new FormUrlEncodedContent(JunkForm(id))),
                            }
                            : JunkBodies(id).ToList();
                        foreach (var (label, content) in attempts)
                        {
                            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = content };
                            if (!route.IsPage)
                            {
                                request.Headers.Add("RequestVerificationToken", antiforgery);
                            }
                            var response = await client.SendAsync(request);
                            sent++;
                            var status = (int)response.StatusCode;
                            var redirectedToSignIn = status == 302 && response.Headers.Location?.OriginalString.Contains("/account/sign-in", StringComparison.Ordinal) == true;
                            var deniedRedirect = status == 302 && response.Headers.Location?.OriginalString.Contains("/account/access-denied", StringComparison.Ordinal) == true;
                            if (!(status is >= 400 and < 500 || redirectedToSignIn || deniedRedirect))
                            {
                                failures.Add($"{name} {method} {url} [{label}] answered {status}");
                            }
                            var body = await response.Content.ReadAsStringAsync();
                            if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal) || body.Contains("SELECT ", StringComparison.Ordinal))
                            {
                                failures.Add($"{name} {method} {url} [{label}] leaked internals");
                            }
                        }
                    }
                }
            }
        }

        failures.ShouldBeEmpty();
        sent.ShouldBeGreaterThan(50);
        var after = await RowCounts.TakeAsync(_factory.Database);
        RowCounts.Differences(before, after).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_oversized_upload_is_refused_with_413_and_a_clear_message()
    {
        var client = await _factory.ApiClientAsync(_mine, _mine[Roles.Admin]);
        var before = await RowCounts.TakeAsync(_factory.Database);
        using var big = new ByteArrayContent(new byte[31 * 1024 * 1024]);
        big.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var response = await client.PostAsync("/api/v1/people/import?mode=validate", big);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).ShouldContain("larger than Upstander accepts");
        (await RowCounts.TakeAsync(_factory.Database)).ShouldBe(before);
    }

    [Fact]
    public async Task Bad_or_unknown_access_tokens_are_refused_with_401()
    {
        foreach (var token in new[] { "upt_short", "upt_" + new string('A', 43), "garbage", "Bearer", "upt_" + new string('!', 43) })
        {
            var client = _factory.Browser();
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
            var response = await client.GetAsync("/api/v1/me");
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, token);
            (await response.Content.ReadAsStringAsync()).ShouldNotContain("Exception");
        }
    }
}
