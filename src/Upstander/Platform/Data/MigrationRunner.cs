using System.Data;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Upstander.Platform.Data;

/// <summary>One versioned SQL file, embedded in the assembly under Platform/Data/Migrations/{Sqlite|Postgres}/NNNN_name.sql.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}

/// <summary>
/// Applies the provider's migration files in order, each in its own transaction, under a lock so that
/// two processes starting together cannot both migrate. Records each in schema_migrations with a
/// checksum, and refuses to start if an applied file has since been edited.
/// </summary>
public sealed class MigrationRunner(AppDbContext db, ILogger<MigrationRunner> logger)
{
    private const long PostgresLockKey = 0x55505354_4D494752; // "UPSTMIGR"

    public static IReadOnlyList<Migration> Load(DatabaseProvider provider)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var prefix = $"migrations/{provider}/";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                var underscore = file.IndexOf('_', StringComparison.Ordinal);
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream, Encoding.UTF8);
                return new Migration(
                    int.Parse(file[..underscore], System.Globalization.CultureInfo.InvariantCulture),
                    file[(underscore + 1)..],
                    reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    public DatabaseProvider Provider => db.Database.IsNpgsql() ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;

    /// <summary>Applies pending migrations. Returns the versions applied now.</summary>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct) =>
        OnConnectionAsync(connection => MigrateAsync(connection, Provider, logger, ct), ct);

    /// <summary>Applies pending migrations over an open connection of <paramref name="provider"/>'s. Returns the versions applied now.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(DbConnection connection, DatabaseProvider provider, ILogger logger, CancellationToken ct)
    {
        var migrations = Load(provider);
        if (provider == DatabaseProvider.Postgres)
        {
            // A session-level advisory lock: a second process waits here until the first has finished.
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({PostgresLockKey})", ct);
            try
            {
                return await ApplyAsync(connection, null, provider, migrations, logger, ct);
            }
            finally
            {
                await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({PostgresLockKey})", CancellationToken.None);
            }
        }

        // SQLite: WAL is a property of the file and cannot change inside a transaction. Then one
        // BEGIN IMMEDIATE transaction holds the write lock across check-and-apply (DDL is transactional).
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var done = await ApplyAsync(connection, transaction, provider, migrations, logger, ct);
        await transaction.CommitAsync(ct);
        return done;
    }

    /// <summary>
    /// The migrations this build has that the database has not applied, without changing anything; for a start that
    /// does not migrate (<c>Database:MigrateOnStart=false</c>). Refuses, as migrating does, a database with a migration
    /// this build does not know or one edited after it was applied.
    /// </summary>
    public Task<IReadOnlyList<Migration>> PendingAsync(CancellationToken ct) => OnConnectionAsync<IReadOnlyList<Migration>>(async connection =>
    {
        var migrations = Load(Provider);
        await using var exists = connection.CreateCommand();
        exists.CommandText = Provider == DatabaseProvider.Postgres
            ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
            : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return migrations;
        }
        var applied = await AppliedAsync(connection, null, migrations, ct);
        return migrations.Where(m => !applied.Contains(m.Version)).ToList();
    }, ct);

    /// <summary>Runs <paramref name="work"/> on the context's connection, opening it for the work if it was closed.</summary>
    private async Task<T> OnConnectionAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(ct);
        }
        try
        {
            return await work(connection);
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>The versions the database has applied, each checked against this build's files.</summary>
    private static async Task<HashSet<int>> AppliedAsync(DbConnection connection, DbTransaction? outer, IReadOnlyList<Migration> migrations, CancellationToken ct)
    {
        var applied = new Dictionary<int, string>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = outer;
            read.CommandText = "SELECT version, checksum FROM schema_migrations";
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                applied[reader.GetInt32(0)] = reader.GetString(1);
            }
        }

        foreach (var (version, checksum) in applied)
        {
            var file = migrations.FirstOrDefault(m => m.Version == version)
                ?? throw new StartupProblem($"The database has migration {version:D4}, which this version of Upstander does not know. Is this an older build than the one that last ran?");
            if (file.Checksum != checksum)
            {
                throw new StartupProblem($"Migration {version:D4}_{file.Name} was changed after it was applied. Add a new migration instead of editing an applied one.");
            }
        }
        return [.. applied.Keys];
    }

    private static async Task<IReadOnlyList<int>> ApplyAsync(
        DbConnection connection, DbTransaction? outer, DatabaseProvider provider, IReadOnlyList<Migration> migrations, ILogger logger, CancellationToken ct)
    {
        await ExecuteAsync(connection, outer, provider == DatabaseProvider.Postgres
            ? "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL)"
            : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)", ct);
        var applied = await AppliedAsync(connection, outer, migrations, ct);

        var done = new List<int>();
        foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
        {
            var own = outer is null ? await connection.BeginTransactionAsync(ct) : null;
            var transaction = outer ?? own!;
            try
            {
                await ExecuteAsync(connection, transaction, migration.Sql, ct);
                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = transaction;
                    record.CommandText = "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@v, @n, @c, @a)";
                    AddParameter(record, "@v", migration.Version);
                    AddParameter(record, "@n", migration.Name);
                    AddParameter(record, "@c", migration.Checksum);
                    AddParameter(record, "@a", provider == DatabaseProvider.Postgres ? DateTimeOffset.UtcNow : DateTimeOffset.UtcNow.ToString("O"));
                    await record.ExecuteNonQueryAsync(ct);
                }
                if (own is not null)
                {
                    await own.CommitAsync(ct);
                }
            }
            finally
            {
                if (own is not null)
                {
                    await own.DisposeAsync();
                }
            }
            logger.LogInformation("Applied migration {Version} {Name}", migration.Version, migration.Name);
            done.Add(migration.Version);
        }
        return done;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
