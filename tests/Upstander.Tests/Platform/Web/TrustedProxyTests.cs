using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Security;
using Upstander.Platform.Web;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Platform.Web;

/// <summary>
/// Behind a reverse proxy every request arrives from the proxy's address over plain HTTP. With the proxy trusted
/// (<c>Proxy:TrustedAddresses</c>) each client keeps its own sign-in limit and HTTPS is recognised; a forwarded
/// header from anyone else changes nothing, so no client can choose the address it is counted under.
/// </summary>
public sealed class TrustedProxyTests
{
    private const string ConnectionFrom = "X-Test-Connection-From";

    /// <summary>Gives the connection the address a test names, as Kestrel does from the socket (TestServer has none).</summary>
    private sealed class ConnectionAddress : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, rest) =>
            {
                if (context.Request.Headers.TryGetValue(ConnectionFrom, out var from))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(from.ToString());
                }
                return rest(context);
            });
            next(app);
        };
    }

    private static UpstanderFactory Factory(string? trusted) =>
        new(settings: new Dictionary<string, string?> { ["RateLimits:SignInPerMinute"] = "3", [TrustedProxies.Setting] = trusted })
        {
            TestServices = services => services.AddSingleton<IStartupFilter, ConnectionAddress>(),
        };

    private static HttpClient From(UpstanderFactory factory, string connection, string? forwardedFor, string forwardedProto = "http")
    {
        var client = factory.Browser();
        client.DefaultRequestHeaders.Add(ConnectionFrom, connection);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", forwardedProto);
        return client;
    }

    private static async Task<List<HttpStatusCode>> WrongPasswordsAsync(HttpClient client, TestAccount account, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((await client.PostFormAsync("/account/sign-in", new() { ["Email"] = account.Email, ["Password"] = "wrong password " + i })).StatusCode);
        }
        return statuses;
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_keeps_its_own_sign_in_limit()
    {
        await using var factory = Factory("10.0.0.0/24");
        var org = await factory.CreateOrganisationAsync("Proxied Org");
        var account = org[Roles.Employee];

        (await WrongPasswordsAsync(From(factory, "10.0.0.5", "203.0.113.1"), account, 4))
            .ShouldBe([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests]);
        (await WrongPasswordsAsync(From(factory, "10.0.0.5", "203.0.113.2"), account, 1))
            .ShouldBe([HttpStatusCode.BadRequest], "another client behind the same proxy is not limited by the first");
        (await WrongPasswordsAsync(From(factory, "10.0.0.5", "203.0.113.1, 10.0.0.6"), account, 1))
            .ShouldBe([HttpStatusCode.TooManyRequests], "the first client through two trusted proxies is still the first client");
    }

    [Fact]
    public async Task A_client_counts_by_its_IPv6_slash_64_so_a_new_address_per_guess_buys_no_fresh_limit()
    {
        await using var factory = Factory(null);
        var org = await factory.CreateOrganisationAsync("IPv6 Org");
        var account = org[Roles.Employee];

        // One subscriber's /64: a different address for every guess.
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= 4; i++)
        {
            statuses.AddRange(await WrongPasswordsAsync(From(factory, $"2001:db8:1:2::{i:x}", null), account, 1));
        }
        statuses.ShouldBe([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests]);
        (await WrongPasswordsAsync(From(factory, "2001:db8:1:3::1", null), account, 1))
            .ShouldBe([HttpStatusCode.BadRequest], "the next /64 is another client");
        (await WrongPasswordsAsync(From(factory, "::ffff:198.51.100.7", null), account, 3)).Last().ShouldBe(HttpStatusCode.BadRequest);
        (await WrongPasswordsAsync(From(factory, "198.51.100.7", null), account, 1))
            .ShouldBe([HttpStatusCode.TooManyRequests], "an IPv4-mapped address is the IPv4 client");
        factory.Logs.All.ShouldNotContain("2001:db8", customMessage: "logs hold no client address");
    }

    [Theory]
    [InlineData(null, "10.0.0.5")]
    [InlineData("10.0.0.5", "198.51.100.7")]
    [InlineData("10.0.0.0/24", "10.0.1.5")]
    public async Task Forwarded_addresses_from_a_connection_that_is_not_a_trusted_proxy_are_ignored(string? trusted, string connection)
    {
        await using var factory = Factory(trusted);
        var org = await factory.CreateOrganisationAsync("Unproxied Org");
        var account = org[Roles.Employee];

        (await WrongPasswordsAsync(From(factory, connection, "203.0.113.1"), account, 4)).Last().ShouldBe(HttpStatusCode.TooManyRequests);
        (await WrongPasswordsAsync(From(factory, connection, "203.0.113.2"), account, 1))
            .ShouldBe([HttpStatusCode.TooManyRequests], "a claimed address does not buy a fresh limit");
        factory.Logs.All.ShouldNotContain(connection, customMessage: "logs hold no client address");
        factory.Logs.All.ShouldNotContain("203.0.113.");
    }

    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("198.51.100.7", false)]
    public async Task HTTPS_is_recognised_only_from_a_trusted_proxy(string connection, bool https)
    {
        await using var factory = Factory("10.0.0.5");
        var response = await From(factory, connection, "203.0.113.1", "https").GetAsync("/account/sign-in");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Contains("Strict-Transport-Security").ShouldBe(https);
        var antiforgery = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("upstander.antiforgery=", StringComparison.Ordinal));
        antiforgery.Contains("secure", StringComparison.OrdinalIgnoreCase).ShouldBe(https);
        factory.Logs.All.ShouldNotContain(connection, customMessage: "logs hold no client address");
        factory.Logs.All.ShouldNotContain("203.0.113.");
    }

    [Theory]
    [InlineData("https://upstander.example.org", null, "http://0.0.0.0:8080", true)]
    [InlineData("https://upstander.example.org", "127.0.0.1", "http://127.0.0.1:5080", false)]
    [InlineData("https://upstander.example.org", null, "https://0.0.0.0:8443", false)]
    [InlineData("http://localhost:5080", null, "http://localhost:5080", false)]
    [InlineData(null, null, "http://localhost:5080", false)]
    public void An_HTTPS_address_served_over_HTTP_with_no_trusted_proxy_is_warned_about(string? publicUrl, string? trusted, string listening, bool warned)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [PublicUrl.Setting] = publicUrl, [TrustedProxies.Setting] = trusted })
            .Build();
        (TrustedProxies.UntrustedProxyWarning(configuration, [listening]) is not null).ShouldBe(warned);
    }
}
