using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Upstander.Platform.Data;

/// <summary>
/// Every SQLite connection runs with durable writes (synchronous=FULL), foreign keys enforced,
/// and secure_delete so that deleted sensitive rows are overwritten rather than left in free pages.
/// WAL mode is persistent in the file and is set by the migrations runner.
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA busy_timeout=10000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
