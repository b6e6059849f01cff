using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Protection;

/// <summary>
/// Unique strings written through field protection must be nowhere a thief or an operator could read
/// them: not in the SQLite file or its WAL, not in a PostgreSQL dump, not in the logs. A plain
/// field written alongside must be found, which proves the search itself works.
/// </summary>
public sealed class CanaryTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Protected_text_never_reaches_the_database_files_a_dump_or_the_logs(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Canary Org");
        var secret = Canary.New("note");
        var plainMarker = Canary.New("team");

        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var protector = services.GetRequiredService<FieldProtector>();
            var person = await db.People.SingleAsync(p => p.Id == org[Roles.Employee].PersonId);
            person.SealConfidentialNote(protector.Seal(secret, Person.ConfidentialNotePurpose, person.Id), DateTimeOffset.UtcNow);
            person.Apply(new PersonDetails(person.Name, person.WorkEmail, person.EmployeeId, null, plainMarker, null, null, null, null, null), DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        });

        // It reads back through the protector...
        var opened = await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var person = await db.People.AsNoTracking().SingleAsync(p => p.Id == org[Roles.Employee].PersonId);
            return services.GetRequiredService<FieldProtector>().Open(person.ConfidentialNoteSealed!, Person.ConfidentialNotePurpose, person.Id);
        });
        opened.ShouldBe(secret);

        // ...and nowhere else.
        var stored = engine == Engine.Sqlite ? Canary.SqliteBytes(factory.Database) : await Canary.PostgresDumpAsync(factory.Database);
        Canary.Contains(stored, plainMarker).ShouldBeTrue("the unprotected control value should be visible, or the search proves nothing");
        Canary.Contains(stored, secret).ShouldBeFalse("protected text was found in the stored data");
        factory.Logs.All.ShouldNotContain(secret);
        factory.Logs.Lines.Count.ShouldBeGreaterThan(0);
    }
}
