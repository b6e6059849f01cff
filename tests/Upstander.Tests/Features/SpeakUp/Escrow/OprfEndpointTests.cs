using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

public sealed class OprfEndpointTests : IAsyncLifetime
{
    private const string Url = "/api/v1/escrow/oprf";

    private readonly UpstanderFactory _factory = new(settings: new Dictionary<string, string?>
    {
        ["Escrow:OprfEvaluationsPerMinute"] = "3",
        ["Escrow:OprfBurst"] = "3",
    });

    private TestOrganisation _org = null!;

    public async Task InitializeAsync() => _org = await _factory.CreateOrganisationAsync("Escrow Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = JsonContent.Create(body) };
        request.Headers.Add("RequestVerificationToken", token);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_signed_in_person_gets_k_applied_to_their_blinded_point_bad_points_are_400_and_the_fourth_call_in_a_minute_is_429()
    {
        var client = await _factory.SignInAsync(_org[Roles.Employee]);
        var token = await client.AntiforgeryTokenAsync("/");
        var person = _org[Roles.Coordinator].PersonId;
        var input = Oprf.Input(_org.Id, person);
        var r = Oprf.RandomScalar();

        var response = await PostAsync(client, token, new { blinded = Base64Url.Encode(Oprf.Blind(input, r)) });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var answer = (await response.Content.ReadFromJsonAsync<OprfAnswer>())!;
        var output = Oprf.Finalize(input, r, Base64Url.Decode(answer.Evaluated));

        var holder = _factory.Services.GetRequiredService<OprfKeyHolder>();
        var direct = Oprf.Output(input, P256.EncodeX(P256.Multiply(holder.Scalar, Oprf.HashInput(input))));
        Convert.ToHexString(output).ShouldBe(Convert.ToHexString(direct));

        var bad = await PostAsync(client, token, new { blinded = Base64Url.Encode(P256.ToFixed(P256.P, 32)) });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("not below the field prime");
        (await PostAsync(client, token, new { blinded = "***" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var limited = await PostAsync(client, token, new { blinded = Base64Url.Encode(Oprf.Blind(input, r)) });
        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);

        // The bucket is per account: someone else is not held up by it.
        var other = await _factory.SignInAsync(_org[Roles.PeerSupporter]);
        (await PostAsync(other, await other.AntiforgeryTokenAsync("/"), new { blinded = Base64Url.Encode(Oprf.Blind(input, r)) }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        // The key lives in its own file beside the master key, not in the database.
        var keyFile = Path.Combine(_factory.Database.Folder, "keys", "escrow-oprf.key");
        File.Exists(keyFile).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var keyText = (await File.ReadAllTextAsync(keyFile)).Trim();
        if (File.Exists(_factory.Database.SqliteFile))
        {
            Canary.Contains(Canary.SqliteBytes(_factory.Database), keyText).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task Anonymous_callers_and_cookie_callers_without_the_antiforgery_header_are_refused()
    {
        var blinded = Base64Url.Encode(Oprf.Blind(Oprf.Input(_org.Id, Guid.NewGuid()), 7));
        (await _factory.Browser().PostAsJsonAsync(Url, new { blinded })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var client = await _factory.SignInAsync(_org[Roles.Leader]);
        (await client.PostAsJsonAsync(Url, new { blinded })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
