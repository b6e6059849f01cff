using System.Net;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Security;

public sealed class AuthorizationTests : IAsyncLifetime
{
    /// <summary>
    /// Every route that anyone may reach without signing in. A new anonymous route fails the test
    /// until it is added here on purpose.
    /// </summary>
    public static readonly HashSet<string> PublicRoutes = new(StringComparer.Ordinal)
    {
        "/account/sign-in",
        "/account/sign-in/two-factor",
        "/account/signed-out",
        "/account/access-denied",
        "/account/forgot-password",
        "/account/reset-password",
        "/account/invitation",
        "/account/invitation/passkey",
        "/account/invitation/passkey/creation-options",
        "/account/passkeys/request-options",
        "/account/passkeys/sign-in",
        "/error/{code:int?}",
        "/health",
        "/privacy",
        "/report/{slug}",
        "/report/{slug}/follow-up",
        "/report/{slug}/follow-up/case",
        "/setup",
    };

    /// <summary>Each role's own area, and the only role that may open it.</summary>
    public static readonly (string Path, string Role)[] RolePages =
    [
        ("/supporter", Roles.PeerSupporter),
        ("/coordinate", Roles.Coordinator),
        ("/cases", Roles.CaseManager),
        ("/insights", Roles.Leader),
        ("/research", Roles.Researcher),
        ("/admin", Roles.Admin),
        ("/custodian", Roles.Custodian),
    ];

    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;

    public async Task InitializeAsync() => _org = await _factory.CreateOrganisationAsync("Authorization Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public void Every_anonymous_route_is_on_the_public_list_and_the_list_has_no_stale_entries()
    {
        var routes = Routes.All(_factory.Services);
        routes.Count.ShouldBeGreaterThan(15);
        var anonymous = routes.Where(r => r.AllowsAnonymous).Select(r => r.Pattern).ToHashSet();
        anonymous.Except(PublicRoutes).ShouldBeEmpty("these routes allow anonymous access but are not on the public list");
        PublicRoutes.Except(routes.Select(r => r.Pattern)).ShouldBeEmpty("these public-list entries no longer exist");
    }

    [Fact]
    public async Task Every_other_route_turns_away_someone_who_is_not_signed_in()
    {
        var client = _factory.Browser();
        var checkedRoutes = 0;
        foreach (var route in Routes.All(_factory.Services).Where(r => !r.AllowsAnonymous))
        {
            foreach (var method in route.Methods.Where(m => m is "GET" or "POST" or "PUT" or "DELETE" or "PATCH"))
            {
                var url = route.Url((name, constraint) => Routes.Sample(name, constraint, _org[Roles.Employee].PersonId));
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method != "GET")
                {
                    request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
                }
                var response = await client.SendAsync(request);
                var turnedAway = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest
                    || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/sign-in", StringComparison.Ordinal));
                turnedAway.ShouldBeTrue($"{method} {url} answered {(int)response.StatusCode} to an anonymous caller");
                if (response.StatusCode == HttpStatusCode.BadRequest)
                {
                    // Only antiforgery may answer before authentication, and it must not leak anything.
                    method.ShouldNotBe("GET");
                }
                checkedRoutes++;
            }
        }
        checkedRoutes.ShouldBeGreaterThan(10);
    }

    [Fact]
    public async Task Each_role_reaches_its_own_area_and_no_other()
    {
        foreach (var role in Roles.All)
        {
            var client = await _factory.SignInAsync(_org[role]);
            foreach (var (path, owner) in RolePages)
            {
                var response = await client.GetAsync(path);
                if (owner == role)
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{role} should reach {path}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} should not reach {path}");
                    response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
                }
            }
            (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task The_home_page_shows_a_section_for_each_role_held_and_none_for_others()
    {
        var admin = await (await _factory.SignInAsync(_org[Roles.Admin])).GetStringAsync("/");
        admin.ShouldContain("Manage people, roles, invitations");
        admin.ShouldNotContain("id=\"case-manager\"");
        var caseManager = await (await _factory.SignInAsync(_org[Roles.CaseManager])).GetStringAsync("/");
        caseManager.ShouldContain("id=\"case-manager\"");
        caseManager.ShouldNotContain("Manage people, roles, invitations");
    }

    [Fact]
    public async Task The_openapi_document_is_served_to_signed_in_callers_only()
    {
        (await _factory.Browser().GetAsync("/api/v1/openapi.json")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var client = await _factory.SignInAsync(_org[Roles.Employee]);
        var document = await client.GetStringAsync("/api/v1/openapi.json");
        document.ShouldContain("\"openapi\"");
        document.ShouldContain("/api/v1/people");
    }
}
