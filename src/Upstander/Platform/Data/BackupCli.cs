using System.CommandLine;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;

namespace Upstander.Platform.Data;

/// <summary>
/// The backup verb: an online, consistent copy of the SQLite database through SQLite's backup API, taken while
/// Upstander runs (readers and writers go on; the copy is one moment of the database), then checked: the copy must
/// pass SQLite's integrity check and hold the same audit chain head. On PostgreSQL it points to pg_dump instead.
/// Exit 0 when the copy was made and checked; 1 when it could not be (nothing is left at the target then); 2 on
/// PostgreSQL.
/// </summary>
internal static class BackupCli
{
    public static void Add(RootCommand root, Func<ParseResult, Func<IServiceProvider, Task<int>>, bool, Task<int>> inScope, TextWriter output, TextWriter error)
    {
        var to = new Option<FileInfo>("--to") { Description = "The file to write the copy to; it must not exist yet", Required = true };
        var command = new Command("backup", "Copy the SQLite database while Upstander runs, and check the copy.") { to };
        command.SetAction((parse, ct) => inScope(parse, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            if (!db.Database.IsSqlite())
            {
                await error.WriteLineAsync("On PostgreSQL, back up with pg_dump (sealed fields stay sealed in the dump); see docs/operations.md.");
                return 2;
            }
            var target = parse.GetValue(to)!;
            if (target.Exists)
            {
                await error.WriteLineAsync($"There is already a file at {target.FullName}. Choose a new name: a backup never overwrites.");
                return 1;
            }
            if (target.Directory is { Exists: false } folder)
            {
                await error.WriteLineAsync($"There is no folder {folder.FullName}.");
                return 1;
            }
            var source = (SqliteConnection)db.Database.GetDbConnection();
            var head = await HeadAsync(db, ct);
            try
            {
                await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target.FullName, Pooling = false }.ToString()))
                {
                    await copy.OpenAsync(ct);
                    if (!OperatingSystem.IsWindows())
                    {
                        // The copy holds everything the database does (sealed, but still): readable by its owner only.
                        File.SetUnixFileMode(target.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                    }
                    await db.Database.OpenConnectionAsync(ct);
                    try
                    {
                        source.BackupDatabase(copy);
                    }
                    finally
                    {
                        await db.Database.CloseConnectionAsync();
                    }
                    await using var check = copy.CreateCommand();
                    check.CommandText = "PRAGMA integrity_check";
                    var integrity = (string?)await check.ExecuteScalarAsync(ct);
                    if (integrity != "ok")
                    {
                        throw new IOException($"The copy failed SQLite's integrity check ({integrity}).");
                    }
                    check.CommandText = "SELECT COALESCE(MAX(\"Sequence\"), 0) FROM audit_events";
                    var copied = Convert.ToInt64(await check.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
                    if (copied < head)
                    {
                        throw new IOException($"The copy ends at audit event {copied}, before the database's {head}.");
                    }
                    head = copied;
                }
            }
            catch (Exception ex) when (ex is IOException or SqliteException)
            {
                target.Refresh();
                if (target.Exists)
                {
                    target.Delete();
                }
                await error.WriteLineAsync($"No backup was made: {ex.Message}");
                return 1;
            }
            target.Refresh();
            await output.WriteLineAsync($"Backed up to {target.FullName} ({target.Length:N0} bytes): integrity ok, audit events up to {head}.");
            await output.WriteLineAsync("Keep the master key, the escrow key files and the uploads folder with it, separately (docs/operations.md). Check a restore with: audit verify --connection " + target.FullName);
            return 0;
        }, false));
        root.Subcommands.Add(command);
    }

    private static async Task<long> HeadAsync(AppDbContext db, CancellationToken ct) =>
        await db.AuditEvents.IgnoreQueryFilters().Select(e => (long?)e.Sequence).MaxAsync(ct) ?? 0;
}
