using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Data;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Data;

public sealed class MigrationTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_migrated_schema_matches_the_EF_model(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        _ = factory.Server; // start-up applies the migration files
        var script = await factory.InScopeAsync(null, services => Task.FromResult(services.GetRequiredService<AppDbContext>().Database.GenerateCreateScript()));

        await using var fromModel = TestDatabase.Create(engine);
        await fromModel.ExecuteAsync(script);

        var migrated = await SchemaSnapshot.DescribeAsync(engine, factory.Database.Connection);
        var expected = await SchemaSnapshot.DescribeAsync(engine, fromModel.Connection);
        var missing = expected.Split('\n').Except(migrated.Split('\n')).ToList();
        var extra = migrated.Split('\n').Except(expected.Split('\n')).ToList();
        missing.ShouldBeEmpty("the EF model has these but the migration files do not create them (add a migration)");
        extra.ShouldBeEmpty("the migration files create these but the EF model does not have them");
        (await SchemaSnapshot.TablesAsync(engine, factory.Database.Connection)).ShouldContain("people");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_processes_migrating_at_once_apply_each_file_exactly_once(Engine engine)
    {
        await using var database = TestDatabase.Create(engine);
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Cli.RunAsync(database, "migrate"))));

        runs.ShouldAllBe(r => r.ExitCode == 0);
        runs.Count(r => r.Output.Contains("Applied migrations", StringComparison.Ordinal)).ShouldBe(1);
        await using var connection = SchemaSnapshot.Open(engine, database.Connection);
        var versions = await SchemaSnapshot.ReadAsync(connection, "SELECT version FROM schema_migrations");
        versions.Select(v => v[0]).ShouldBe(MigrationRunner.Load(database.Provider).Select(m => m.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)), ignoreOrder: true);
        (await Cli.RunAsync(database, "migrate")).Output.ShouldContain("up to date");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_migration_edited_after_it_was_applied_stops_start_up_with_a_clear_message(Engine engine)
    {
        await using var database = TestDatabase.Create(engine);
        (await Cli.RunAsync(database, "migrate")).ExitCode.ShouldBe(0);
        await database.ExecuteAsync("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
        var result = await Cli.RunAsync(database, "migrate");
        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("was changed after it was applied");
    }

    [Fact]
    public async Task SQLite_runs_in_WAL_mode_with_full_synchronous_writes_and_foreign_keys()
    {
        await using var factory = new UpstanderFactory();
        var pragmas = await factory.InScopeAsync(null, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();
            return (await SchemaSnapshot.ReadAsync(connection, "PRAGMA journal_mode"))[0][0] + " "
                + (await SchemaSnapshot.ReadAsync(connection, "PRAGMA synchronous"))[0][0] + " "
                + (await SchemaSnapshot.ReadAsync(connection, "PRAGMA foreign_keys"))[0][0] + " "
                + (await SchemaSnapshot.ReadAsync(connection, "PRAGMA secure_delete"))[0][0];
        });
        pragmas.ShouldBe("wal 2 1 1"); // synchronous 2 = FULL
    }

    [Fact]
    public async Task SQLite_connections_carry_none_of_EF_Cores_functions_and_the_model_needs_none()
    {
        await using var factory = new UpstanderFactory();
        await factory.InScopeAsync(null, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            // Decimal columns on SQLite need EF Core's ef_* functions and EF_DECIMAL collation, which connections no longer carry.
            var decimals = db.Model.GetEntityTypes().SelectMany(e => e.GetProperties())
                .Where(p => (Nullable.GetUnderlyingType(p.GetProviderClrType() ?? p.ClrType) ?? p.GetProviderClrType() ?? p.ClrType) == typeof(decimal))
                .Select(p => $"{p.DeclaringType.DisplayName()}.{p.Name}");
            decimals.ShouldBeEmpty("store quarter hours or minor units as integers instead");

            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT ef_add(1, 2)";
            (await Should.ThrowAsync<Microsoft.Data.Sqlite.SqliteException>(() => command.ExecuteScalarAsync())).Message.ShouldContain("no such function: ef_add");
            return 0;
        });
    }
}
