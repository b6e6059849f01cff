using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Data;

/// <summary>
/// Work that tells another part of the system "look now" (the mail outbox waking its delivery job) must run only
/// once what it points at is committed: another connection looking at that moment must find it.
/// </summary>
public sealed class AfterCommitTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_audited_save_runs_the_action_after_its_commit_when_another_connection_sees_the_row(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("After Commit Org");
        var seenByAnother = new List<bool>();

        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var person = NewPerson(org.Id, "Audited Arrival");
            db.People.Add(person);
            // An audit event makes the save open its own transaction for the chain: the action must wait for its commit.
            services.GetRequiredService<AuditLog>().Record(AuditActions.InvitationCreated, "person", person.Id);
            db.AfterCommit(() => seenByAnother.Add(SeenFromAnotherScope(factory, org.Id, person.Id)));
            await db.SaveChangesAsync();
        });

        seenByAnother.ShouldBe([true]);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Inside_a_callers_transaction_the_action_waits_for_the_commit_and_is_dropped_on_rollback(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Caller Transaction Org");
        var ran = new List<string>();

        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.People.Add(NewPerson(org.Id, "Committed Later"));
                db.AfterCommit(() => ran.Add("committed"));
                await db.SaveChangesAsync();
                ran.ShouldBeEmpty("saved but not yet committed");
                await transaction.CommitAsync();
            }
            ran.ShouldBe(["committed"]);

            await using (var transaction = await db.Database.BeginTransactionAsync())
            {
                db.People.Add(NewPerson(org.Id, "Rolled Back"));
                db.AfterCommit(() => ran.Add("rolled back"));
                await db.SaveChangesAsync();
                await transaction.RollbackAsync();
            }
            db.ChangeTracker.Clear();
            db.People.Add(NewPerson(org.Id, "Saved After"));
            await db.SaveChangesAsync();
        });

        ran.ShouldBe(["committed"], "an action whose transaction rolled back never runs, not even at a later save");
    }

    private static Person NewPerson(Guid organisationId, string name) =>
        new(organisationId, new PersonDetails(name, $"{Guid.NewGuid():N}@after-commit.example", "ac-" + Guid.NewGuid().ToString("N")[..8], null, null, null, null, "en", null, null),
            DateTimeOffset.UtcNow);

    private static bool SeenFromAnotherScope(UpstanderFactory factory, Guid organisationId, Guid personId)
    {
        using var scope = factory.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<global::Upstander.Platform.Tenancy.OrganisationScope>().Enter(organisationId);
        return scope.ServiceProvider.GetRequiredService<AppDbContext>().People.Any(p => p.Id == personId);
    }
}
