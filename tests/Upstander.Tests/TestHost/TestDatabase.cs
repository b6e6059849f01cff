using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Upstander.Platform.Data;

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

    /// <summary>
    /// Makes every insert into <paramref name="table"/> (or those where <paramref name="when"/>, a condition on
    /// <c>NEW</c>, holds) fail, as a failing disk or a connection lost between two writes would, until the result is
    /// disposed. A trigger beneath Upstander: the real write fails, not a stand-in. SQLite.
    /// </summary>
    public async Task<IAsyncDisposable> RefuseInsertsAsync(string table, string? when = null)
    {
        Engine.ShouldBe(Engine.Sqlite, "the trigger is written in SQLite's dialect");
        var trigger = "refuse_inserts_" + table;
        await ExecuteAsync($"CREATE TRIGGER {trigger} BEFORE INSERT ON {table} {(when is null ? "" : "WHEN " + when)} BEGIN SELECT RAISE(ABORT, 'refused for the test'); END");
        return new Dropping(this, trigger);
    }

    private sealed class Dropping(TestDatabase database, string trigger) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await database.ExecuteAsync($"DROP TRIGGER {trigger}");
    }

    public static string PostgresServer =>
        Environment.GetEnvironmentVariable(PostgresVariable)
        ?? throw new InvalidOperationException(
            $"PostgreSQL tests need {PostgresVariable} (an Npgsql connection string to a throwaway server). scripts/test starts one and sets it.");

    /// <summary>
    /// A fresh database with this build's migrations already applied, for a test host that would apply them at start. On
    /// PostgreSQL it is a copy of a template database migrated once per build (about 30 ms, against about 480 ms to
    /// create one and migrate it; more than a hundred PostgreSQL hosts start in a run). Start-up still runs the migrator, which finds
    /// nothing to do. SQLite migrates in milliseconds and starts empty. Tests of migrating itself use <see cref="Create"/>.
    /// </summary>
    public static TestDatabase CreateMigrated(Engine engine)
    {
        if (engine == Engine.Sqlite)
        {
            return Create(engine);
        }
        // FILE_COPY: about 30 ms here, against about 120 ms for the default block-by-block copy.
        return CreatePostgres($"TEMPLATE {MigratedTemplate.Value} STRATEGY FILE_COPY");
    }

    /// <summary>
    /// Named for this build's migration files, so a cluster kept between runs never lends an older schema. Made once, on
    /// the thread pool: test hosts are built on xunit's own threads, and waiting there for work whose continuations queue
    /// behind them could hang the run.
    /// </summary>
    private static readonly Lazy<string> MigratedTemplate = new(() => Task.Run(MakeTemplateAsync).GetAwaiter().GetResult());

    private static async Task<string> MakeTemplateAsync()
    {
        var migrations = MigrationRunner.Load(DatabaseProvider.Postgres);
        var build = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(",", migrations.Select(m => m.Checksum)))))[..16];
        var name = "upstander_template_" + build;
        await using (var server = new NpgsqlConnection(PostgresServer))
        {
            await server.OpenAsync();
            await using var exists = new NpgsqlCommand($"SELECT count(*) FROM pg_database WHERE datname = '{name}'", server);
            if ((long)(await exists.ExecuteScalarAsync())! > 0)
            {
                return name;
            }
            // Made under another name and renamed when complete: a run stopped half-way leaves no half-migrated template.
            await using var create = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name}_making WITH (FORCE); CREATE DATABASE {name}_making", server);
            await create.ExecuteNonQueryAsync();
        }
        // Upstander's own migrator, on a connection without pooling: the template must have no open session when it is copied.
        await using (var making = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name + "_making", Pooling = false }.ConnectionString))
        {
            await making.OpenAsync();
            await MigrationRunner.MigrateAsync(making, DatabaseProvider.Postgres, NullLogger.Instance, CancellationToken.None);
        }
        await using (var server = new NpgsqlConnection(PostgresServer))
        {
            await server.OpenAsync();
            await using var rename = new NpgsqlCommand($"ALTER DATABASE {name}_making RENAME TO {name}", server);
            await rename.ExecuteNonQueryAsync();
        }
        return name;
    }

    public static TestDatabase Create(Engine engine)
    {
        if (engine == Engine.Postgres)
        {
            return CreatePostgres("");
        }
        var folder = NewFolder();
        return new TestDatabase(engine, folder, Path.Combine(folder, "data", "upstander.db"), null);
    }

    private static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "upstander-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "data"));
        return folder;
    }

    private static TestDatabase CreatePostgres(string options)
    {
        var folder = NewFolder();
        var name = "upstander_test_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(PostgresServer))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name} {options}";
            command.ExecuteNonQuery();
        }
        var builder = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name };
        return new TestDatabase(Engine.Postgres, folder, builder.ConnectionString, name);
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
