using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
/// fails. On PostgreSQL the same holds for the advisory lock that an earlier audited save in the transaction took.
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
        // The long unit of work records its event inside its transaction. It must finish without the
        // gate; were it to wait for the gate, the request would give up first with "database is locked".
        await SaveWhileARequestHoldsTheGateAsync(db, transaction, Event(org.Id, factory.Clock.GetUtcNow(), "long-work"), async () =>
        {
            await using var connection = new SqliteConnection($"Data Source={factory.Database.SqliteFile};Pooling=false");
            await connection.OpenAsync();
            await using var begin = connection.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync(); // waits for the open transaction; gives up (SQLITE_BUSY) only after its timeout
            begin.CommandText = "ROLLBACK";
            await begin.ExecuteNonQueryAsync();
        });
        await ChainShouldHoldAsync(factory, org.Id, "long-work");
    }

    [Fact]
    public async Task On_PostgreSQL_a_second_audit_event_in_a_transaction_does_not_wait_for_a_request_that_waits_for_its_advisory_lock()
    {
        await using var factory = new UpstanderFactory(Engine.Postgres);
        var org = await factory.CreateOrganisationAsync("Lock Order Pg");

        using var longWork = factory.Services.CreateScope();
        longWork.ServiceProvider.GetRequiredService<Upstander.Platform.Tenancy.OrganisationScope>().Enter(org.Id);
        var db = longWork.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        // A first audited save (a report, before its routing saves again) takes the advisory lock until the commit.
        db.AuditEvents.Add(Event(org.Id, factory.Clock.GetUtcNow(), "first"));
        await db.SaveChangesAsync();

        // A request has taken the gate and now waits for the advisory lock to append its own event (played here by
        // the test: it holds the gate itself, and a connection of its own waits for the lock, giving up after 10 s).
        // The second audited save in the same transaction must finish without the gate; were it to wait for the
        // gate, the request would give up first (its command timeout).
        await SaveWhileARequestHoldsTheGateAsync(db, transaction, Event(org.Id, factory.Clock.GetUtcNow(), "second"), async () =>
        {
            var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(factory.Database.Connection) { CommandTimeout = 10, Pooling = false };
            await using var connection = new Npgsql.NpgsqlConnection(connectionString.ConnectionString);
            await connection.OpenAsync();
            await using var wait = connection.CreateCommand();
            wait.CommandText = $"BEGIN; SELECT pg_advisory_xact_lock({AppDbContext.AuditAdvisoryLockKey}); ROLLBACK;";
            await wait.ExecuteNonQueryAsync(); // waits for the open transaction; gives up only after its timeout
        });
        await ChainShouldHoldAsync(factory, org.Id, "first", "second");
    }

    /// <summary>
    /// Holds the audit gate as a request would, starts <paramref name="request"/> (which waits for the lock the open
    /// transaction holds), and saves <paramref name="audit"/> inside <paramref name="transaction"/>: the save must finish first.
    /// </summary>
    private static async Task SaveWhileARequestHoldsTheGateAsync(AppDbContext db, IDbContextTransaction transaction, AuditEvent audit, Func<Task> request)
    {
        await AppDbContext.AuditGate.WaitAsync();
        try
        {
            var waiting = Task.Run(request);
            db.AuditEvents.Add(audit);
            var save = db.SaveChangesAsync();
            (await Task.WhenAny(save, waiting)).ShouldBeSameAs(save, "the audit write waited for the gate the request holds");
            await save;
            await transaction.CommitAsync();
            await waiting;
        }
        finally
        {
            AppDbContext.AuditGate.Release();
        }
    }

    /// <summary>The chain verifies, and holds the test's events in order.</summary>
    private static async Task ChainShouldHoldAsync(UpstanderFactory factory, Guid organisationId, params string[] subjects)
    {
        var result = await Cli.RunAsync(factory.Database, "audit", "verify");
        result.ExitCode.ShouldBe(0, result.Output + result.Error);
        var details = await factory.InScopeAsync(organisationId, services =>
            services.GetRequiredService<AppDbContext>().AuditEvents.AsNoTracking()
                .Where(e => e.Action == "test.lock-order").OrderBy(e => e.Sequence).Select(e => e.TargetId).ToListAsync());
        details.ShouldBe(subjects);
    }

    private static AuditEvent Event(Guid organisationId, DateTimeOffset at, string subject) =>
        new(at, organisationId, "system", null, "test.lock-order", "test", subject, "success");
}
