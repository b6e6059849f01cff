using System.Net;
using System.Net.Sockets;
using Npgsql;
using Upstander.Platform;
using Upstander.Platform.Data;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Hosting;

/// <summary>
/// The web start (what README's command runs) told a setting it cannot use: the operator reads one line that says
/// what to put right, the process exits 1, and no stack trace is printed. Runs the same entry point as Program.cs, in
/// process; a start that unexpectedly succeeds is stopped by the token and fails the exit-code check.
/// </summary>
public sealed class StartFailureTests
{
    private static async Task<(int Code, string Error)> StartAsync(TestDatabase database, params string[] settings)
    {
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--Database:Provider=" + database.Engine,
            "--Database:Connection=" + database.Connection,
            "--Protection:MasterKeyFile=" + Path.Combine(database.Folder, "keys", "master.key"),
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var error = new StringWriter();
        var code = await UpstanderApp.RunAsync(args, error, bound.Token);
        return (code, error.ToString());
    }

    private static void ShouldBeOneLine(string error, string expected)
    {
        error.ShouldStartWith("Upstander cannot start: ");
        error.ShouldContain(expected);
        error.TrimEnd().ShouldNotContain("\n", customMessage: "one line, no stack trace");
        error.ShouldNotContain(" at Upstander.");
    }

    [Theory]
    [InlineData("--Protection:MasterKeyFile=DATA/master.key", "must not be kept in the data directory")]
    [InlineData("--PublicUrl=upstander.example.org", "PublicUrl must be the full address people open")]
    [InlineData("--Database:Provider=mysql", "Database:Provider must be Sqlite or Postgres, not \"mysql\"")]
    [InlineData("--Protection:MasterKey=c2hvcnQ=", "Protection:MasterKey does not hold base64 of 32 bytes")]
    [InlineData("--Proxy:TrustedAddresses=10.0.0.5,10.0.0.300", "Proxy:TrustedAddresses has \"10.0.0.300\", which is neither an IP address nor a network")]
    [InlineData("--Privacy:QuickExitUrl=javascript:alert(1)", "Privacy:QuickExitUrl must be the full address of a neutral page")]
    [InlineData("--Escrow:HeldMonths=0", "Escrow:HeldMonths must be 1 or more")]
    [InlineData("--Escrow:JudgementPeriod=00:00:00", "Escrow:JudgementPeriod must be between 00:00:01 and 1.00:00:00")]
    [InlineData("--Escrow:JudgementPeriod=2.00:00:00", "Escrow:JudgementPeriod must be between 00:00:01 and 1.00:00:00")]
    public async Task A_setting_the_operator_must_put_right_stops_the_start_with_one_line(string setting, string expected)
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var (code, error) = await StartAsync(database, setting.Replace("DATA", Path.GetDirectoryName(database.SqliteFile)));

