using SQLitePCL;

namespace Upstander.Platform.Data;

/// <summary>
/// Process-wide SQLite settings, applied once before the library is first used.
/// </summary>
/// <remarks>
/// SQLite's default build keeps allocation statistics behind one global mutex that every allocation in
/// every connection takes; under concurrent requests that mutex is contended (it showed as about a tenth
/// of the API's CPU time, in pthread mutex calls and kernel futex waits). Upstander never reads those
/// statistics, so it turns them off. Each connection keeps its own mutex (serialized mode), so nothing
/// about how connections may be shared changes.
/// </remarks>
public static class SqliteEngine
{
    private const int SqliteConfigMemstatus = 9;
    private static readonly Lazy<int> Configured = new(Configure);

    /// <summary>SQLITE_OK (0) when the settings were applied; SQLITE_MISUSE (21) when SQLite was already in use.</summary>
    public static int EnsureConfigured() => Configured.Value;

    private static int Configure()
    {
        Batteries_V2.Init();
        return raw.sqlite3_config(SqliteConfigMemstatus, 0);
    }
}
