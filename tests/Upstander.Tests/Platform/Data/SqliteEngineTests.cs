using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Upstander.Platform.Data;

namespace Upstander.Tests.Platform.Data;

public sealed class SqliteEngineTests
{
    /// <summary>The settings apply only before SQLite is first used, so this test process applies them first, as Upstander does.</summary>
    [ModuleInitializer]
    internal static void ConfigureFirst() => SqliteEngine.EnsureConfigured();

    [Fact]
    public void SQLite_keeps_no_global_allocation_statistics_so_connections_do_not_contend_for_their_mutex()
    {
        SqliteEngine.EnsureConfigured().ShouldBe(raw.SQLITE_OK, "the settings were applied before SQLite was first used");

        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (x TEXT); INSERT INTO t VALUES (randomblob(100000)); SELECT count(*) FROM t;";
        command.ExecuteScalar().ShouldBe(1L);

        // With statistics kept, this counts every live allocation (the connection and the table above).
        raw.sqlite3_memory_used().ShouldBe(0L);
    }
}
