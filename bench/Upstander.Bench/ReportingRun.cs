using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Upstander.Features.Accounts;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Bench;

/// <summary>
/// `Upstander.Bench reporting [requests] [output] [form-requests]`: throughput and latency of sending a report, on
/// SQLite and (when UPSTANDER_TEST_POSTGRES names a server) PostgreSQL. The real application runs in this process on
/// Kestrel at 127.0.0.1 with a temporary database; every loop is bounded by a request count. Three rows per engine:
/// the service-level anonymous report (ReportRecord.Receive, FieldProtector.Seal of account and involved, SaveChanges),
/// the anonymous report through its HTTP form (GET then multipart POST of /report/{slug}, with the production passphrase
/// hashing, so far fewer calls at lower concurrency) and the escrow entry upload through HTTP (POST
/// /api/v1/escrow/entries with a personal access token).
/// </summary>
internal static partial class ReportingRun
{
    private const int Concurrency = 16;
    private const int WarmUp = 100;
    private const int FormConcurrency = 8;
    private const int FormWarmUp = 8;

    private sealed record Row(string Engine, string What, int Requests, int AtATime, double Seconds, double P50, double P99, int Errors)
    {
        public double PerSecond => Requests / Seconds;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
        var output = args.Length > 2 ? args[2] : "bench/results/reporting.md";
        var formRequests = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
        var rows = new List<Row>();
        var engines = new List<string> { "Sqlite" };
        var postgres = Environment.GetEnvironmentVariable("UPSTANDER_TEST_POSTGRES");
        if (postgres is not null)
        {
            engines.Add("Postgres");
        }
        foreach (var engine in engines)
        {
            rows.AddRange(await RunEngineAsync(engine, postgres, requests, formRequests));
        }
        var report = Report(rows, requests, formRequests);
        File.WriteAllText(output, report);
        Console.WriteLine(report);
        return rows.All(r => r.Errors == 0) ? 0 : 1;
    }

    private static async Task<List<Row>> RunEngineAsync(string engine, string? postgresServer, int requests, int formRequests)
    {
        var work = Directory.CreateTempSubdirectory("upstander-bench-reporting.");
        string? database = null;
        string connection;
        if (engine == "Sqlite")
        {
            Directory.CreateDirectory(Path.Combine(work.FullName, "data"));
            connection = Path.Combine(work.FullName, "data", "upstander.db");
        }
        else
        {
            database = "upstander_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var admin = new NpgsqlConnection(postgresServer))
            {
                await admin.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
                await create.ExecuteNonQueryAsync();
            }
            connection = new NpgsqlConnectionStringBuilder(postgresServer) { Database = database }.ConnectionString;
        }
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The application's own name, so that its Razor Pages (the report form) are found as in production.
            ApplicationName = typeof(AppDbContext).Assembly.GetName().Name,
            ContentRootPath = work.FullName,
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = engine,
            ["Database:Connection"] = connection,
            ["Protection:MasterKeyFile"] = Path.Combine(work.FullName, "keys", "master.key"),
            ["RateLimits:SubmissionsPerMinute"] = "1000000",
            ["RateLimits:AnonymousReportsPerHour"] = "1000000",
            ["Escrow:EntriesPerHour"] = "1000000",
            ["PublicUrl"] = "http://127.0.0.1",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddUpstander();
        var app = builder.Build();
        app.MapUpstander();
        await app.PrepareUpstanderAsync();
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            var (organisationId, personId, token, slug) = await SetUpAsync(app.Services);
            Console.WriteLine($"[{engine}] Upstander on {address}; {requests} requests per row, {Concurrency} at a time; form: {formRequests}, {FormConcurrency} at a time");
            var anonymous = await MeasureAsync(requests, Concurrency, WarmUp, _ => SubmitAnonymousAsync(app.Services, organisationId));
            var rows = new List<Row> { Summarise(engine, "anonymous", anonymous) };
            var visitors = new ConcurrentBag<HttpClient>(Enumerable.Range(0, FormConcurrency).Select(_ => Visitor(address)));
            try
            {
                var form = await MeasureAsync(formRequests, FormConcurrency, FormWarmUp, _ => SubmitFormAsync(visitors, $"/report/{slug}"));
                rows.Add(Summarise(engine, "form", form));
            }
            finally
            {
                foreach (var visitor in visitors)
                {
                    visitor.Dispose();
                }
            }
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var envelopes = Envelopes(app.Services, organisationId, personId, 20);
            var escrow = await MeasureAsync(requests, Concurrency, WarmUp, i => SubmitEscrowAsync(client, envelopes[i % envelopes.Count]));
            rows.Add(Summarise(engine, "escrow", escrow));
            return rows;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            if (database is not null)
            {
                await using var admin = new NpgsqlConnection(postgresServer);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE {database} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            work.Delete(recursive: true);
        }
    }

