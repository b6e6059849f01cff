using System.Diagnostics;
using System.Text;

namespace Upstander.Tests.TestHost;

/// <summary>Looks for a string in the places a thief or an operator could read: database files, dumps, logs.</summary>
public static class Canary
{
    public static string New(string label) => $"CANARY-{label}-{Guid.NewGuid():N}";

    /// <summary>The SQLite file and its write-ahead log, read as raw bytes while the app still has them open.</summary>
    public static byte[] SqliteBytes(TestDatabase database)
    {
        var output = new List<byte>();
        foreach (var path in new[] { database.SqliteFile, database.SqliteFile + "-wal" })
        {
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                output.AddRange(memory.ToArray());
            }
        }
        return [.. output];
    }

    public static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0
        || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;

    /// <summary>A plain-text pg_dump of the test database, made with the cluster's own pg_dump.</summary>
    public static async Task<byte[]> PostgresDumpAsync(TestDatabase database)
    {
        var bin = Environment.GetEnvironmentVariable("UPSTANDER_PG_BIN") ?? "/usr/lib/postgresql/15/bin";
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(database.Connection);
        var start = new ProcessStartInfo(Path.Combine(bin, "pg_dump"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "-h", builder.Host!, "-p", builder.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", builder.Username!, "--no-owner", builder.Database! },
        };
        using var process = Process.Start(start)!;
        using var memory = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(memory);
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("pg_dump failed: " + await errors);
        }
        return memory.ToArray();
    }
}
