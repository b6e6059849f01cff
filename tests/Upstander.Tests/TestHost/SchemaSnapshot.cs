using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Upstander.Tests.TestHost;

/// <summary>
/// A normalised text description of a database's tables, columns, keys, indexes and foreign keys,
/// so two schemas can be compared line by line. Migration bookkeeping tables are left out.
/// </summary>
public static class SchemaSnapshot
{
    private static readonly HashSet<string> Bookkeeping = new(StringComparer.Ordinal) { "schema_migrations", "schema_migration_lock" };

    public static async Task<string> DescribeAsync(Engine engine, string connection) =>
        engine == Engine.Sqlite ? await SqliteAsync(connection) : await PostgresAsync(connection);

    public static async Task<List<string>> TablesAsync(Engine engine, string connection)
    {
        var sql = engine == Engine.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema='public' AND table_type='BASE TABLE'";
        await using var db = Open(engine, connection);
        return (await ReadAsync(db, sql)).Select(r => r[0]).Where(t => !Bookkeeping.Contains(t)).Order(StringComparer.Ordinal).ToList();
    }

    public static DbConnection Open(Engine engine, string connection)
    {
        DbConnection db = engine == Engine.Sqlite
            ? new SqliteConnection(connection.Contains('=', StringComparison.Ordinal) ? connection : $"Data Source={connection};Pooling=False")
            : new NpgsqlConnection(connection);
        db.Open();
        return db;
    }

    /// <summary>Runs a statement straight on the database, beneath Upstander (as someone with the database would).</summary>
    public static async Task ExecuteAsync(DbConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<string[]>> ReadAsync(DbConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)!;
            }
            rows.Add(row);
        }
        return rows;
    }

    private static async Task<string> SqliteAsync(string connection)
    {
        await using var db = Open(Engine.Sqlite, connection);
        var output = new StringBuilder();
        foreach (var table in await TablesAsync(Engine.Sqlite, connection))
        {
            foreach (var c in (await ReadAsync(db, $"PRAGMA table_info(\"{table}\")")).OrderBy(c => c[1], StringComparer.Ordinal))
            {
                output.AppendLine($"column {table}.{c[1]} {c[2]} notnull={c[3]} pk={c[5]}");
            }
            foreach (var index in await ReadAsync(db, $"PRAGMA index_list(\"{table}\")"))
            {
                if (index[3] == "pk")
                {
                    continue; // the primary key is already described by the columns
                }
                var columns = (await ReadAsync(db, $"PRAGMA index_info(\"{index[1]}\")")).OrderBy(r => int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).Select(r => r[2]);
                output.AppendLine($"index {table}({string.Join(",", columns)}) unique={index[2]}");
            }
            foreach (var fk in (await ReadAsync(db, $"PRAGMA foreign_key_list(\"{table}\")")).OrderBy(r => r[3], StringComparer.Ordinal))
            {
                output.AppendLine($"fk {table}.{fk[3]} -> {fk[2]}.{fk[4]} on delete {fk[6]}");
            }
        }
        return Sorted(output);
    }

    private static async Task<string> PostgresAsync(string connection)
    {
        await using var db = Open(Engine.Postgres, connection);
        var output = new StringBuilder();
        var tables = await TablesAsync(Engine.Postgres, connection);
        foreach (var c in await ReadAsync(db, """
            SELECT table_name, column_name, data_type, is_nullable, coalesce(character_maximum_length::text, ''), coalesce(column_default, '')
            FROM information_schema.columns WHERE table_schema = 'public'
            """))
        {
            if (tables.Contains(c[0]))
            {
                output.AppendLine($"column {c[0]}.{c[1]} {c[2]}({c[4]}) nullable={c[3]} default={c[5]}");
            }
        }
        foreach (var i in await ReadAsync(db, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))
        {
            if (tables.Contains(i[0]))
            {
                output.AppendLine($"index {i[2]}");
            }
        }
        foreach (var k in await ReadAsync(db, """
            SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace n ON n.oid = rel.relnamespace
            WHERE n.nspname = 'public' AND con.contype IN ('f', 'p', 'u', 'c')
            """))
        {
            if (tables.Contains(k[0]))
            {
                output.AppendLine($"constraint {k[0]} {k[1]} {k[2]}");
            }
        }
        return Sorted(output);
    }

    private static string Sorted(StringBuilder output) =>
        string.Join('\n', output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
}
