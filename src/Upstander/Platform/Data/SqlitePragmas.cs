using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Upstander.Platform.Data;

/// <summary>
/// Every SQLite connection runs with durable writes (synchronous=FULL), foreign keys enforced,
/// secure_delete (deleted sensitive rows are overwritten rather than left in free pages) and a busy
/// timeout. These are per physical connection, and pooled connections keep them, so they are set
/// once per native handle rather than on every open. WAL is persistent in the file and is set by the
/// migrations runner. Connections are created without EF Core's SQL functions (see <see cref="ConnectionCreating"/>).
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas =
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA busy_timeout=10000;";

    private readonly ConditionalWeakTable<object, object> _configured = [];

    /// <summary>
    /// The connection is created bare. EF Core's SQLite provider would register ten functions and a collation on it
    /// (decimal arithmetic, comparison and aggregates, and regexp), and Microsoft.Data.Sqlite registers them again
    /// on every open and removes them on every close: two native calls each per query, about a tenth of an API
    /// read's CPU. The model has no decimal property (a test checks) and no query uses Regex, so none is needed; a
    /// query that did would fail with "no such function", not give a wrong answer.
    /// </summary>
    public override InterceptionResult<DbConnection> ConnectionCreating(ConnectionCreatingEventData eventData, InterceptionResult<DbConnection> result) =>
        InterceptionResult<DbConnection>.SuppressWithResult(new SqliteConnection(eventData.ConnectionString));

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsPragmas(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (NeedsPragmas(connection))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private bool NeedsPragmas(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || _configured.TryAdd(handle, this);
}
