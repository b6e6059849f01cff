extern alias oprf;

using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using OprfProgram = oprf::Upstander.Oprf.Program;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

/// <summary>The OPRF key holder as its own service (in-process here), with Upstander's RemoteOprfEvaluator pointed at it.</summary>
public sealed class RemoteOprfTests : IAsyncDisposable
{
    private const string Url = "/api/v1/escrow/oprf";

    private readonly string _folder = Directory.CreateTempSubdirectory("upstander-oprf-").FullName;
    private readonly List<IAsyncDisposable> _hosts = [];

    private string KeyFile => Path.Combine(_folder, "oprf", "keys", "oprf.key");

    private string Secret(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static readonly string SharedSecret = new('s', 40);

    /// <summary>The service, sharing Upstander's clock, and Upstander in remote mode with the given secret file.</summary>
    private (OprfService Service, UpstanderFactory Upstander) Start(string upstanderSecretFile, Dictionary<string, string?> limits)
    {
        OprfService? service = null;
        var upstander = new UpstanderFactory(settings: new Dictionary<string, string?>
        {
            ["Escrow:OprfUrl"] = "http://oprf.test",
            ["Escrow:OprfClientSecretFile"] = upstanderSecretFile,
            ["Escrow:OprfBurst"] = "10",
        })
        {
            TestServices = services => services.AddHttpClient(RemoteOprfEvaluator.ClientName)
                .ConfigurePrimaryHttpMessageHandler(() => service!.Server.CreateHandler()),
        };
        service = new OprfService(KeyFile, Secret("client.secret", SharedSecret), upstander.Clock, limits);
        _hosts.Add(upstander);
        _hosts.Add(service);
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

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
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
}
