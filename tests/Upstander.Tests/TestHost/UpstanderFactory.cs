using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Tests.TestHost;

/// <summary>
/// The real application on an empty database of either engine, with a fake clock, captured logs and
/// high rate limits (rate limits have their own tests). Dispose to remove the database.
/// </summary>
public sealed partial class UpstanderFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDatabase;

    static UpstanderFactory()
    {
        // Hundreds of test hosts would each watch appsettings.json and wwwroot (the stylesheet's version
        // hash) and exhaust the machine's inotify instances (128 by default). Tests never edit those
        // files: no configuration reload, and file providers poll instead of holding a watcher.
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }

    public UpstanderFactory(Engine engine = Engine.Sqlite, IDictionary<string, string?>? settings = null, TestDatabase? database = null)
    {
        Database = database ?? TestDatabase.CreateMigrated(engine);
        _ownsDatabase = database is null;
        _settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = engine.ToString(),
            ["Database:Connection"] = Database.Connection,
            ["Protection:MasterKeyFile"] = Path.Combine(Database.Folder, "keys", "master.key"),
            ["RateLimits:SignInPerMinute"] = "10000",
            ["RateLimits:SubmissionsPerMinute"] = "10000",
            ["RateLimits:InvitationsPerHour"] = "10000",
            ["PublicUrl"] = "http://localhost",
            ["SpeakUp:UploadsDirectory"] = Path.Combine(Database.Folder, "uploads"),
            // HeldInProcess knows that a request waits for a section from this debug line.
            ["Logging:LogLevel:Upstander.Platform.Data.ExclusiveLocks"] = "Debug",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public TestDatabase Database { get; }
    public FakeClock Clock { get; } = new();
    public CapturedLogs Logs { get; } = new();

    /// <summary>Extra service registrations for one test (applied last), e.g. a handler for an outgoing HttpClient.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>
    /// PBKDF2 rounds for the passwords of this host's accounts. Upstander hashes with ASP.NET Core Identity's default
    /// (PBKDF2-HMAC-SHA512, 100,000 rounds; <c>SignInTests</c> proves what a stored hash holds, with
    /// <see cref="ProductPasswordHashing"/>). A test host creates seven accounts per organisation and signs in again and
    /// again, and at the default those hashes were about a third of the whole suite's time; the hash format, the
    /// checks and the sign-in flow are the same at any number of rounds, so test hosts use fewer. The browser tests
    /// and the benchmark run the real server, with the default.
    /// </summary>
    public const int TestPasswordRounds = 1_000;

    /// <summary>Keeps Identity's own password hashing settings instead of <see cref="TestPasswordRounds"/>.</summary>
    public bool ProductPasswordHashing { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting(UpstanderApp.ExplainStartProblems, "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.SetMinimumLevel(LogLevel.Trace);
        });
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            if (!ProductPasswordHashing)
            {
                services.Configure<PasswordHasherOptions>(o => o.IterationCount = TestPasswordRounds);
            }
            TestServices?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    /// <summary>Runs work in a service scope acting for an organisation (or none), as the system.</summary>
    public async Task<T> InScopeAsync<T>(Guid? organisationId, Func<IServiceProvider, Task<T>> work)
    {
        using var scope = Services.CreateScope();
        if (organisationId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<OrganisationScope>().Enter(id);
        }
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
        return await work(scope.ServiceProvider);
    }

    public Task InScopeAsync(Guid? organisationId, Func<IServiceProvider, Task> work) =>
        InScopeAsync<bool>(organisationId, async services => { await work(services); return true; });

    public const string Password = "correct horse battery staple";

    /// <summary>An organisation with one account per role (privileged ones with two-factor on), plus a few people without accounts.</summary>
    public async Task<TestOrganisation> CreateOrganisationAsync(string name)
    {
        _ = Server; // make sure the host (and its migrations) has started
        var slug = SlugRegex().Replace(name.ToLowerInvariant(), "");
        return await InScopeAsync(null, async services =>
        {
            var setup = services.GetRequiredService<OrganisationSetup>();
            var users = services.GetRequiredService<UserManager<Account>>();
            var organisation = await setup.CreateOrganisationAsync(name, false, CancellationToken.None);
            var accounts = new Dictionary<string, TestAccount>();
            foreach (var role in Roles.All)
            {
                var email = $"{role.ToLowerInvariant()}@{slug}.example";
                var (person, account) = await setup.CreatePersonWithAccountAsync(organisation.Id,
                    new PersonDetails($"{role} of {name}", email, $"{slug}-{role}", $"{name} Operations", null, null, null, "en", null, null),
                    [role], Password, CancellationToken.None);
                string? totpKey = null;
                if (Roles.RequireTwoFactor.Contains(role))
                {
                    await users.ResetAuthenticatorKeyAsync(account);
                    totpKey = await users.GetAuthenticatorKeyAsync(account);
                    await users.SetTwoFactorEnabledAsync(account, true);
                }
                accounts[role] = new TestAccount(role, email, account.Id, person.Id, totpKey);
            }
            return new TestOrganisation(organisation.Id, name, slug, accounts);
        });
    }

    /// <summary>A client that keeps cookies and does not follow redirects, so tests see each step.</summary>
    public HttpClient Browser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("http://localhost") });

    /// <summary>Signs in through the real pages (password, then the two-factor code when required).</summary>
    public async Task<HttpClient> SignInAsync(TestAccount account)
    {
        var client = Browser();
        await client.SignInAsync(account);
        return client;
    }

    [GeneratedRegex("[^a-z0-9]")]
    private static partial Regex SlugRegex();
}

public sealed record TestAccount(string Role, string Email, Guid AccountId, Guid PersonId, string? TotpKey);

public sealed record TestOrganisation(Guid Id, string Name, string Slug, IReadOnlyDictionary<string, TestAccount> Accounts)
{
    public TestAccount this[string role] => Accounts[role];
}
