using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// What can be checked without an authenticator: the options are well-formed WebAuthn JSON with a fresh
/// challenge, and anything that is not a genuine credential is refused without changing anything.
/// </summary>
public sealed class PasskeyTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;

    public async Task InitializeAsync() => _org = await _factory.CreateOrganisationAsync("Passkey Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Sign_in_options_are_webauthn_json_with_a_fresh_challenge_for_this_site()
    {
        var browser = await AnonymousWithTokenAsync("/account/sign-in");
        var first = await browser.PostJsonAsync("/account/passkeys/request-options", new { });
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        first.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        using var options = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        var challenge = options.RootElement.GetProperty("challenge").GetString()!;
        Base64UrlLength(challenge).ShouldBeGreaterThanOrEqualTo(16);
        options.RootElement.GetProperty("rpId").GetString().ShouldBe("localhost");

        using var second = JsonDocument.Parse(await (await browser.PostJsonAsync("/account/passkeys/request-options", new { })).Content.ReadAsStringAsync());
        second.RootElement.GetProperty("challenge").GetString().ShouldNotBe(challenge);
    }

    [Fact]
    public async Task Passkey_calls_without_the_pages_antiforgery_token_are_refused()
    {
        var browser = _factory.Browser();
        var response = await browser.PostAsJsonAsync("/account/passkeys/request-options", new { });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Creation_options_name_the_signed_in_account_and_a_forged_credential_adds_nothing()
    {
        var client = await _factory.SignInForApiAsync(_org[Roles.Employee]);
        var response = await client.PostJsonAsync("/account/passkeys/creation-options", new { });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var options = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var user = options.RootElement.GetProperty("user");
        Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(user.GetProperty("id").GetString()!))
            .ShouldBe(_org[Roles.Employee].AccountId.ToString());
        user.GetProperty("name").GetString().ShouldBe(_org[Roles.Employee].Email);
        options.RootElement.GetProperty("challenge").GetString().ShouldNotBeNullOrEmpty();
        options.RootElement.GetProperty("rp").GetProperty("id").GetString().ShouldBe("localhost");

        var forged = new
        {
            name = "fake",
            credential = new
            {
                id = "AAAA",
                rawId = "AAAA",
                type = "public-key",
                response = new { clientDataJSON = "e30", attestationObject = "oA" },
                clientExtensionResults = new { },
            },
        };
        (await client.PostJsonAsync("/account/passkeys", forged)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.PostJsonAsync("/account/passkeys", new { name = "junk", credential = "not an object" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var garbage = await client.PostAsync("/account/passkeys", new StringContent("{not json", Encoding.UTF8, "application/json"));
        garbage.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await _factory.PasskeyCountAsync(_org[Roles.Employee])).ShouldBe(0);
        (await client.GetStringAsync("/account")).ShouldContain("You have no passkeys yet");
    }

    [Fact]
    public async Task A_forged_assertion_does_not_sign_anyone_in()
    {
        var browser = await AnonymousWithTokenAsync("/account/sign-in");
        await browser.PostJsonAsync("/account/passkeys/request-options", new { });
        var response = await browser.PostJsonAsync("/account/passkeys/sign-in", new
        {
            credential = new
            {
                id = "AAAA",
                rawId = "AAAA",
                type = "public-key",
                response = new { clientDataJSON = "e30", authenticatorData = "AA", signature = "AA", userHandle = "AA" },
                clientExtensionResults = new { },
            },
            returnUrl = "/",
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await browser.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "still signed out");

        // Without a ceremony under way, even a well-formed call is refused.
        var fresh = await AnonymousWithTokenAsync("/account/sign-in");
        (await fresh.PostJsonAsync("/account/passkeys/sign-in", new { credential = new { id = "AAAA" } })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_invitation_can_start_a_passkey_ceremony_for_its_person_only_and_a_forged_credential_creates_no_account()
    {
        var admin = await _factory.SignInForApiAsync(_org[Roles.Admin]);
        var personId = await _factory.AddPersonAsync(_org.Id, "Pat Passkey", "pat@passkey.example");
        var link = await admin.InviteAsync(personId);
        var token = AccountsTestKit.TokenOf(link);

        var browser = await AnonymousWithTokenAsync(AccountsTestKit.PathOf(link));
        var response = await browser.PostJsonAsync("/account/invitation/passkey/creation-options", new { token });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using (var options = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            options.RootElement.GetProperty("user").GetProperty("name").GetString().ShouldBe("pat@passkey.example");
            options.RootElement.GetProperty("user").GetProperty("displayName").GetString().ShouldBe("Pat Passkey");
            options.RootElement.GetProperty("challenge").GetString().ShouldNotBeNullOrEmpty();
        }

        var forged = await browser.PostJsonAsync("/account/invitation/passkey", new
        {
            token,
            credential = new { id = "AAAA", rawId = "AAAA", type = "public-key", response = new { clientDataJSON = "e30", attestationObject = "oA" }, clientExtensionResults = new { } },
        });
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var accounts = await _factory.InScopeAsync(null, services =>
            Task.FromResult(services.GetRequiredService<UserManager<Upstander.Features.Accounts.Account>>().Users.Count(a => a.PersonId == personId)));
        accounts.ShouldBe(0);

        (await browser.PostJsonAsync("/account/invitation/passkey/creation-options", new { token = "inv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_account_page_changes_the_password_and_refuses_unknown_passkeys()
    {
        var client = await _factory.SignInAsync(_org[Roles.Leader]);
        var page = await client.GetStringAsync("/account");
        page.ShouldContain("Change your password");
        page.ShouldContain("data-passkey-add");

        var wrong = await client.PostFormAsync("/account?handler=Password", new()
        {
            ["CurrentPassword"] = "not it at all",
            ["NewPassword"] = "quiet meadow copper kettle",
            ["ConfirmPassword"] = "quiet meadow copper kettle",
        }, tokenFrom: "/account");
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync()).ShouldContain("current password is not right");

        var changed = await client.PostFormAsync("/account?handler=Password", new()
        {
            ["CurrentPassword"] = UpstanderFactory.Password,
            ["NewPassword"] = "quiet meadow copper kettle",
            ["ConfirmPassword"] = "quiet meadow copper kettle",
        }, tokenFrom: "/account");
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await changed.Content.ReadAsStringAsync()).ShouldContain("Your password has been changed");
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "this session survives the change");

        var signIn = await _factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = _org[Roles.Leader].Email, ["Password"] = "quiet meadow copper kettle" });
        signIn.Headers.Location!.OriginalString.ShouldBe("/");

        (await client.PostFormAsync("/account?handler=RemovePasskey", new() { ["PasskeyId"] = "AAAA" }, tokenFrom: "/account")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.PostFormAsync("/account?handler=RenamePasskey", new() { ["PasskeyId"] = "AAAA", ["PasskeyName"] = "x" }, tokenFrom: "/account")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<HttpClient> AnonymousWithTokenAsync(string page)
    {
        var browser = _factory.Browser();
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", await browser.AntiforgeryTokenAsync(page));
        return browser;
    }

    private static int Base64UrlLength(string value) => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(value).Length;
}