    /// <summary>An organisation, one employee with an account, a personal access token for that account, and the organisation's anonymous report link.</summary>
    private static async Task<(Guid Organisation, Guid Person, string Token, string Slug)> SetUpAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
        var setup = scope.ServiceProvider.GetRequiredService<OrganisationSetup>();
        var organisation = await setup.CreateOrganisationAsync("Bench Reporting", false, CancellationToken.None);
        var (person, account) = await setup.CreatePersonWithAccountAsync(organisation.Id,
            new PersonDetails("Bench Reporter", "reporter@bench.example", "B1", "Operations", null, null, null, "en", null, null),
            [Roles.Employee], "correct horse battery staple", CancellationToken.None);
        scope.ServiceProvider.GetRequiredService<OrganisationScope>().Enter(organisation.Id);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var (token, secret) = PersonalAccessToken.Issue(organisation.Id, account.Id, "bench", TimeSpan.FromDays(1), account.Id, DateTimeOffset.UtcNow);
        db.PersonalAccessTokens.Add(token);
        await db.SaveChangesAsync();
        var slug = await scope.ServiceProvider.GetRequiredService<ReportLinks>().SlugAsync(CancellationToken.None);
        return (organisation.Id, person.Id, secret, slug);
    }

    private static readonly string WhatHappened = string.Concat(Enumerable.Repeat("My manager shouted at me in front of the team again. ", 12));

    private static readonly string AccountJson = JsonSerializer.Serialize(new
    {
        whatHappened = WhatHappened,
        when = "Most weeks since March",
        where = "Ward 3",
        impact = "I dread coming in.",
        outcome = "That it stops.",
    });

    /// <summary>An anonymous visitor: its own cookies (the antiforgery cookie), no redirects, only 127.0.0.1.</summary>
    private static HttpClient Visitor(string address) =>
        new(new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(address),
        };

    /// <summary>
    /// One anonymous report as a browser sends it: GET the form (antiforgery token and cookie), then POST the multipart
    /// form with the same account as the service-level row, a category and a passphrase; the answer must show a receipt.
    /// A free visitor is taken from the pool so that no two calls share cookies at the same time.
    /// </summary>
    private static async Task SubmitFormAsync(ConcurrentBag<HttpClient> visitors, string url)
    {
        if (!visitors.TryTake(out var visitor))
        {
            throw new InvalidOperationException("No free visitor: more calls at a time than visitors.");
        }
        try
        {
            using var page = await visitor.GetAsync(url);
            var html = await page.Content.ReadAsStringAsync();
            var token = TokenRegex().Match(html);
            if (page.StatusCode != HttpStatusCode.OK || !token.Success)
            {
                throw new InvalidOperationException($"The report form answered {(int)page.StatusCode} {page.Headers.Location} without an antiforgery token.");
            }
            using var content = new MultipartFormDataContent();
            foreach (var (name, value) in (ReadOnlySpan<(string, string)>)[
                ("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)),
                ("Input.Account", WhatHappened), ("Input.When", "Most weeks since March"), ("Input.Where", "Ward 3"),
                ("Input.Impact", "I dread coming in."), ("Input.Outcome", "That it stops."), ("Input.Category", "intimidation"),
                ("Input.Passphrase", "correct horse battery staple"), ("Input.PassphraseConfirmation", "correct horse battery staple")])
            {
                content.Add(new StringContent(value), name);
            }
            using var response = await visitor.PostAsync(url, content);
            var answer = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || !ReceiptRegex().IsMatch(answer))
            {
                throw new InvalidOperationException($"The report form's post answered {(int)response.StatusCode} without a receipt.");
            }
        }
        finally
        {
            visitors.Add(visitor);
        }
    }

    /// <summary>The anonymous report as a service would store it: receive, seal the account and the involved people, save.</summary>
    private static async Task SubmitAnonymousAsync(IServiceProvider services, Guid organisationId)
    {
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<OrganisationScope>().Enter(organisationId);
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<FieldProtector>();
        var report = ReportRecord.Receive(organisationId, ReportWay.Anonymous, null, false, "Anonymous reporter", "unspecified", null, null, DateTimeOffset.UtcNow);
        report.Seal(protector.Seal(AccountJson, ReportRecord.AccountPurpose, report.Id),
            protector.Seal($$"""{"named":["{{Guid.NewGuid()}}"],"described":[],"witnesses":[]}""", ReportRecord.InvolvedPurpose, report.Id));
        db.Add(report);
        await db.SaveChangesAsync();
    }

    /// <summary>Genuine envelopes made as the browser makes them (each naming a different person).</summary>
    private static List<byte[]> Envelopes(IServiceProvider services, Guid organisationId, Guid reporterId, int count)
    {
        var holder = services.GetRequiredService<OprfKeyHolder>();
        var reviewers = services.GetRequiredService<EscrowReviewerKey>();
        var payload = Encoding.UTF8.GetBytes(AccountJson);
        return [.. Enumerable.Range(0, count).Select(_ =>
            EscrowEnvelope.Create(Oprf.Run(organisationId, Guid.NewGuid(), b => holder.Evaluate(b)), organisationId, reporterId, 2, payload, reviewers.PublicKey).Sealed)];
    }

    /// <summary>One upload: a genuine envelope under a fresh random index (so each is a group of one and stays held).</summary>
    private static async Task SubmitEscrowAsync(HttpClient client, byte[] envelope)
    {
        var body = new
        {
            index = Base64Url.Encode(RandomNumberGenerator.GetBytes(32)),
            threshold = 2,
            @sealed = Base64Url.Encode(envelope),
            withdrawal = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        };
        using var response = await client.PostAsJsonAsync("/api/v1/escrow/entries", body);
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"The escrow upload answered {(int)response.StatusCode}.");
        }
    }

    private sealed record Measured(int Requests, int AtATime, double Seconds, List<double> Latencies, int Errors);

    /// <summary><paramref name="warmUp"/> calls one at a time, then exactly <paramref name="requests"/> calls, <paramref name="concurrency"/> at a time.</summary>
    private static async Task<Measured> MeasureAsync(int requests, int concurrency, int warmUp, Func<int, Task> call)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await call(i);
        }
        var latencies = new double[requests];
        var errors = 0;
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(i);
                }
                catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or Microsoft.EntityFrameworkCore.DbUpdateException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        watch.Stop();
        return new(requests, concurrency, watch.Elapsed.TotalSeconds, [.. latencies.Order()], errors);
    }

    private static Row Summarise(string engine, string what, Measured m)
    {
        var row = new Row(engine, what, m.Requests, m.AtATime, m.Seconds, Percentile(m.Latencies, 0.50), Percentile(m.Latencies, 0.99), m.Errors);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {engine,-8} {what,-9} {row.PerSecond,8:0} req/s  p50 {row.P50,7:0.00} ms  p99 {row.P99,7:0.00} ms  errors {row.Errors}"));
        return row;
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static string Report(List<Row> rows, int requests, int formRequests)
    {
        var c = CultureInfo.InvariantCulture;
        var iterations = new ReportingOptions().PassphraseIterations;
        var b = new StringBuilder();
        b.AppendLine("# Reporting: anonymous report and escrow entry submission");
        b.AppendLine();
        b.AppendLine(c, $"Written by `scripts/bench-reporting` (`Upstander.Bench reporting {requests} bench/results/reporting.md {formRequests}`) on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        b.AppendLine(c, $"Service-level and escrow rows: {WarmUp} warm-up calls, then exactly {requests:N0} calls, {Concurrency} at a time. Anonymous report form");
        b.AppendLine(c, $"rows: {FormWarmUp} warm-up calls, then exactly {formRequests:N0} calls, {FormConcurrency} at a time; far fewer, because each call hashes the");
        b.AppendLine(c, $"passphrase with PBKDF2-SHA256 at the production default of {iterations:N0} iterations (`SpeakUp:PassphraseIterations`, not");
        b.AppendLine("lowered here), which is meant to be slow and dominates the call. Requests/s is calls over wall time; p50 and p99 are");
        b.AppendLine("per-call latencies in milliseconds. The Release build of Upstander runs in the benchmark's own process (`AddUpstander`,");
        b.AppendLine("`MapUpstander`, real Kestrel on 127.0.0.1, a fresh temporary database, production settings), so client and server");
        b.AppendLine("share the same cores. For this process only, the rate limits are raised so that they never answer 429: the global");
        b.AppendLine("`RateLimits:SubmissionsPerMinute` (every call comes from one address), `RateLimits:AnonymousReportsPerHour`");
        b.AppendLine("(production default 10 per client address) and `Escrow:EntriesPerHour`.");
        b.AppendLine();
        b.AppendLine("| engine | what | calls | at a time | requests/s | p50 ms | p99 ms | errors |");
        b.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rows)
        {
            var label = r.What switch
            {
                "anonymous" => "anonymous report, service level (in-process, no HTTP, no passphrase)",
                "form" => "anonymous report, form `GET` + `POST /report/{slug}` (HTTP, passphrase hashed)",
                _ => "escrow entry, `POST /api/v1/escrow/entries` (HTTP)",
            };
            var engine = r.Engine == "Sqlite" ? "SQLite" : "PostgreSQL";
            var perSecond = r.PerSecond < 100 ? r.PerSecond.ToString("0.0", c) : r.PerSecond.ToString("N0", c);
            b.AppendLine(c, $"| {engine} | {label} | {r.Requests:N0} | {r.AtATime} | {perSecond} | {r.P50:0.00} | {r.P99:0.00} | {r.Errors} |");
        }
        b.AppendLine();
        b.AppendLine("## What each row measures");
        b.AppendLine();
        b.AppendLine("- **Anonymous report, service level**: in a new DI scope entered into the organisation: `ReportRecord.Receive`");
        b.AppendLine("  (way Anonymous), `FieldProtector.Seal` of an account of about 700 characters (`ReportRecord.AccountPurpose`) and of");
        b.AppendLine("  the involved-people JSON (`ReportRecord.InvolvedPurpose`), then `SaveChangesAsync` (one INSERT). No HTTP, no page,");
        b.AppendLine("  no antiforgery, and none of the anonymous way's own work (receipt, passphrase hash, rate limiting): the floor of");
        b.AppendLine("  what any way of sending costs in storage and sealing.");
        b.AppendLine("- **Anonymous report, form**: what a visitor's browser does, with JavaScript off. Each call is two HTTP requests from");
        b.AppendLine(c, $"  one of {FormConcurrency} anonymous clients, each with its own cookie jar: `GET /report/{{slug}}` (the link lookup, the page");
        b.AppendLine("  with its department list, the antiforgery token and cookie), then `POST /report/{slug}` as `multipart/form-data`");
        b.AppendLine("  with the token, the same account split over its fields (what happened, when, where, impact, outcome), a category");
        b.AppendLine("  and the passphrase twice, no files. The post runs the antiforgery check, both rate limiters, the content checks,");
        b.AppendLine(c, $"  the passphrase hash (PBKDF2-SHA256, {iterations:N0} iterations, the production default), the receipt, the sealing and");
        b.AppendLine("  the INSERTs of `ReportSubmission.SubmitAnonymousAsync`, and renders the page; the call counts only when that");
        b.AppendLine("  answer is 200 and shows a 16-digit receipt. The latency is of both requests together. The passphrase hash holds");
        b.AppendLine("  one core for most of each call, so this row is bounded by the cores (about one hash per core at a time) and shows");
        b.AppendLine("  the rate of anonymous reports the machine can take, not the cost of the page or the database.");
        b.AppendLine("- **Escrow entry**: the full HTTP request a browser's upload makes, minus the browser's own cryptography: JSON body");
        b.AppendLine("  (π, t = 2, c of a genuine envelope of about 1 KB made with `EscrowEnvelope.Create`, the withdrawal hash), personal");
        b.AppendLine("  access token authentication (SHA-256 and a token lookup), the per-account entry bucket, shape checks (including");
        b.AppendLine("  importing the envelope's ephemeral P-256 key), a duplicate-code check, the INSERT, and the group query by π.");
        b.AppendLine("  Every call uses a fresh random π, so each entry is a group of one and stays held: the row measures the common");
        b.AppendLine("  path, not a release (a release opens t envelopes and writes t reports; it happens once per group).");
        b.AppendLine("  The OPRF call (`POST /api/v1/escrow/oprf`) a browser makes first is not included.");
        b.AppendLine();
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
        b.AppendLine(c, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version},");
        b.AppendLine(c, $"load average {load} when the runs ended (shared with other builds: treat the figures as indicative). SQLite: a file in a");
        b.AppendLine("temporary folder, WAL. PostgreSQL: the throwaway cluster of `scripts/lib/postgres.sh` on loopback (fsync off).");
        b.AppendLine();
        b.AppendLine("## Commands");
        b.AppendLine();
        b.AppendLine("```");
        b.AppendLine(c, $"BENCH_REQUESTS={requests} BENCH_FORM_REQUESTS={formRequests} scripts/bench-reporting");
        b.AppendLine("# which runs: dotnet build bench/Upstander.Bench -c Release; then, with a throwaway PostgreSQL cluster,");
        b.AppendLine(c, $"UPSTANDER_TEST_POSTGRES=… dotnet bench/Upstander.Bench/bin/Release/net10.0/Upstander.Bench.dll reporting {requests} bench/results/reporting.md {formRequests}");
        b.AppendLine("```");
        return b.ToString();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();

    [GeneratedRegex(@"id=""receipt""><strong>\d{4} \d{4} \d{4} \d{4}</strong>")]
    private static partial Regex ReceiptRegex();
}
