using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Security;

public sealed class PersonalAccessTokenTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;

    public async Task InitializeAsync() => _org = await _factory.CreateOrganisationAsync("Token Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<string> IssueAsync(TestAccount account, TimeSpan lifetime)
    {
        return await _factory.InScopeAsync(_org.Id, async services =>
        {
            var (token, secret) = PersonalAccessToken.Issue(_org.Id, account.AccountId, "reporting script", lifetime, _org[Roles.Admin].AccountId, _factory.Clock.GetUtcNow());
            var db = services.GetRequiredService<AppDbContext>();
            db.PersonalAccessTokens.Add(token);
            await db.SaveChangesAsync();
            return secret;
        });
    }

    private HttpClient Program(string secret)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    [Fact]
    public async Task A_program_holding_an_admins_token_reads_a_person_from_the_directory()
    {
        var secret = await IssueAsync(_org[Roles.Admin], TimeSpan.FromDays(30));

        var person = await Program(secret).GetFromJsonAsync<PersonView>($"/api/v1/people/{_org[Roles.Employee].PersonId}");

        person!.Name.ShouldBe("Employee of Token Org");
        person.Department.ShouldBe("Token Org Operations");
    }

    [Fact]
    public async Task A_token_answers_as_its_own_account_with_that_accounts_roles()
    {
        var secret = await IssueAsync(_org[Roles.Researcher], TimeSpan.FromDays(30));

        var me = await Program(secret).GetFromJsonAsync<MeView>("/api/v1/me");

        me!.AccountId.ShouldBe(_org[Roles.Researcher].AccountId);
        me.Roles.ShouldBe([Roles.Employee, Roles.Researcher], ignoreOrder: true);
        (await Program(secret).GetAsync($"/api/v1/people/{_org[Roles.Employee].PersonId}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_expired_or_unknown_token_is_refused()
    {
        var secret = await IssueAsync(_org[Roles.Admin], TimeSpan.FromDays(1));
        _factory.Clock.Advance(TimeSpan.FromDays(2));

        (await Program(secret).GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Program("upt_" + new string('A', 43)).GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
