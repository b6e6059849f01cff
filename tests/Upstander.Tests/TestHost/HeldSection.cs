using Npgsql;
using Upstander.Platform.Data;

namespace Upstander.Tests.TestHost;

/// <summary>
/// An <see cref="ExclusiveLocks"/> section held on PostgreSQL from outside every test host, in a session of its
/// own, as another Upstander process would hold it; and a way to know that hosts are waiting for it. A host can only
/// wait here through the database lock, never through its own process's semaphore.
/// </summary>
public sealed class HeldSection : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly string _section;
    private readonly Guid _organisationId;
    private readonly (int Section, int Organisation) _keys;
    private bool _released;

    private HeldSection(NpgsqlConnection connection, string section, Guid organisationId)
    {
        _connection = connection;
        _section = section;
        _organisationId = organisationId;
        _keys = ExclusiveLocks.AdvisoryKeys(section, organisationId);
    }

    public static async Task<HeldSection> TakeAsync(TestDatabase database, string section, Guid organisationId)
    {
        database.Engine.ShouldBe(Engine.Postgres, "advisory locks are PostgreSQL's");
        // Unpooled: closing ends the session, and the lock with it, even when a test fails before releasing.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.Connection) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var held = new HeldSection(connection, section, organisationId);
        await held.ExecuteAsync("SELECT pg_advisory_lock(@a, @b)");
        return held;
    }

    /// <summary>
    /// Completes once each host has found the section held by another process and logged that it waits for it (the
    /// line is written just before the host asks the database for the lock); fails after a minute otherwise: a host
    /// that does not ask the database never finds it held.
    /// </summary>
    public async Task WaitedForByAsync(params UpstanderFactory[] hosts)
    {
        foreach (var host in hosts)
        {
            await host.Logs.WaitForAsync($"Section {_section} of organisation {_organisationId} is held by another process", TimeSpan.FromMinutes(1));
        }
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
