extern alias oprf;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using OprfProgram = oprf::Upstander.Oprf.Program;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

/// <summary>
/// The OPRF key holder as its own service (in-process here), with Upstander's RemoteOprfEvaluator pointed at it. xunit 2
/// disposes a test class through IAsyncLifetime (it does not call IAsyncDisposable), so the hosts and the key folder go there.
/// </summary>
public sealed class RemoteOprfTests : IAsyncLifetime
{
    private const string Url = "/api/v1/escrow/oprf";

    private readonly string _folder = Directory.CreateTempSubdirectory("upstander-oprf-").FullName;
    private readonly List<IAsyncDisposable> _hosts = [];
    private readonly KeyHolderGate _gate = new();

    private string KeyFile => Path.Combine(_folder, "oprf", "keys", "oprf.key");

    private string Secret(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static readonly string SharedSecret = new('s', 40);

    /// <summary>The service, sharing Upstander's clock, and Upstander in remote mode with the given secret file.</summary>
    private (OprfService Service, UpstanderFactory Upstander) Start(string upstanderSecretFile, Dictionary<string, string?> limits,
        Engine engine = Engine.Sqlite, TestDatabase? database = null, OprfService? running = null)
    {
        var service = running;
        var upstander = new UpstanderFactory(engine, database: database, settings: new Dictionary<string, string?>
        {
            ["Escrow:OprfUrl"] = "http://oprf.test",
            ["Escrow:OprfClientSecretFile"] = upstanderSecretFile,
            ["Escrow:OprfBurst"] = "10",
        })
        {
            TestServices = services => services.AddHttpClient(RemoteOprfEvaluator.ClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new GateHandler(_gate, service!.Server.CreateHandler())),
        };
        _hosts.Add(upstander);
        if (service is null)
        {
            service = new OprfService(KeyFile, Secret("client.secret", SharedSecret), upstander.Clock, limits);
            _hosts.Add(service);
        }
        return (service, upstander);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("short")]
    public async Task Upstander_pointed_at_a_remote_key_holder_without_a_usable_secret_refuses_to_start_with_a_clear_message(string kind)
    {
        var file = kind == "missing" ? Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.secret") : Secret("short.secret", "too short");
        await using var upstander = new UpstanderFactory(settings: new Dictionary<string, string?>
        {
            ["Escrow:OprfUrl"] = "http://oprf.test",
            ["Escrow:OprfClientSecretFile"] = file,
        });
        var failure = Should.Throw<InvalidOperationException>(() => upstander.CreateClient());
        failure.ToString().ShouldContain("Escrow:OprfClientSecretFile");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string token, string blinded)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = JsonContent.Create(new { blinded }) };
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> EvaluateAsync(HttpClient service, string secret, DateTimeOffset at, string caller, string blinded)
    {
        var timestamp = OprfSignature.Timestamp(at);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/evaluate") { Content = JsonContent.Create(new OprfServiceRequest(caller, blinded)) };
        request.Headers.Add(OprfSignature.TimestampHeader, timestamp);
        request.Headers.Add(OprfSignature.SignatureHeader, OprfSignature.Sign(Encoding.UTF8.GetBytes(secret), timestamp, caller, blinded));
        return await service.SendAsync(request);
    }

