using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Demo;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Platform;

/// <summary>Holds the one-time code that protects the first-run page until the first organisation exists.</summary>
public sealed class FirstRunCode
{
    public string? Code { get; private set; }

    public void Issue() => Code = string.Create(9, RandomNumberGenerator.GetBytes(8), static (span, bytes) =>
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        for (var i = 0; i < 9; i++)
        {
            span[i] = i == 4 ? '-' : alphabet[bytes[i < 4 ? i : i - 1] % alphabet.Length];
        }
    });

    public bool Matches(string? attempt) =>
        Code is not null && attempt is not null
        && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(Code), System.Text.Encoding.ASCII.GetBytes(attempt.Trim().ToUpperInvariant()));

    public void Clear() => Code = null;
}

public static partial class Startup
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>Migrates, loads keys, ensures roles, seeds the demo when asked, and refuses unsafe binding.</summary>
    public static async Task PrepareUpstanderAsync(this WebApplication app, CancellationToken ct = default)
    {
        // Fails the start with the reason for a PublicUrl links cannot be built from, before anything else runs.
        var publicUrl = PublicUrl.Of(app.Configuration);
        if (!string.IsNullOrEmpty(app.Configuration["Mail:Host"]) && string.IsNullOrEmpty(app.Configuration[PublicUrl.Setting]))
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Startup)).LogWarning(
                "Mail is on but PublicUrl is not set: emailed links point to {Address}, where Upstander listens, never to the address a request came to. Set PublicUrl to the address people open.", publicUrl);
        }
        if (TrustedProxies.UntrustedProxyWarning(app.Configuration, ListeningUrls(app.Configuration)) is { } warning)
        {
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(Startup)).LogWarning("{Warning}", warning);
        }
        using (var scope = app.Services.CreateScope())
        {
            var services = scope.ServiceProvider;
            if (services.GetRequiredService<DatabaseOptions>().Provider == DatabaseProvider.Sqlite && SqliteEngine.EnsureConfigured() != 0)
            {
                services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SqliteEngine))
                    .LogWarning("SQLite was in use before its process-wide settings could be applied; it keeps its allocation statistics, which costs throughput under load.");
            }
            await EnsureReadyAsync(services, app.Configuration.GetValue("Database:MigrateOnStart", true), ct);

            var db = services.GetRequiredService<AppDbContext>();
            // Before anything is seeded: demo mode on a public address is refused without leaving demo data behind.
            var demoFlag = app.Configuration.GetValue<bool>("Demo");
            if (demoFlag || await db.Organisations.IgnoreQueryFilters().AnyAsync(o => o.IsDemo, ct))
            {
                var unsafeUrl = ListeningUrls(app.Configuration).FirstOrDefault(u => !IsLoopback(u));
                if (unsafeUrl is not null)
                {
                    throw new StartupProblem(
                        $"{(demoFlag ? "Demo mode is on" : "Demo data is present")}, and its credentials are published, so Upstander listens only on loopback. Refusing to listen on {unsafeUrl}.");
                }
            }

            var anyOrganisation = await db.Organisations.IgnoreQueryFilters().AnyAsync(ct);
            if (demoFlag && !anyOrganisation)
            {
                var credentials = await services.GetRequiredService<DemoSeeder>().SeedAsync(ct);
                DemoSeeder.Print(credentials, Console.Out, publicUrl);
                anyOrganisation = true;
            }
            if (!anyOrganisation)
            {
                var code = app.Services.GetRequiredService<FirstRunCode>();
                code.Issue();
                // Straight to the console, never through logging: log sinks are not a place for secrets.
                await Console.Out.WriteLineAsync($"No organisation yet. Open {publicUrl}/setup and enter the set-up code {code.Code}.");
            }
        }
    }

    public static IEnumerable<string> ListeningUrls(IConfiguration configuration)
    {
        var urls = configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? configuration["http_ports"] ?? DefaultUrl;
        var split = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>();
        return split.Concat(endpoints);
    }

    /// <summary>
    /// Where a browser on this machine opens Upstander: the first address it listens on (<c>--urls</c>,
    /// <c>ASPNETCORE_URLS</c>, else <see cref="DefaultUrl"/>), a wildcard host (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>,
    /// <c>[::]</c>) read as localhost. Links and printed addresses fall back to it when <c>PublicUrl</c> is not set, so
    /// that a start on another port prints the address it really answers on.
    /// </summary>
    public static string LocalUrl(IConfiguration configuration)
    {
        foreach (var url in ListeningUrls(configuration))
        {
            var candidate = WildcardHost().Replace(url, "${scheme}localhost");
            if (Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri.GetLeftPart(UriPartial.Authority);
            }
        }
        return DefaultUrl;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<scheme>https?://)(\*|\+|0\.0\.0\.0|\[::\])(?=[:/]|$)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex WildcardHost();

    /// <summary>Whether a listening URL, or a bare host name or address (<c>::1</c> too), is on this machine only.</summary>
    public static bool IsLoopback(string url)
    {
        if (IPAddress.TryParse(url, out var bare))
        {
            return IPAddress.IsLoopback(bare);
        }
        var candidate = url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url;
        // "*" and "+" are wildcards Kestrel accepts but Uri does not.
        if (candidate.Contains("://*", StringComparison.Ordinal) || candidate.Contains("://+", StringComparison.Ordinal))
        {
            return false;
        }
        if (!Uri.TryCreate(candidate, UriKind.Absolute, out var uri))
        {
            return false;
        }
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>
    /// What both the web app and every CLI verb need before doing anything: the schema migrated, the
    /// key ring loaded (created on first run) and the fixed roles present.
    /// </summary>
    public static async Task EnsureReadyAsync(IServiceProvider services, bool migrate, CancellationToken ct)
    {
        if (migrate)
        {
            await services.GetRequiredService<MigrationRunner>().MigrateAsync(ct);
        }
        else if (await services.GetRequiredService<MigrationRunner>().PendingAsync(ct) is { Count: > 0 } pending)
        {
            // Not migrating at start is a choice to migrate first with the verb; a schema behind the code would fail
            // request by request instead.
            throw new StartupProblem(
                $"The database lacks {pending.Count} migration(s) this build needs ({string.Join(", ", pending.Select(m => $"{m.Version:D4}_{m.Name}"))}), and Database:MigrateOnStart is false. Run the migrate verb first.");
        }
        services.GetRequiredService<KeyRing>().Reload();
        await KeyFileBindings.CheckAsync(services, ct);
        await EnsureRolesAsync(services.GetRequiredService<RoleManager<IdentityRole<Guid>>>());
    }

    private static async Task EnsureRolesAsync(RoleManager<IdentityRole<Guid>> roles)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.CreateVersion7() });
            }
        }
    }
}
