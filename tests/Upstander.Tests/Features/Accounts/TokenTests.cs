using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

public sealed partial class TokenTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _org = await _factory.CreateOrganisationAsync("Token Org");
        _admin = await _factory.SignInForApiAsync(_org[Roles.Admin]);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_token_calls_the_api_as_its_account_with_that_accounts_roles()
    {
        var issued = await IssueAsync(_org[Roles.Researcher].AccountId, "nightly export", 30);
        issued.Secret.ShouldStartWith("upt_");
        issued.Prefix.ShouldBe(issued.Secret[..10]);

        var program = Program(issued.Secret);
        var me = await program.GetFromJsonAsync<MeView>("/api/v1/me");
        me!.AccountId.ShouldBe(_org[Roles.Researcher].AccountId);
        me.Roles.ShouldBe([Roles.Employee, Roles.Researcher], ignoreOrder: true);
        (await program.GetAsync("/api/v1/people")).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "a researcher's token is not an admin");

        var list = await _admin.GetFromJsonAsync<List<TokenView>>("/api/v1/tokens");
        var row = list!.Single(t => t.Id == issued.Id);
        row.LastUsedAt.ShouldNotBeNull();
        row.Prefix.ShouldBe(issued.Prefix);
        (await _admin.GetStringAsync("/api/v1/tokens")).ShouldNotContain(issued.Secret);

        var stored = await _factory.InScopeAsync(_org.Id, services => services.GetRequiredService<AppDbContext>().PersonalAccessTokens.AsNoTracking().SingleAsync(t => t.Id == issued.Id));
        stored.TokenHash.ShouldBe(SecretToken.Hash(issued.Secret));
        (await AuditActionsAsync()).ShouldContain(AuditActions.TokenIssued);
    }

    [Fact]
    public async Task Revoked_expired_malformed_and_unknown_tokens_get_401_and_nothing_else()
    {
        var revoked = await IssueAsync(_org[Roles.Leader].AccountId, "revoked", 30);
        (await _admin.DeleteAsync($"/api/v1/tokens/{revoked.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var expiring = await IssueAsync(_org[Roles.Leader].AccountId, "expiring", 1);

        var withOtherHost = new[]
        {
            revoked.Secret,
            "upt_not-a-token",
            "upt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "inv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "",
        };
        foreach (var secret in withOtherHost)
        {
            await ShouldBeRefusedAsync(secret);
        }

        (await Program(expiring.Secret).GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        _factory.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await ShouldBeRefusedAsync(expiring.Secret);
        (await AuditActionsAsync()).ShouldContain(AuditActions.TokenRevoked);
    }

    [Fact]
    public async Task A_token_cannot_issue_tokens_even_an_admins()
    {
        var adminToken = await IssueAsync(_org[Roles.Admin].AccountId, "admin automation", 30);
        var program = Program(adminToken.Secret);
        (await program.GetAsync("/api/v1/tokens")).StatusCode.ShouldBe(HttpStatusCode.OK, "an admin's token may read");

        var minted = await program.PostAsJsonAsync("/api/v1/tokens", new { accountId = _org[Roles.Admin].AccountId, name = "more", lifetimeDays = 365 });
        minted.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var count = await _factory.InScopeAsync(_org.Id, services => services.GetRequiredService<AppDbContext>().PersonalAccessTokens.CountAsync());
        count.ShouldBe(1);
    }

    [Fact]
    public async Task A_token_for_another_organisations_account_cannot_be_issued()
    {
        var other = await _factory.CreateOrganisationAsync("Other Token Org");
        var response = await _admin.PostAsJsonAsync("/api/v1/tokens", new { accountId = other[Roles.Admin].AccountId, name = "sneaky", lifetimeDays = 30 });
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var otherAdmin = await _factory.SignInForApiAsync(other[Roles.Admin]);
        var theirs = await otherAdmin.PostAsJsonAsync("/api/v1/tokens", new { accountId = other[Roles.Leader].AccountId, name = "theirs", lifetimeDays = 30 });
        var view = (await theirs.Content.ReadFromJsonAsync<TokenIssuedView>())!;
        (await _admin.DeleteAsync($"/api/v1/tokens/{view.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Program(view.Secret).GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK, "their token was not revoked by us");
    }

    [Theory]
    [InlineData("", 30)]
    [InlineData("ok", 0)]
    [InlineData("ok", 366)]
    public async Task Names_and_lifetimes_are_checked(string name, int days)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/tokens", new { accountId = _org[Roles.Leader].AccountId, name, lifetimeDays = days });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_admin_page_issues_a_token_shows_it_once_and_revokes_it()
    {
        var page = await _admin.PostFormAsync("/admin/tokens?handler=Issue", new()
        {
            ["AccountId"] = _org[Roles.Leader].AccountId.ToString(),
            ["Name"] = "dashboard",
            ["LifetimeDays"] = "90",
        }, tokenFrom: "/admin/tokens");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        var secret = SecretRegex().Match(html).Groups[1].Value;
        secret.ShouldStartWith("upt_");
        (await Program(secret).GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var list = await _admin.GetStringAsync("/admin/tokens");
        list.ShouldContain("dashboard");
        list.ShouldContain(secret[..10]);
        list.ShouldNotContain(secret);

        var id = await _factory.InScopeAsync(_org.Id, services => services.GetRequiredService<AppDbContext>().PersonalAccessTokens.Select(t => t.Id).SingleAsync());
        var revoke = await _admin.PostFormAsync($"/admin/tokens?handler=Revoke&id={id}", new(), tokenFrom: "/admin/tokens");
        revoke.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Program(secret).GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var refused = await _admin.PostFormAsync("/admin/tokens?handler=Issue", new()
        {
            ["AccountId"] = _org[Roles.Leader].AccountId.ToString(),
            ["Name"] = "too long",
            ["LifetimeDays"] = "400",
        }, tokenFrom: "/admin/tokens");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("between 1 and 365 days");
    }

    private async Task ShouldBeRefusedAsync(string secret)
    {
        var response = await Program(secret).GetAsync("/api/v1/me");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, secret);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
        (await response.Content.ReadAsStringAsync()).ShouldNotContain(_org[Roles.Leader].Email);
    }

    private async Task<TokenIssuedView> IssueAsync(Guid accountId, string name, int days)
    {
        var response = await _admin.PostAsJsonAsync("/api/v1/tokens", new { accountId, name, lifetimeDays = days });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenIssuedView>())!;
    }

    private HttpClient Program(string secret)
    {
        var client = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private Task<List<string>> AuditActionsAsync() =>
        _factory.InScopeAsync(_org.Id, services => services.GetRequiredService<AppDbContext>().AuditEvents.Select(e => e.Action).ToListAsync());

    [GeneratedRegex("id=\"token-secret\" class=\"secret\" value=\"([^\"]+)\"")]
    private static partial Regex SecretRegex();
}