    [Fact]
    public async Task Evaluations_through_Upstander_use_the_services_key_Upstander_holds_none_and_both_the_callers_and_the_global_limit_answer_429()
    {
        var (service, upstander) = Start(Secret("upstander.secret", SharedSecret), new() { ["caller-burst"] = "3", ["caller-per-minute"] = "1", ["global-burst"] = "5", ["global-per-minute"] = "1" });
        var org = await upstander.CreateOrganisationAsync("Remote OPRF Org");
        var client = await upstander.SignInAsync(org[Roles.Employee]);
        var token = await client.AntiforgeryTokenAsync("/");
        var input = Oprf.Input(org.Id, org[Roles.Coordinator].PersonId);
        var r = Oprf.RandomScalar();
        var blinded = Base64Url.Encode(Oprf.Blind(input, r));

        var response = await PostAsync(client, token, blinded);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var answer = (await response.Content.ReadFromJsonAsync<OprfAnswer>())!;
        var output = Oprf.Finalize(input, r, Base64Url.Decode(answer.Evaluated));
        using var serviceKey = new OprfKeyHolder(EscrowKeyFile.LoadOrCreate(KeyFile, null));
        var direct = Oprf.Output(input, P256.EncodeX(P256.Multiply(serviceKey.Scalar, Oprf.HashInput(input))));
        Convert.ToHexString(output).ShouldBe(Convert.ToHexString(direct));
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(KeyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Upstander neither created nor loaded an OPRF key: none in its services, its folder or its database.
        upstander.Services.GetService<OprfKeyHolder>().ShouldBeNull();
        Directory.EnumerateFiles(upstander.Database.Folder, "escrow-oprf.key", SearchOption.AllDirectories).ShouldBeEmpty();
        File.Exists(Path.Combine(upstander.Database.Folder, "keys", "master.key")).ShouldBeTrue();
        if (File.Exists(upstander.Database.SqliteFile))
        {
            Canary.Contains(Canary.SqliteBytes(upstander.Database), (await File.ReadAllTextAsync(KeyFile)).Trim()).ShouldBeFalse();
        }

        // The service's bucket for this caller holds 3 (Upstander's own allows 10): the fourth is 429 there and here.
        // Each evaluation blinds afresh, as the browser does (the same signed request again would be a replay).
        string Fresh() => Base64Url.Encode(Oprf.Blind(input, Oprf.RandomScalar()));
        (await PostAsync(client, token, Fresh())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(client, token, Fresh())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(client, token, Fresh())).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        // The shared bucket holds 5: another account gets two more, then 429, and so does a caller never seen before.
        var other = await upstander.SignInAsync(org[Roles.PeerSupporter]);
        var otherToken = await other.AntiforgeryTokenAsync("/");
        (await PostAsync(other, otherToken, Fresh())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(other, otherToken, Fresh())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(other, otherToken, Fresh())).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await EvaluateAsync(service.CreateClient(), SharedSecret, upstander.Clock.GetUtcNow(), Guid.NewGuid().ToString("D"), Fresh()))
            .StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_replayed_request_gets_the_same_answer_and_uses_up_nobodys_evaluations()
    {
        var (service, upstander) = Start(Secret("upstander.secret", SharedSecret), new() { ["caller-burst"] = "2", ["caller-per-minute"] = "1", ["global-burst"] = "100", ["global-per-minute"] = "100" });
        var http = service.CreateClient();
        var caller = Guid.NewGuid().ToString("D");
        var input = Oprf.Input(Guid.NewGuid(), Guid.NewGuid());
        var signedAt = upstander.Clock.GetUtcNow();
        var captured = Base64Url.Encode(Oprf.Blind(input, Oprf.RandomScalar()));

        var first = await EvaluateAsync(http, SharedSecret, signedAt, caller, captured);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var answer = (await first.Content.ReadFromJsonAsync<OprfAnswer>())!.Evaluated;

        // Someone who captured that signed request sends it again and again within its window.
        for (var replay = 0; replay < 5; replay++)
        {
            var again = await EvaluateAsync(http, SharedSecret, signedAt, caller, captured);
            again.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await again.Content.ReadFromJsonAsync<OprfAnswer>())!.Evaluated.ShouldBe(answer);
        }

        // The caller's bucket (2) has lost only the one real evaluation: one more is allowed, then 429.
        (await EvaluateAsync(http, SharedSecret, signedAt, caller, Base64Url.Encode(Oprf.Blind(input, Oprf.RandomScalar())))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await EvaluateAsync(http, SharedSecret, signedAt, caller, Base64Url.Encode(Oprf.Blind(input, Oprf.RandomScalar())))).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        // Once the signature can no longer verify, the replay is refused like any stale request.
        upstander.Clock.Advance(OprfSignature.Window + TimeSpan.FromSeconds(1));
        (await EvaluateAsync(http, SharedSecret, signedAt, caller, captured)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_service_refuses_bad_signatures_old_timestamps_and_bad_points_and_Upstander_answers_503_when_the_service_refuses_it()
    {
        var (service, upstander) = Start(Secret("wrong.secret", new string('w', 40)), []);
        var http = service.CreateClient();
        var now = upstander.Clock.GetUtcNow();
        var caller = Guid.NewGuid().ToString("D");
        var blinded = Base64Url.Encode(Oprf.Blind(Oprf.Input(Guid.NewGuid(), Guid.NewGuid()), 7));

        (await EvaluateAsync(http, SharedSecret, now, caller, blinded)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await EvaluateAsync(http, new string('w', 40), now, caller, blinded)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await EvaluateAsync(http, SharedSecret, now.AddMinutes(-3), caller, blinded)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await EvaluateAsync(http, SharedSecret, now.AddMinutes(3), caller, blinded)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await http.PostAsJsonAsync("/evaluate", new OprfServiceRequest(caller, blinded))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var offCurve = await EvaluateAsync(http, SharedSecret, now, caller, Base64Url.Encode(P256.ToFixed(P256.P, 32)));
        offCurve.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await offCurve.Content.ReadAsStringAsync()).ShouldContain("not below the field prime");
        (await EvaluateAsync(http, SharedSecret, now, caller, "***")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await EvaluateAsync(http, SharedSecret, now, "not-an-id", blinded)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Upstander signs with the wrong secret: the service says 401, the person sees a calm 503 and no key is made here.
        var org = await upstander.CreateOrganisationAsync("Remote OPRF Org");
        var client = await upstander.SignInAsync(org[Roles.Employee]);
        var response = await PostAsync(client, await client.AntiforgeryTokenAsync("/"), blinded);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Nothing has been sent");
        Directory.EnumerateFiles(upstander.Database.Folder, "escrow-oprf.key", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    /// <summary>The service's key, as a reporter's browser reaches it through Upstander (tests make entries with it directly).</summary>
    private OprfKeyHolder ServiceKey(OprfService service)
    {
        _ = service.Server; // started: it has made its key file
        return new OprfKeyHolder(EscrowKeyFile.LoadOrCreate(KeyFile, null));
    }

    [Fact]
    public async Task At_release_a_record_naming_someone_else_is_found_through_the_key_holder_asked_as_the_release_and_never_as_a_person()
    {
        var (service, upstander) = Start(Secret("upstander.secret", SharedSecret), []);
        var org = await upstander.CreateOrganisationAsync("Remote Misnamed");
        using var holder = ServiceKey(service);

        await EscrowFlowTests.ARecordNamingSomeoneElseIsLeftOutAsync(upstander, org, 2, holder);

        // Upstander holds no key, so every check went to the key holder, and always as the release's own caller.
        upstander.Services.GetService<OprfKeyHolder>().ShouldBeNull();
        _gate.Callers.ShouldNotBeEmpty();
        _gate.Callers.ShouldAllBe(caller => caller == EscrowSubject.ReleaseCaller.ToString("D"));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, false)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.BadGateway, false)] // the key holder cannot be reached at all
    public async Task When_the_key_holder_cannot_check_a_complete_group_nothing_is_released_until_it_answers_again(HttpStatusCode failure, bool anEntryArrivesMeanwhile)
    {
        var (service, upstander) = Start(Secret("upstander.secret", SharedSecret), []);
        var org = await upstander.CreateOrganisationAsync("Remote Unchecked");
        using var holder = ServiceKey(service);
        var named = org[Roles.Coordinator].PersonId;
        var first = await EscrowFlowTests.SignInAsync(upstander, org[Roles.Employee]);
        var second = await EscrowFlowTests.SignInAsync(upstander, org[Roles.PeerSupporter]);
        var job = upstander.Services.GetServices<IHostedService>().OfType<EscrowReleaseJob>().Single();
        (await EscrowFlowTests.SubmitAsync(upstander, org.Id, first, named, 2, "first", holder: holder)).ShouldBe("held");

        // The upload that completes the group does no more than any other: it never asks the key holder, so the person a
        // group is about cannot tell by the time their own upload takes that a complete group about them exists.
        _gate.Failure = failure;
        (await EscrowFlowTests.SubmitAsync(upstander, org.Id, second, named, 2, "second", holder: holder)).ShouldBe("held");
        _gate.Callers.ShouldBeEmpty("an upload never asks the key holder");

        // At the boundary the group is complete, but whom it is about cannot be checked: it stays held, and the retry at the
        // next pass while still down does nothing.
        await EscrowFlowTests.JudgeAsync(upstander);
        await job.RunOnceAsync(CancellationToken.None);
        (await EscrowFlowTests.ReportsAsync(upstander, org.Id)).ShouldBeEmpty();
        (await EscrowFlowTests.EntriesAsync(upstander, org.Id)).ShouldAllBe(e => !e.IsReleased);
        _gate.Callers.Count.ShouldBe(2, "the judgement and its retry each asked once");

        // Once it answers, the job's next pass releases it; but an entry arriving in between puts the group back to the
        // next boundary, so that its release says nothing of that upload either.
        _gate.Failure = null;
        List<EscrowFlowTests.Reporter> reporters = [first, second];
        if (anEntryArrivesMeanwhile)
        {
            reporters.Add(await EscrowFlowTests.SignInAsync(upstander, org[Roles.Leader]));
            (await EscrowFlowTests.SubmitAsync(upstander, org.Id, reporters[^1], named, 2, "third", holder: holder)).ShouldBe("held");
            await job.RunOnceAsync(CancellationToken.None);
            (await EscrowFlowTests.ReportsAsync(upstander, org.Id)).ShouldBeEmpty("the group now waits for the next boundary");
            await EscrowFlowTests.JudgeAsync(upstander);
        }
        else
        {
            await job.RunOnceAsync(CancellationToken.None);
        }
        var reports = await EscrowFlowTests.ReportsAsync(upstander, org.Id);
        reports.Select(r => r.ReporterId).ShouldBe(reporters.Select(r => (Guid?)r.Account.PersonId), ignoreOrder: true);
        (await EscrowFlowTests.EntriesAsync(upstander, org.Id)).ShouldAllBe(e => e.IsReleased);
        (await second.Client.GetStringAsync("/")).ShouldContain("Someone else has named the same person. Your report is now with the case team.");
        _gate.Callers.ShouldAllBe(caller => caller == EscrowSubject.ReleaseCaller.ToString("D"));
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_group_complete_before_a_restart_is_judged_at_the_first_boundary_after_it(Engine engine)
    {
        var (service, before) = Start(Secret("upstander.secret", SharedSecret), [], engine);
        var org = await before.CreateOrganisationAsync("Remote Restart");
        using var holder = ServiceKey(service);
        var named = org[Roles.Coordinator].PersonId;
        var first = await EscrowFlowTests.SignInAsync(before, org[Roles.Employee]);
        var second = await EscrowFlowTests.SignInAsync(before, org[Roles.PeerSupporter]);
        (await EscrowFlowTests.SubmitAsync(before, org.Id, first, named, 2, "first", holder: holder)).ShouldBe("held");
        (await EscrowFlowTests.SubmitAsync(before, org.Id, second, named, 2, "second", holder: holder)).ShouldBe("held");

        // A new process on the same database remembers nothing pending; its first pass takes in every group that could be
        // complete, and judges it at the next boundary.
        var (_, after) = Start(Secret("upstander.secret", SharedSecret), [], engine, before.Database, service);
        var job = EscrowFlowTests.Job(after);
        await job.RunOnceAsync(CancellationToken.None);
        (await EscrowFlowTests.ReportsAsync(after, org.Id)).ShouldBeEmpty("not before the boundary");
        // The key holder runs on the first process's clock (it checks each request's time): both move to the boundary.
        var now = after.Clock.GetUtcNow();
        var toBoundary = after.Services.GetRequiredService<EscrowOptions>().BoundaryAfter(now) - now;
        after.Clock.Advance(toBoundary);
        before.Clock.Advance(toBoundary);
        await job.RunOnceAsync(CancellationToken.None);
        var reports = await EscrowFlowTests.ReportsAsync(after, org.Id);
        reports.Select(r => r.ReporterId).ShouldBe([first.Account.PersonId, second.Account.PersonId], ignoreOrder: true);
        (await EscrowFlowTests.EntriesAsync(after, org.Id)).ShouldAllBe(e => e.IsReleased);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The last started first: a second Upstander on a database the first one owns stops before the database goes.
        foreach (var host in Enumerable.Reverse(_hosts))
        {
            await host.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Upstander.Oprf on a TestServer: its own key file and client secret, the given limits and clock.</summary>
    private sealed class OprfService(string keyFile, string secretFile, TimeProvider clock, Dictionary<string, string?> limits)
        : WebApplicationFactory<OprfProgram>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("key-file", keyFile);
            builder.UseSetting("client-secret-file", secretFile);
            foreach (var (key, value) in limits)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(clock);
            });
        }
    }

    /// <summary>What the tests make of the way to the key holder: whether it fails (and how), and the callers it was asked for.</summary>
    private sealed class KeyHolderGate
    {
        /// <summary>Null: requests pass. Bad Gateway stands for a key holder that cannot be reached at all.</summary>
        public HttpStatusCode? Failure { get; set; }

        public ConcurrentQueue<string> Callers { get; } = new();
    }

    private sealed class GateHandler(KeyHolderGate gate, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadFromJsonAsync<OprfServiceRequest>(cancellationToken);
            gate.Callers.Enqueue(body!.Caller!);
            return gate.Failure switch
            {
                null => await base.SendAsync(request, cancellationToken),
                HttpStatusCode.BadGateway => throw new HttpRequestException("Connection refused."),
                var status => new HttpResponseMessage(status.Value),
            };
        }
    }
}