        code.ShouldBe(1);
        ShouldBeOneLine(error, expected);
        File.Exists(database.SqliteFile).ShouldBeFalse("the start stopped before the database was created");
    }

    [Fact]
    public async Task Demo_mode_on_a_public_address_is_refused_before_any_demo_data_is_made()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var (code, error) = await StartAsync(database, "--demo", "--urls", "http://0.0.0.0:0");

        code.ShouldBe(1);
        ShouldBeOneLine(error, "Demo mode is on, and its credentials are published, so Upstander listens only on loopback. Refusing to listen on http://0.0.0.0:0.");
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database.SqliteFile};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM organisations";
        ((long)(await count.ExecuteScalarAsync())!).ShouldBe(0, "no demo organisation was seeded");
    }

    [Fact]
    public async Task Without_migrations_at_start_an_empty_database_is_refused_and_left_empty()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var (code, error) = await StartAsync(database, "--Database:MigrateOnStart=false");

        code.ShouldBe(1);
        var all = MigrationRunner.Load(DatabaseProvider.Sqlite);
        ShouldBeOneLine(error, $"The database lacks {all.Count} migration(s) this build needs (0001_{all[0].Name}, ");
        error.ShouldContain("Database:MigrateOnStart is false. Run the migrate verb first.");
        (await SchemaSnapshot.TablesAsync(Engine.Sqlite, database.Connection)).ShouldBeEmpty("nothing was created");
        await using (var connection = SchemaSnapshot.Open(Engine.Sqlite, database.Connection))
        {
            (await SchemaSnapshot.ReadAsync(connection, "SELECT name FROM sqlite_master WHERE name = 'schema_migrations'")).ShouldBeEmpty();
        }
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Without_migrations_at_start_a_database_behind_the_build_names_what_it_lacks(Engine engine)
    {
        await using var database = TestDatabase.Create(engine);
        (await Cli.RunAsync(database, "migrate")).ExitCode.ShouldBe(0);
        var newest = MigrationRunner.Load(database.Provider)[^1];
        await database.ExecuteAsync($"DELETE FROM schema_migrations WHERE version = {newest.Version}");

        var (code, error) = await StartAsync(database, "--Database:MigrateOnStart=false");

        code.ShouldBe(1);
        ShouldBeOneLine(error, $"The database lacks 1 migration(s) this build needs ({newest.Version:D4}_{newest.Name}), and Database:MigrateOnStart is false.");
    }

    [Fact]
    public async Task A_master_key_file_that_is_not_a_key_stops_the_start_and_is_left_as_it_was()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var keyFile = Path.Combine(database.Folder, "keys", "master.key");
        Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
        await File.WriteAllTextAsync(keyFile, "not a key");

        var (code, error) = await StartAsync(database);

        code.ShouldBe(1);
        ShouldBeOneLine(error, $"The master key file {keyFile} does not hold base64 of 32 bytes");
        (await File.ReadAllTextAsync(keyFile)).ShouldBe("not a key");
    }

    [Fact]
    public async Task An_address_already_in_use_is_named_with_what_to_do()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var (code, error) = await StartAsync(database, "--urls", $"http://127.0.0.1:{port}");

        code.ShouldBe(1);
        ShouldBeOneLine(error, $"Failed to bind to address http://127.0.0.1:{port}: address already in use.");
        error.ShouldContain("choose another address with --urls");
    }

    [Fact]
    public async Task A_database_server_that_cannot_be_reached_is_named()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (code, error) = await StartAsync(database, "--Database:Provider=Postgres",
            $"--Database:Connection=Host=127.0.0.1;Port={closedPort};Database=upstander;Username=upstander;Timeout=5");

        code.ShouldBe(1);
        ShouldBeOneLine(error, "The database could not be opened, reached or used:");
        error.ShouldContain("Check Database:Provider and Database:Connection");
    }

    [Fact]
    public async Task A_PostgreSQL_account_that_may_not_create_tables_is_named_as_the_reason()
    {
        // Since PostgreSQL 15 an account may not create tables in the public schema unless granted: a common first
        // deployment mistake, which makes the first migration fail.
        var role = "upstander_limited_" + Guid.NewGuid().ToString("N")[..8];
        var database = TestDatabase.Create(Engine.Postgres);
        try
        {
            await database.ExecuteAsync($"CREATE ROLE {role} LOGIN");
            var limited = new NpgsqlConnectionStringBuilder(database.Connection) { Username = role, Pooling = false }.ConnectionString;

            var (code, error) = await StartAsync(database, "--Database:Connection=" + limited);

            code.ShouldBe(1);
            ShouldBeOneLine(error, "permission denied for schema public");
            error.ShouldContain("that Upstander's database account may create tables");
        }
        finally
        {
            await database.DisposeAsync();
            await using var server = new NpgsqlConnection(TestDatabase.PostgresServer);
            await server.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {role}", server);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Safety_content_that_is_missing_or_broken_stops_the_start_with_what_is_wrong()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var missing = Path.Combine(database.Folder, "no-such-folder");
        var (code, error) = await StartAsync(database, "--Safety:ContentPath=" + missing);
        code.ShouldBe(1);
        ShouldBeOneLine(error, $"Safety:ContentPath \"{missing}\" does not exist");

        // An empty folder: the list of what is wrong, one problem per line, and still no stack trace.
        var empty = Directory.CreateDirectory(Path.Combine(database.Folder, "empty-safety")).FullName;
        (code, error) = await StartAsync(database, "--Safety:ContentPath=" + empty);
        code.ShouldBe(1);
        error.ShouldStartWith("Upstander cannot start: ");
        error.ShouldContain("  - ");
        error.ShouldNotContain(" at Upstander.");
        error.ShouldNotContain("Unhandled exception");
    }

    [Fact]
    public void A_fault_in_Upstander_is_not_explained_away()
    {
        StartupProblem.Explain(new ArithmeticException()).ShouldBeNull();
        StartupProblem.Explain(new InvalidOperationException("wrapped", new StartupProblem("the reason"))).ShouldBe("the reason");
        StartupProblem.Explain(new IOException("a file could not be read")).ShouldBeNull();
    }
}
