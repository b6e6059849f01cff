using Npgsql;
using Upstander.Platform.Data;

namespace Upstander.Tests.TestHost;

/// <summary>
/// An <see cref="ExclusiveLocks"/> section held on PostgreSQL from outside every test host, in a session of its
/// own, as another Upstander process would hold it; and a way to see who is waiting for it. A host can only wait
/// here through the database lock, never through its own process's semaphore.
/// </summary>
public sealed class HeldSection : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly (int Section, int Organisation) _keys;
    private bool _released;

    private HeldSection(NpgsqlConnection connection, (int, int) keys)
    {
        _connection = connection;
        _keys = keys;
    }

    public static async Task<HeldSection> TakeAsync(TestDatabase database, string section, Guid organisationId)
    {
        database.Engine.ShouldBe(Engine.Postgres, "advisory locks are PostgreSQL's");
        // Unpooled: closing ends the session, and the lock with it, even when a test fails before releasing.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.Connection) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var held = new HeldSection(connection, ExclusiveLocks.AdvisoryKeys(section, organisationId));
        await held.ExecuteAsync("SELECT pg_advisory_lock(@a, @b)");
        return held;
    }

    /// <summary>
    /// Waits until <paramref name="count"/> sessions of this database queue for the section. Polls pg_locks for up
    /// to a minute, then fails: a host that should wait here but does not never shows up.
    /// </summary>
    public async Task WaitForWaitersAsync(int count)
    {
        var waiting = 0L;
        for (var poll = 0; poll < 1200; poll++)
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted
                  AND l.objsubid = 2 AND l.classid::bigint = @a AND l.objid::bigint = @b
                """, _connection);
            // Two 32-bit keys appear in pg_locks as oids: the same 32 bits, read unsigned.
            command.Parameters.AddWithValue("a", (long)(uint)_keys.Section);
            command.Parameters.AddWithValue("b", (long)(uint)_keys.Organisation);
            waiting = (long)(await command.ExecuteScalarAsync())!;
            if (waiting >= count)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new ShouldAssertException($"Expected {count} sessions waiting for the section, saw {waiting}: something did not take the database lock.");
    }

    /// <summary>Ends the section: the waiters go on, one at a time.</summary>
    public async Task ReleaseAsync()
    {
        if (!_released)
        {
            _released = true;
            await ExecuteAsync("SELECT pg_advisory_unlock(@a, @b)");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        command.Parameters.AddWithValue("a", _keys.Section);
        command.Parameters.AddWithValue("b", _keys.Organisation);
        await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
    }
}
