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

        // A request has taken the gate and now waits for the write lock to append its own event (played
        // here by the test: it holds the gate itself, and a connection of its own waits to begin writing).
        await AppDbContext.AuditGate.WaitAsync();
        try
        {
            var request = Task.Run(async () =>
            {
                await using var connection = new SqliteConnection($"Data Source={factory.Database.SqliteFile};Pooling=false");
                await connection.OpenAsync();
                await using var begin = connection.CreateCommand();
                begin.CommandText = "BEGIN IMMEDIATE";
                await begin.ExecuteNonQueryAsync(); // waits for the open transaction; gives up (SQLITE_BUSY) only after its timeout
                begin.CommandText = "ROLLBACK";
                await begin.ExecuteNonQueryAsync();
            });

            // The long unit of work records its event inside its transaction. It must finish without the
            // gate; were it to wait for the gate, the request would give up first with "database is locked".
            db.AuditEvents.Add(Event(org.Id, factory.Clock.GetUtcNow(), "long-work"));
            var save = db.SaveChangesAsync();
            (await Task.WhenAny(save, request)).ShouldBeSameAs(save, "the audit write waited for the gate the request holds");
            await save;
            await transaction.CommitAsync();
            await request;
        }
        finally
        {
            AppDbContext.AuditGate.Release();
        }

        var result = await Cli.RunAsync(factory.Database, "audit", "verify");
        result.ExitCode.ShouldBe(0, result.Output + result.Error);
        var details = await factory.InScopeAsync(org.Id, services =>
            services.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
                .Where(e => e.Action == "test.lock-order").Select(e => e.TargetId).ToListAsync());
        details.ShouldBe(["long-work"]);
    }

    private static AuditEvent Event(Guid organisationId, DateTimeOffset at, string subject) =>
        new(at, organisationId, "system", null, "test.lock-order", "test", subject, "success");
}
