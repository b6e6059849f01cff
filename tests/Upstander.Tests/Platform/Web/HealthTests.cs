using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Data;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Web;

public sealed class HealthTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Health_answers_ok_while_the_database_answers_and_503_when_it_is_not_upstanders(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var client = factory.CreateClient();
        var ok = await client.GetAsync("/health");
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ok.Content.ReadAsStringAsync()).ShouldBe("ok");

        await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync("DROP TABLE schema_migrations"));
        (await client.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }
}
