using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Upstander.Platform.Data;

/// <summary>
/// Sections of work that run one at a time per organisation across every Upstander process on the same
/// database: reading a state and writing what follows from it (an escrow group's release, a supporter's
/// caseload before an offer) must not interleave with another holder doing the same. Singleton.
/// </summary>
/// <remarks>
/// Within a process a semaphore per section and organisation queues the callers, so each process waits on
/// the database with one connection at most. On PostgreSQL the holder then takes a session advisory lock
/// (<c>pg_advisory_lock(section, organisation)</c>) on its context's connection, which stays open until the
/// section ends; when another process holds it, a line is logged before waiting, so contention between
/// processes shows in the log (and a debug line when another caller in the same process holds it); the work inside may open and commit its own transactions. If the process dies, PostgreSQL
/// ends the session and the lock with it. SQLite needs no more than the semaphore: one process per file
/// (docs/operations.md).
/// </remarks>
public sealed class ExclusiveLocks(ILogger<ExclusiveLocks> logger)
{
    private readonly ConcurrentDictionary<(string Section, Guid Organisation), SemaphoreSlim> _gates = new();

    /// <summary>Waits for the section, then returns the holder; disposing it ends the section.</summary>
    public async Task<IAsyncDisposable> EnterAsync(AppDbContext db, string section, Guid organisationId, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd((section, organisationId), _ => new SemaphoreSlim(1, 1));
        if (!gate.Wait(0, CancellationToken.None))
        {
            logger.LogDebug("Section {Section} of organisation {OrganisationId} is held in this process; waiting for it.", section, organisationId);
            await gate.WaitAsync(ct);
        }
        if (!db.Database.IsNpgsql())
        {
            return new Held(gate, null, default);
        }
        var keys = AdvisoryKeys(section, organisationId);
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            var taken = await db.Database
                .SqlQuery<bool>($"SELECT pg_try_advisory_lock({keys.Section}, {keys.Organisation}) AS \"Value\"").SingleAsync(ct);
            if (!taken)
            {
                logger.LogInformation("Section {Section} of organisation {OrganisationId} is held by another process; waiting for it.", section, organisationId);
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({keys.Section}, {keys.Organisation})", ct);
            }
        }
        catch
        {
            await db.Database.CloseConnectionAsync();
            gate.Release();
            throw;
        }
        return new Held(gate, db, keys);
    }

    /// <summary>
    /// The two 32-bit keys of a section's advisory lock: the first four bytes of the SHA-256 of its name, and
    /// the organisation's id folded to 32 bits. A collision only makes two sections wait for each other.
    /// </summary>
    internal static (int Section, int Organisation) AdvisoryKeys(string section, Guid organisationId)
    {
        Span<byte> id = stackalloc byte[16];
        organisationId.TryWriteBytes(id);
        var folded = BinaryPrimitives.ReadInt32LittleEndian(id) ^ BinaryPrimitives.ReadInt32LittleEndian(id[4..])
            ^ BinaryPrimitives.ReadInt32LittleEndian(id[8..]) ^ BinaryPrimitives.ReadInt32LittleEndian(id[12..]);
        return (BinaryPrimitives.ReadInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(section))), folded);
    }

    private sealed class Held(SemaphoreSlim gate, AppDbContext? db, (int Section, int Organisation) keys) : IAsyncDisposable
    {
        private int _done;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return;
            }
            try
            {
                if (db is not null)
                {
                    try
                    {
                        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({keys.Section}, {keys.Organisation})");
                    }
                    catch (DbException)
                    {
                        // A broken connection is discarded on close, and the session's lock ends with it; a live one
                        // is reset before the pool hands it out again, and Npgsql's reset unlocks every advisory lock.
                    }
                    finally
                    {
                        await db.Database.CloseConnectionAsync();
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
