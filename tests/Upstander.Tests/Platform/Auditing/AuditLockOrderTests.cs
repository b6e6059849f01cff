using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Auditing;

/// <summary>
/// A long unit of work (a people import) opens its transaction first and records its audit event inside
/// it, while an ordinary request records an audit event on its own. On SQLite the open transaction holds
/// the database's write lock; the request holds the in-process audit gate and waits for that lock. The
/// long unit of work must not then wait for the gate, or both sit until the busy timeout and the request
/// fails.
/// </summary>
public sealed class AuditLockOrderTests
{
    [Fact]
    public async Task An_audit_event_written_inside_an_open_transaction_does_not_wait_for_a_request_that_waits_for_that_transaction()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite);
        var org = await factory.CreateOrganisationAsync("Lock Order");

        using var longWork = factory.Services.CreateScope();
        longWork.ServiceProvider.GetRequiredService<Upstander.Platform.Tenancy.OrganisationScope>().Enter(org.Id);
        var db = longWork.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();

        // The open transaction holds the write lock: nobody else can begin writing.
        await using (var probe = new SqliteConnection($"Data Source={factory.Database.SqliteFile};Default Timeout=1"))
        {
            await probe.OpenAsync();
            await using var command = probe.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE";
            var busy = await Should.ThrowAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
            busy.SqliteErrorCode.ShouldBe(5); // SQLITE_BUSY
        }

        // A request records an event: it takes the gate, then waits for the write lock (on a thread of
        // its own, as a request would: SQLite waits for a lock by blocking the thread).
        var request = Task.Run(() => factory.InScopeAsync(org.Id, async services =>
        {
            var requestDb = services.GetRequiredService<AppDbContext>();
            requestDb.AuditEvents.Add(Event(org.Id, factory.Clock.GetUtcNow(), "request"));
            await requestDb.SaveChangesAsync();
        }));
        while (AppDbContext.AuditGate.CurrentCount > 0 && !request.IsCompleted)
        {
            await Task.Delay(10);
        }

        db.AuditEvents.Add(Event(org.Id, factory.Clock.GetUtcNow(), "long-work"));
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        await request;

        var result = await Cli.RunAsync(factory.Database, "audit", "verify");
        result.ExitCode.ShouldBe(0, result.Output + result.Error);
        var details = await factory.InScopeAsync(org.Id, services =>
            services.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
                .Where(e => e.Action == "test.lock-order").Select(e => e.TargetId).ToListAsync());
        details.ShouldBe(["long-work", "request"], ignoreOrder: true);
    }

    private static AuditEvent Event(Guid organisationId, DateTimeOffset at, string subject) =>
        new(at, organisationId, "system", null, "test.lock-order", "test", subject, "success");
}
