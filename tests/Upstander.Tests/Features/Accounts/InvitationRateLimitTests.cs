using System.Net;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

public sealed class InvitationRateLimitTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new(settings: new Dictionary<string, string?> { ["RateLimits:SignInPerMinute"] = "3" });

    public async Task InitializeAsync() => await _factory.CreateOrganisationAsync("Limited Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Guessing_at_invitation_links_is_slowed_down_with_a_clear_message()
    {
        var browser = _factory.Browser();
        var token = await browser.AntiforgeryTokenAsync("/account/sign-in");
        Task<HttpResponseMessage> PostAsync(int i) => browser.PostAsync("/account/invitation?token=inv_guess" + i, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Password"] = "lantern orchard pebble violin",
            ["ConfirmPassword"] = "lantern orchard pebble violin",
            ["__RequestVerificationToken"] = token,
        }));

        for (var i = 0; i < 3; i++)
        {
            (await PostAsync(i)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        var limited = await PostAsync(3);
        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter.ShouldNotBeNull();
        (await limited.Content.ReadAsStringAsync()).ShouldContain("Too many attempts in a short time. Please wait a minute and try again.");

        // Reading the page is not limited, so someone with a real link can still see what to do.
        (await browser.GetAsync("/account/invitation?token=inv_x")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
