using System.Net;
using System.Net.Http.Json;
using Upstander.Features.People;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.People;

/// <summary>Pages asked for far beyond the last one: an empty page, never an offset that overflows into an error.</summary>
public sealed class PeoplePagingTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_page_far_beyond_the_last_is_empty_on_every_paged_list(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Paging Org");
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        // (30,000,000 - 1) x 100 and (int.MaxValue - 1) x 200 are both beyond int: computed in int, they wrapped negative.
        foreach (var (page, size) in new[] { (30_000_000, 100), (int.MaxValue, PeopleApi.MaxPageSize) })
        {
            foreach (var list in new[] { "/api/v1/people", $"/api/v1/people/{org[Roles.Admin].PersonId}/reports" })
            {
                var answer = await admin.GetAsync($"{list}?page={page}&pageSize={size}");
                answer.StatusCode.ShouldBe(HttpStatusCode.OK, $"{list} page {page}: {await answer.Content.ReadAsStringAsync()}");
                var body = (await answer.Content.ReadFromJsonAsync<PersonPage>())!;
                body.Items.ShouldBeEmpty();
                (body.Page, body.PageSize).ShouldBe((page, size));
            }
            (await admin.GetAsync($"/admin/invitations?p={page}")).StatusCode.ShouldBe(HttpStatusCode.OK, $"invitations page {page}");
        }
    }
}
