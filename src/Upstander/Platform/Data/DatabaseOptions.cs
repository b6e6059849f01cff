namespace Upstander.Platform.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from the "Database" configuration section (or --database/--connection options).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The "Database" section; a provider Upstander does not know stops the start with the choices.</summary>
    public static DatabaseOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Database");
        var provider = section[nameof(Provider)];
        if (!string.IsNullOrEmpty(provider) && !Enum.GetNames<DatabaseProvider>().Contains(provider, StringComparer.OrdinalIgnoreCase))
        {
            throw new StartupProblem($"Database:Provider must be Sqlite or Postgres, not \"{provider}\".");
        }
        return section.Get<DatabaseOptions>() ?? new DatabaseOptions();
    }

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
