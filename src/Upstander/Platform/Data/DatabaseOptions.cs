namespace Upstander.Platform.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from the "Database" configuration section (or --database/--connection options).</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite, a file path or a full connection string; for PostgreSQL, an Npgsql connection string.</summary>
    public string? Connection { get; set; }

    public string SqliteConnectionString(string contentRoot)
    {
        var value = string.IsNullOrWhiteSpace(Connection) ? Path.Combine("data", "upstander.db") : Connection;
        if (value.Contains('=', StringComparison.Ordinal))
        {
            return value;
        }
        var path = Path.IsPathRooted(value) ? value : Path.Combine(contentRoot, value);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return $"Data Source={path};Pooling=True";
    }
}
