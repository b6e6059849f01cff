using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Tenancy;

/// <summary>
/// Database contexts are pooled and reused across requests. A context rented by a scope that acts for
/// one organisation must not carry that organisation into the next scope that rents it.
/// </summary>
public sealed class PooledContextTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_reused_context_sees_only_the_organisation_of_the_scope_that_rented_it(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var first = await factory.CreateOrganisationAsync("Pool First Org");
        var second = await factory.CreateOrganisationAsync("Pool Second Org");
        var firstPerson = first[Roles.Employee].PersonId;

        for (var round = 0; round < 3; round++)
        {
            var (seenByOwner, ownerContext) = await factory.InScopeAsync(first.Id, async services =>
            {
                var db = services.GetRequiredService<AppDbContext>();
                return (await db.People.AnyAsync(p => p.Id == firstPerson), db);
            });
            seenByOwner.ShouldBeTrue();
            ownerContext.CurrentOrganisationId.ShouldBeNull("a context back in the pool must forget the organisation it acted for");

            var (seenByOther, otherOrganisation) = await factory.InScopeAsync(second.Id, async services =>
            {
                var db = services.GetRequiredService<AppDbContext>();
                return (await db.People.AnyAsync(p => p.Id == firstPerson), db.CurrentOrganisationId);
            });
            seenByOther.ShouldBeFalse("another organisation's scope must not see the first organisation's people");
            otherOrganisation.ShouldBe(second.Id);

            var seenWithoutScope = await factory.InScopeAsync(null, services =>
                services.GetRequiredService<AppDbContext>().People.AnyAsync());
            seenWithoutScope.ShouldBeFalse("a scope that acts for no organisation sees no organisation-owned rows");
        }
    }
}
