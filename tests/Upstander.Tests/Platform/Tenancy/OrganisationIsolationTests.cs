using System.Net;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Tenancy;

/// <summary>
/// Two organisations share one installation. Signed in to the first, with every role, walk every GET
/// route — filled with the second organisation's ids as well as the first's — and never see anything
/// of the second.
/// </summary>
public sealed class OrganisationIsolationTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task No_page_or_api_route_shows_another_organisations_data(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var mine = await factory.CreateOrganisationAsync("Aurora Org");
        var theirs = await factory.CreateOrganisationAsync("Borealis Zyxwv Org");
        string[] theirMarkers = ["Borealis", "borealiszyxwvorg", .. theirs.Accounts.Values.Select(a => a.PersonId.ToString())];

        var ids = theirs.Accounts.Values.SelectMany(a => new[] { a.PersonId, a.AccountId }).Append(theirs.Id)
            .Concat(mine.Accounts.Values.Select(a => a.PersonId)).ToList();
        var routes = Routes.All(factory.Services).Where(r => r.Accepts("GET") && !r.Pattern.Contains("sign-out", StringComparison.Ordinal)).ToList();
        var requests = 0;
        var answered = 0;

        foreach (var role in Roles.All)
        {
            var clients = new[] { await factory.SignInAsync(mine[role]), await factory.ApiClientAsync(mine, mine[role]) };
            foreach (var client in clients)
            {
                foreach (var route in routes)
                {
                    var urls = route.Parameters.Count == 0
                        ? [route.Url((_, _) => "")]
                        : ids.Select(id => route.Url((name, constraint) => Routes.Sample(name, constraint, id))).Distinct().ToList();
                    foreach (var url in urls)
                    {
                        var response = await client.GetAsync(url);
                        ((int)response.StatusCode).ShouldBeLessThan(500, $"{role} GET {url}");
                        var body = await response.Content.ReadAsStringAsync();
                        answered += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
                        foreach (var marker in theirMarkers)
                        {
                            body.ShouldNotContain(marker, Case.Insensitive, $"{role} GET {url} showed another organisation's data");
                        }
                        requests++;
                    }
                }
            }
        }
        requests.ShouldBeGreaterThan(100);
        answered.ShouldBeGreaterThan(150, "too few requests succeeded for the walk to show anything");

        // The control: the other organisation's own admin does see its data, and mine gets 404 for it.
        var theirAdmin = await factory.ApiClientAsync(theirs, theirs[Roles.Admin]);
        (await theirAdmin.GetStringAsync("/api/v1/people?search=borealis")).ShouldContain("Borealis");
        (await (await factory.ApiClientAsync(mine, mine[Roles.Admin])).GetAsync($"/api/v1/people/{theirs[Roles.Employee].PersonId}"))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
