using Npgsql;

namespace Upstander.Tests.TestHost;

public enum Engine
{
    Sqlite,
    Postgres,
}

/// <summary>A fresh, empty database for one test host: a SQLite file in a temp folder, or a new database on the throwaway PostgreSQL cluster.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "UPSTANDER_TEST_POSTGRES";

    private TestDatabase(Engine engine, string folder, string connection, string? postgresName)
    {
        Engine = engine;
        Folder = folder;
        Connection = connection;
        PostgresName = postgresName;
    }

    public Engine Engine { get; }
    public string Folder { get; }
    public string Connection { get; }
    public string? PostgresName { get; }
    public string SqliteFile => Path.Combine(Folder, "data", "upstander.db");

    /// <summary>The engine as Upstander's configuration names it (which migration files apply, for example).</summary>
    public Upstander.Platform.Data.DatabaseProvider Provider =>
        Engine == Engine.Postgres ? Upstander.Platform.Data.DatabaseProvider.Postgres : Upstander.Platform.Data.DatabaseProvider.Sqlite;

    /// <summary>Runs a statement straight on this database, beneath Upstander, on a connection of its own.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = SchemaSnapshot.Open(Engine, Connection);
        await SchemaSnapshot.ExecuteAsync(connection, sql);
    }

    public static string PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable)
        ?? throw new InvalidOperationException(
            $"PostgreSQL tests need {PostgresVariable} (an Npgsql connection string to a throwaway server). scripts/test starts one and sets it.");

    public static TestDatabase Create(Engine engine)
    {
        var folder = Path.Combine(Path.GetTempPath(), "upstander-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        if (engine == Engine.Sqlite)
        {
            return new TestDatabase(engine, folder, Path.Combine(folder, "data", "upstander.db"), null);
        }
        var name = "upstander_test_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(PostgresServer))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            command.ExecuteNonQuery();
        }
        var builder = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name };
        return new TestDatabase(engine, folder, builder.ConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (PostgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(PostgresServer);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS {PostgresName} WITH (FORCE)";
            await command.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow runner: the temp folder is cleaned by the OS later.
        }
    }
}
