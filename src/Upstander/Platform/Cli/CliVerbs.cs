using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;
using Upstander.Features.Demo;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Platform.Cli;

/// <summary>
/// The same executable's administrative verbs. Each builds the full service container (same
/// configuration, same database, same keys) without starting the web server.
/// </summary>
public static class CliVerbs
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "migrate", "create-organisation", "create-admin", "import-people", "audit", "seed-demo", "keys", "schema-script", "retention", "backup",
    };

    private static readonly string[] HelpTokens = ["--help", "-h", "-?", "help"];

    /// <summary>
    /// Whether the arguments are for the command line rather than the web start: a verb, or a request for help or the
    /// version anywhere in them (so that <c>--help</c> explains instead of starting a server and creating a database).
    /// </summary>
    public static bool IsVerb(string[] args) =>
        args.Length > 0 && (Names.Contains(args[0]) || args[0] == "--version" || args.Any(a => HelpTokens.Contains(a, StringComparer.Ordinal)));

    private const string StartHelp = """
        Upstander. With no verb, starts the web application and serves it until stopped; with a verb, runs that
        administrative task on the same database and keys, and exits.

        Starting (see docs/operations.md for every setting):
          --urls URL                 where to listen (default http://localhost:5080)
          --demo                     on first start, create a demo organisation and print its sign-ins (loopback only)
          --database sqlite|postgres the database engine (default sqlite, in data/ under the content root)
          --connection VALUE         the SQLite file or the PostgreSQL connection string
          --master-key-file PATH     the master key (default keys/master.key, created on first start)
          --Section:Key=value        any other setting, for example --PublicUrl=https://upstander.example.org

        A start that cannot go ahead prints one line beginning "Upstander cannot start:" and exits 1.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var database = new Option<string?>("--database") { Description = "sqlite (default) or postgres", Recursive = true };
        var connection = new Option<string?>("--connection") { Description = "SQLite file or PostgreSQL connection string", Recursive = true };
        var masterKeyFile = new Option<string?>("--master-key-file") { Description = "Path of the master key file", Recursive = true };

        var root = new RootCommand(StartHelp) { database, connection, masterKeyFile };
        if (args.Length > 0 && !Names.Contains(args[0]) && args[0] != "--version")
        {
            args = ["--help"];
        }

        WebApplication Host(ParseResult parse)
        {
            var settings = new List<string>();
            if (parse.GetValue(database) is { } d) settings.Add($"--Database:Provider={(d.Equals("postgres", StringComparison.OrdinalIgnoreCase) ? "Postgres" : "Sqlite")}");
            if (parse.GetValue(connection) is { } c) settings.Add($"--Database:Connection={c}");
            if (parse.GetValue(masterKeyFile) is { } k) settings.Add($"--Protection:MasterKeyFile={k}");
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. settings] });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddUpstander();
            return builder.Build();
        }

        async Task<int> InScope(ParseResult parse, Func<IServiceProvider, Task<int>> work, bool migrate = true)
        {
            await using var app = Host(parse);
            using var scope = app.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
            try
            {
                if (migrate)
                {
                    await Startup.EnsureReadyAsync(scope.ServiceProvider, migrate: true, CancellationToken.None);
                }
                return await work(scope.ServiceProvider);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or IOException)
            {
                await error.WriteLineAsync(ex.Message);
                return 1;
            }
        }

        var migrateCommand = new Command("migrate", "Apply pending database migrations under a lock.");
        migrateCommand.SetAction((parse, ct) => InScope(parse, async services =>
        {
            var applied = await services.GetRequiredService<MigrationRunner>().MigrateAsync(ct);
            await output.WriteLineAsync(applied.Count == 0 ? "The database is up to date." : $"Applied migrations: {string.Join(", ", applied.Select(v => v.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)))}.");
            return 0;
        }, migrate: false));
        root.Subcommands.Add(migrateCommand);

        var orgName = new Option<string>("--name") { Description = "The organisation's name", Required = true };
        var orgTimeZone = new Option<string>("--time-zone") { Description = "The IANA time zone pages show times in, e.g. Europe/London (default UTC)" };
        var createOrganisation = new Command("create-organisation", "Create an organisation.") { orgName, orgTimeZone };
        createOrganisation.SetAction((parse, ct) => InScope(parse, async services =>
        {
            var timeZone = parse.GetValue(orgTimeZone);
            if (timeZone is not null)
            {
                try
                {
                    Organisation.ValidTimeZone(timeZone);
                }
                catch (ArgumentException ex)
                {
                    await error.WriteLineAsync(ex.Message.Split(" (Parameter", 2)[0]);
                    return 2;
                }
            }
            var organisation = await services.GetRequiredService<OrganisationSetup>().CreateOrganisationAsync(parse.GetValue(orgName)!, false, ct, timeZone);
            await output.WriteLineAsync($"Created organisation {organisation.Name} (time zone {organisation.TimeZone}) with id {organisation.Id}.");
            return 0;
        }));
        root.Subcommands.Add(createOrganisation);

        var adminOrg = new Option<Guid>("--organisation") { Description = "The organisation id", Required = true };
        var adminName = new Option<string>("--name") { Required = true };
        var adminEmail = new Option<string>("--email") { Required = true };
        var adminEmployeeId = new Option<string>("--employee-id") { Required = true };
        var createAdmin = new Command("create-admin", "Add an administrator and print their one-time invitation link.") { adminOrg, adminName, adminEmail, adminEmployeeId };
        createAdmin.SetAction((parse, ct) => InScope(parse, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var organisationId = parse.GetValue(adminOrg);
            if (!await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.Id == organisationId, ct))
            {
                await error.WriteLineAsync($"No organisation has the id {organisationId}.");
                return 1;
            }
            var setup = services.GetRequiredService<OrganisationSetup>();
            // Only the directory entry: accepting the invitation creates the account with the Admin role.
            var person = await setup.CreatePersonAsync(organisationId,
                new PersonDetails(parse.GetValue(adminName)!, parse.GetValue(adminEmail)!, parse.GetValue(adminEmployeeId)!, null, null, null, null, null, null, null),
                ct);
            // The same issuer as the admin pages and the API: one set of rules, one link format, one audit shape. The link is
            // printed, not emailed: whoever runs this is setting up the administrator and hands it over themselves.
            var (issued, refusal) = await services.GetRequiredService<InvitationIssuer>()
                .CreateAsync(person.Id, [Roles.Admin], Startup.LocalUrl(services.GetRequiredService<IConfiguration>()), email: false, ct);
            if (issued is null)
            {
                await error.WriteLineAsync($"The invitation could not be created ({refusal}).");
                return 1;
            }
            await output.WriteLineAsync($"Administrator added. Give them this link (valid for 7 days, shown once):");
            await output.WriteLineAsync(issued.Link);
            return 0;
        }));
        root.Subcommands.Add(createAdmin);

        var audit = new Command("audit", "Audit log verbs.");
        var verify = new Command("verify", "Verify the audit chain: exit 0 when intact, 3 when broken. Prints the head to keep outside the database.");
        var anchorOption = new Option<string?>("--anchor")
        {
            Description = "A head printed by an earlier run or logged by Upstander (sequence:hash); the chain must still pass through it, which detects removed newest rows.",
        };
        verify.Options.Add(anchorOption);
        verify.SetAction(async (parse, ct) =>
        {
            var given = parse.GetValue(anchorOption);
            var anchor = AuditAnchor.Parse(given);
            if (given is not null && anchor is null)
            {
                await error.WriteLineAsync("Give --anchor as <sequence>:<64 hexadecimal digits>, as audit verify prints it after \"Head:\".");
                return 2;
            }
            return await InScope(parse, async services =>
            {
                var db = services.GetRequiredService<AppDbContext>();
                var key = services.GetRequiredService<KeyRing>().AuditKey();
                var result = await AuditChain.VerifyAsync(AuditChain.InOrder(db.AuditEvents), key, anchor, ct);
                await output.WriteLineAsync(result.Intact
                    ? $"Audit chain intact: {result.RowsChecked} events verified{(anchor is null ? "" : $", through the anchor at event {anchor.Sequence}")}."
                        + (result.Head is { } head ? $" Head: {head} (keep this outside the database and pass it as --anchor next time)." : "")
                    : $"Audit chain BROKEN at event {result.BrokenAtSequence}: {result.Problem}.");
                return result.Intact ? 0 : 3;
            });
        });
        audit.Subcommands.Add(verify);
        root.Subcommands.Add(audit);

        var seed = new Command("seed-demo", "Create the demo organisation and print its sign-ins once.");
        seed.SetAction((parse, ct) => InScope(parse, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            if (await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.IsDemo, ct))
            {
                await error.WriteLineAsync("A demo organisation already exists.");
                return 1;
            }
            var credentials = await services.GetRequiredService<DemoSeeder>().SeedAsync(ct);
            DemoSeeder.Print(credentials, output, Web.PublicUrl.Of(services.GetRequiredService<IConfiguration>()));
            return 0;
        }));
        root.Subcommands.Add(seed);

        var keys = new Command("keys", "Key ring verbs.");
        var rotate = new Command("rotate", "Create a new field key; new data is sealed with it, old data still opens.");
        rotate.SetAction((parse, ct) => InScope(parse, async services =>
        {
            var id = await services.GetRequiredService<KeyRing>().RotateAsync(ct);
            services.GetRequiredService<AuditLog>().Record(AuditActions.KeysRotated, "protection-key", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await services.GetRequiredService<AppDbContext>().SaveChangesAsync(ct);
            await output.WriteLineAsync($"Field key {id} is now active.");
            return 0;
        }));
        keys.Subcommands.Add(rotate);
        var newKeyFile = new Option<string>("--new-master-key-file") { Required = true, Description = "File holding the new master key (base64 of 32 bytes)" };
        var rewrap = new Command("rewrap", "Re-wrap every data key, and the cookie and antiforgery keys, under a new master key (stop Upstander first).") { newKeyFile };
        rewrap.SetAction((parse, ct) => InScope(parse, async services =>
        {
            var current = services.GetRequiredService<MasterKey>();
            var next = MasterKey.LoadReplacement(parse.GetValue(newKeyFile)!, Directory.GetCurrentDirectory(),
                services.GetRequiredService<DatabaseOptions>().DataDirectory(services.GetRequiredService<IHostEnvironment>().ContentRootPath), current);
            // Every cookie key file is opened and its new content written beside it before the data keys change, so a file
            // the key in use cannot open, or a folder that cannot be written to, changes nothing.
            using var files = DataProtectionKeyFiles.Stage(DataProtectionKeyFiles.Prepare(services.GetRequiredService<DataProtectionKeyFolder>().Path, current, next));
            var count = await services.GetRequiredService<KeyRing>().RewrapAsync(next, ct);
            files.Replace();
            await output.WriteLineAsync($"Re-wrapped {count} data keys and {files.Count} cookie key file(s) under master key {next.Fingerprint}. "
                + "Start Upstander with the new key file now, and keep the old one until a backup made with the new one has been restored in a test.");
            return 0;
        }));
        keys.Subcommands.Add(rewrap);
        root.Subcommands.Add(keys);

        var schema = new Command("schema-script", "Print the schema the EF model expects for --database (to help write a new migration file).");
        schema.SetAction((parse, ct) => InScope(parse, async services =>
        {
            await output.WriteLineAsync(services.GetRequiredService<AppDbContext>().Database.GenerateCreateScript());
            return 0;
        }, migrate: false));
        root.Subcommands.Add(schema);

        PeopleImportCli.Add(root, InScope, output, error);
        Retention.RetentionCli.Add(root, InScope, output, error);
        BackupCli.Add(root, InScope, output, error);

        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
