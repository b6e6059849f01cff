using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Security;
using Upstander.Platform.Web;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Web;

public sealed class WebQualityTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;

    public async Task InitializeAsync() => _org = await _factory.CreateOrganisationAsync("Web Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Every_kind_of_response_carries_the_security_headers_and_no_server_header()
    {
        var signedIn = await _factory.SignInAsync(_org[Roles.Employee]);
        var responses = new List<(string What, HttpResponseMessage Response)>
        {
            ("sign-in page", await _factory.Browser().GetAsync("/account/sign-in")),
            ("home page", await signedIn.GetAsync("/")),
            ("api", await signedIn.GetAsync("/api/v1/me")),
            ("api 401", await _factory.Browser().GetAsync("/api/v1/me")),
            ("404 page", await signedIn.GetAsync("/no/such/page")),
            ("stylesheet", await _factory.Browser().GetAsync("/css/site.css")),
            ("redirect", await _factory.Browser().GetAsync("/")),
        };
        foreach (var (what, response) in responses)
        {
            var headers = response.Headers;
            headers.GetValues("Content-Security-Policy").Single().ShouldBe(SecurityHeaders.ContentSecurityPolicy, what);
            SecurityHeaders.ContentSecurityPolicy.ShouldContain("frame-ancestors 'none'");
            SecurityHeaders.ContentSecurityPolicy.ShouldNotContain("unsafe-inline");
            headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff", what);
            headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer", what);
            headers.Contains("Server").ShouldBeFalse(what);
        }
        responses.Single(r => r.What == "home page").Response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        responses.Single(r => r.What == "api").Response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    /// <summary>
    /// Every page names its icon, and the icon is served to anyone: without it a browser asks for /favicon.ico on each
    /// first visit, which sends a visitor who is not signed in to the sign-in page and a signed-in one a 404.
    /// </summary>
    [Fact]
    public async Task Every_page_names_an_icon_that_is_served_without_signing_in()
    {
        var signedIn = await _factory.SignInAsync(_org[Roles.Employee]);
        foreach (var html in new[] { await _factory.Browser().GetStringAsync("/account/sign-in"), await signedIn.GetStringAsync("/") })
        {
            var icon = System.Text.RegularExpressions.Regex.Match(html, "<link rel=\"icon\" href=\"([^\"]+)\" type=\"image/svg\\+xml\">");
            icon.Success.ShouldBeTrue("the layout links an SVG icon");
            var response = await _factory.Browser().GetAsync(icon.Groups[1].Value);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
            (await response.Content.ReadAsStringAsync()).ShouldStartWith("<svg");
        }
    }

    [Fact]
    public async Task Pages_contain_no_inline_script_or_style_and_every_form_posts_with_antiforgery()
    {
        var admin = await _factory.SignInAsync(_org[Roles.Admin]);
        foreach (var path in new[] { "/", "/admin", "/privacy", "/account/sign-out" })
        {
            var html = await admin.GetStringAsync(path);
            html.ShouldNotContain("<script>", customMessage: path);
            html.ShouldNotContain(" style=\"", customMessage: path);
            html.ShouldNotContain(" onclick=", customMessage: path);
            var forms = System.Text.RegularExpressions.Regex.Matches(html, "<form[^>]*method=\"post\"[\\s\\S]*?</form>");
            foreach (System.Text.RegularExpressions.Match form in forms)
            {
                form.Value.ShouldContain("__RequestVerificationToken", customMessage: path);
            }
        }
    }

    /// <summary>
    /// No script reads client validation's data-val-* attributes (the server checks every post), so forms do not carry
    /// them: they were a tenth of the sign-in page's work. The limits a browser itself applies stay.
    /// </summary>
    [Fact]
    public async Task Form_fields_keep_their_browser_limits_without_client_validation_attributes()
    {
        var html = await _factory.Browser().GetStringAsync("/account/sign-in");
        html.ShouldNotContain("data-val");
        html.ShouldContain("maxlength=\"254\"");
        html.ShouldContain("type=\"email\"");
        html.ShouldContain("required");
    }

    [Fact]
    public async Task A_form_post_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        var client = _factory.Browser();
        var response = await client.PostAsync("/account/sign-in",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["Email"] = _org[Roles.Employee].Email, ["Password"] = UpstanderFactory.Password }));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_failure_inside_the_app_shows_a_calm_page_or_problem_details_and_never_the_exception()
    {
        await using var factory = _factory.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            services.AddTransient<IStartupFilter, ThrowingEndpoints>()));
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await client.SignInAsync(_org[Roles.Employee]);
        var page = await client.GetAsync("/test-failure");
        page.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("Something went wrong on our side");
        html.ShouldNotContain("secret-internal-detail");
        html.ShouldNotContain("   at ");

        var api = await client.GetAsync("/api/test-failure");
        api.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var json = await api.Content.ReadAsStringAsync();
        json.ShouldNotContain("secret-internal-detail");
        json.ShouldNotContain("exception", Case.Insensitive);
    }

    [Fact]
    public async Task Unknown_pages_get_a_friendly_404_and_unknown_api_routes_a_problem_document()
    {
        var client = await _factory.SignInAsync(_org[Roles.Employee]);
        var page = await client.GetAsync("/nothing-here");
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldContain("We could not find that page");
        var api = await client.GetAsync("/api/v1/nothing-here");
        api.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        api.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Too_many_sign_in_attempts_get_429_with_a_clear_message()
    {
        await using var limited = new UpstanderFactory(settings: new Dictionary<string, string?> { ["RateLimits:SignInPerMinute"] = "3" });
        var org = await limited.CreateOrganisationAsync("Limited Org");
        var client = limited.Browser();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.PostFormAsync("/account/sign-in", new() { ["Email"] = org[Roles.Employee].Email, ["Password"] = "wrong password " + i })).StatusCode);
        }
        statuses.Take(3).ShouldAllBe(s => s == HttpStatusCode.BadRequest);
        statuses.Skip(3).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
        var last = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = org[Roles.Employee].Email, ["Password"] = UpstanderFactory.Password });
        last.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        last.Headers.RetryAfter.ShouldNotBeNull();
        (await last.Content.ReadAsStringAsync()).ShouldContain("Please wait a minute and try again");
    }

    [Fact]
    public async Task Every_submission_is_rate_limited_per_person()
    {
        await using var limited = new UpstanderFactory(settings: new Dictionary<string, string?> { ["RateLimits:SubmissionsPerMinute"] = "4" });
        var org = await limited.CreateOrganisationAsync("Submission Org");
        var client = await limited.ApiClientAsync(org, org[Roles.Employee]);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await client.PostAsync("/api/v1/me", new StringContent("{}"))).StatusCode);
        }
        statuses.ShouldContain(HttpStatusCode.TooManyRequests);
        statuses.Take(statuses.IndexOf(HttpStatusCode.TooManyRequests)).ShouldAllBe(s => s != HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Logs_hold_no_client_address_or_user_agent()
    {
        var client = await _factory.SignInAsync(_org[Roles.Employee]);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("CanaryAgent/9.9.9");
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.77");
        await client.GetAsync("/");
        await client.GetAsync("/nothing-here");
        _factory.Logs.All.ShouldNotContain("CanaryAgent");
        _factory.Logs.All.ShouldNotContain("203.0.113.77");
        _factory.Logs.Lines.Count.ShouldBeGreaterThan(0);
    }

    private sealed class ThrowingEndpoints : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/test-failure", a => a.Run(_ => throw new InvalidOperationException("secret-internal-detail")));
            app.Map("/api/test-failure", a => a.Run(_ => throw new InvalidOperationException("secret-internal-detail")));
        };
    }
}
