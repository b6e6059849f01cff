using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Cryptography.KeyDerivation;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

public sealed class SignInTests : IAsyncLifetime
{
    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;

    public async Task InitializeAsync() => _org = await _factory.CreateOrganisationAsync("Sign In Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task An_employee_signs_in_with_a_password_and_reaches_their_home_page()
    {
        var client = await _factory.SignInAsync(_org[Roles.Employee]);
        var home = await client.GetStringAsync("/");
        home.ShouldContain("Your support and reports");
        home.ShouldNotContain("Administration</h2>");
    }

    /// <summary>
    /// What Upstander stores for a password, on a host with the product's own hashing settings: Identity's version 3
    /// format, PBKDF2 with HMAC-SHA512 and 100,000 rounds, a 16-byte salt and a 32-byte key; never the password.
    /// </summary>
    [Fact]
    public async Task A_password_is_stored_as_a_salted_pbkdf2_hmac_sha512_hash_of_100000_rounds()
    {
        await using var factory = new UpstanderFactory { ProductPasswordHashing = true };
        var org = await factory.CreateOrganisationAsync("Hashing Org");
        var stored = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<UserManager<Account>>().Users
            .Where(a => a.Id == org[Roles.Employee].AccountId).Select(a => a.PasswordHash).SingleAsync());
        stored.ShouldNotBeNull();
        stored.ShouldNotContain(UpstanderFactory.Password);
        var bytes = Convert.FromBase64String(stored);
        static int BigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
        bytes[0].ShouldBe((byte)0x01, "Identity's version 3 format");
        BigEndian(bytes, 1).ShouldBe((int)KeyDerivationPrf.HMACSHA512);
        BigEndian(bytes, 5).ShouldBe(100_000);
        BigEndian(bytes, 9).ShouldBe(16, "salt length");
        bytes.Length.ShouldBe(13 + 16 + 32);
        (await factory.SignInAsync(org[Roles.Employee])).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_privileged_account_needs_the_two_factor_code_before_it_is_signed_in()
    {
        var client = _factory.Browser();
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = _org[Roles.Admin].Email, ["Password"] = UpstanderFactory.Password });
        response.Headers.Location!.OriginalString.ShouldStartWith("/account/sign-in/two-factor");
        (await client.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var wrong = await client.PostFormAsync(response.Headers.Location.OriginalString, new() { ["Code"] = "000000" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync()).ShouldContain("That code did not work");

        var right = await client.PostFormAsync(response.Headers.Location.OriginalString, new() { ["Code"] = Totp.Code(_org[Roles.Admin].TotpKey!) });
        right.Headers.Location!.OriginalString.ShouldBe("/");
        (await client.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task After_a_wrong_recovery_code_the_code_from_the_authenticator_app_still_signs_in()
    {
        var client = _factory.Browser();
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = _org[Roles.Admin].Email, ["Password"] = UpstanderFactory.Password });
        var step = response.Headers.Location!.OriginalString;

        const string refusedAt = "/account/sign-in/two-factor?handler=Recovery";
        var refused = await client.PostFormAsync(refusedAt, new() { ["RecoveryCode"] = "AAAAA-BBBBB" }, tokenFrom: step);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        page.ShouldContain("That recovery code did not work. Check it and try again, or enter the code from your authenticator app.");
        page.ShouldNotContain("Codes change every 30 seconds");

        // The page shown again has the recovery handler in its address; "Continue" there checks the authenticator code.
        var target = FormTarget.Of(page, refusedAt, "Continue");
        var right = await client.PostFormAsync(target, new() { ["Code"] = Totp.Code(_org[Roles.Admin].TotpKey!) }, tokenFrom: step);
        right.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        right.Headers.Location!.OriginalString.ShouldBe("/");
        (await client.GetAsync("/admin")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private Task<List<string>> RecoveryCodesAsync(TestAccount account) => _factory.InScopeAsync(_org.Id, async services =>
    {
        var users = services.GetRequiredService<UserManager<Account>>();
        var user = (await users.FindByIdAsync(account.AccountId.ToString()))!;
        return (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
    });

    private Task<bool> IsLockedOutAsync(TestAccount account) => _factory.InScopeAsync(_org.Id, async services =>
    {
        var users = services.GetRequiredService<UserManager<Account>>();
        return await users.IsLockedOutAsync((await users.FindByIdAsync(account.AccountId.ToString()))!);
    });

    /// <summary>Past the password, then the recovery-code step: where the second step's address is.</summary>
    private async Task<(HttpClient Client, string Step)> PastThePasswordAsync(TestAccount account)
    {
        var client = _factory.Browser();
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = account.Email, ["Password"] = UpstanderFactory.Password });
        return (client, response.Headers.Location!.OriginalString);
    }

    private const string RecoveryStep = "/account/sign-in/two-factor?handler=Recovery";

    [Fact]
    public async Task A_recovery_code_does_not_sign_in_an_account_deactivated_after_its_password_step()
    {
        var coordinator = _org[Roles.Coordinator];
        var codes = await RecoveryCodesAsync(coordinator);
        var (client, step) = await PastThePasswordAsync(coordinator);
        var admin = await _factory.ApiClientAsync(_org, _org[Roles.Admin]);
        (await admin.PostAsync($"/api/v1/people/{coordinator.PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await client.PostFormAsync(RecoveryStep, new() { ["RecoveryCode"] = codes[0] }, tokenFrom: step);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a deactivated account is signed in by no route");
        (await response.Content.ReadAsStringAsync()).ShouldContain("This account is no longer active");
        (await client.GetAsync("/coordinate")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_recovery_code_does_not_sign_in_a_locked_account_and_wrong_ones_lock_it()
    {
        var coordinator = _org[Roles.Coordinator];
        var codes = await RecoveryCodesAsync(coordinator);
        var (client, step) = await PastThePasswordAsync(coordinator);
        for (var i = 0; i < 5; i++)
        {
            (await client.PostFormAsync(RecoveryStep, new() { ["RecoveryCode"] = "WRONG-" + i }, tokenFrom: step)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        (await IsLockedOutAsync(coordinator)).ShouldBeTrue("wrong recovery codes count as wrong authenticator codes do");

        var response = await client.PostFormAsync(RecoveryStep, new() { ["RecoveryCode"] = codes[0] }, tokenFrom: step);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a locked account checks nothing and signs in nobody");
        (await response.Content.ReadAsStringAsync()).ShouldContain("locked");
        (await client.GetAsync("/coordinate")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_right_recovery_code_signs_in_and_clears_the_failures_before_it()
    {
        var coordinator = _org[Roles.Coordinator];
        var codes = await RecoveryCodesAsync(coordinator);
        var (client, step) = await PastThePasswordAsync(coordinator);
        (await client.PostFormAsync(RecoveryStep, new() { ["RecoveryCode"] = "WRONG-1" }, tokenFrom: step)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var right = await client.PostFormAsync(RecoveryStep, new() { ["RecoveryCode"] = codes[0] }, tokenFrom: step);
        right.Headers.Location!.OriginalString.ShouldBe("/");
        (await client.GetAsync("/coordinate")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var failures = await _factory.InScopeAsync(_org.Id, async s =>
            (await s.GetRequiredService<UserManager<Account>>().FindByIdAsync(coordinator.AccountId.ToString()))!.AccessFailedCount);
        failures.ShouldBe(0);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var client = _factory.Browser();
        for (var i = 0; i < 5; i++)
        {
            await client.PostFormAsync("/account/sign-in", new() { ["Email"] = _org[Roles.Leader].Email, ["Password"] = "not the password " + i });
        }
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = _org[Roles.Leader].Email, ["Password"] = UpstanderFactory.Password });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("locked");

        // Identity measures lockout on the real clock, so check the recorded end rather than waiting.
        var end = await _factory.InScopeAsync(_org.Id, async services =>
        {
            var users = services.GetRequiredService<UserManager<Account>>();
            return (await users.FindByIdAsync(_org[Roles.Leader].AccountId.ToString()))!.LockoutEnd;
        });
        end!.Value.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_asks_the_browser_to_clear_site_data()
    {
        var client = await _factory.SignInAsync(_org[Roles.Employee]);
        var response = await client.PostFormAsync("/account/sign-out", new(), tokenFrom: "/");
        response.Headers.GetValues("Clear-Site-Data").Single().ShouldContain("\"cookies\"");
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Signing_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Elsewhere Org");
        var employee = org[Roles.Employee];
        var here = await factory.SignInAsync(employee);
        var there = await factory.SignInAsync(employee);

        var ended = await here.PostFormAsync("/account?handler=EndOtherSessions", new(), tokenFrom: "/account");
        ended.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ended.Content.ReadAsStringAsync()).ShouldContain("Your other sessions are signed out.");

        // At once, in this process: no waiting for the stamp interval.
        (await there.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the other session ends at its next request");
        (await here.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "this session was signed in again with the new stamp");
        var events = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<Upstander.Platform.Data.AppDbContext>().AuditEvents
            .Where(e => e.Action == Upstander.Platform.Auditing.AuditActions.OtherSessionsEnded).ToListAsync());
        events.ShouldHaveSingleItem().TargetId.ShouldBe(employee.AccountId.ToString("N"));
    }

    [Fact]
    public async Task A_removed_role_and_a_deactivation_take_effect_on_the_next_request()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("At Once Org");
        var admin = await factory.ApiClientAsync(org, org[Roles.Admin]);
        var coordinator = org[Roles.Coordinator];
        var session = await factory.SignInAsync(coordinator);
        (await session.GetAsync("/coordinate")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.PutAsJsonAsync($"/api/v1/people/{coordinator.PersonId}/roles", new RolesRequest([Roles.Employee]))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var checkedAgain = await session.GetAsync("/coordinate");
        checkedAgain.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the session is issued again with the roles it has now");
        AccountsTestKit.SessionCookies(checkedAgain).ShouldHaveSingleItem("a new session cookie, issued now");
        (await session.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "the session itself goes on");
        // A cookie's issue time is kept to the second, so one issued in the second of the change is checked again (it may
        // be older than the change); one issued in a later second is not.
        factory.Clock.Advance(TimeSpan.FromSeconds(2));
        (await session.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        AccountsTestKit.SessionCookies(await session.GetAsync("/")).ShouldBeEmpty("the new cookie is newer than the change, so it is not checked and issued again");

        (await admin.PostAsync($"/api/v1/people/{coordinator.PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await session.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "a deactivated account's session ends at once");
    }

    [Fact]
    public async Task The_api_answers_for_the_signed_in_person()
    {
        var client = await _factory.SignInAsync(_org[Roles.Researcher]);
        var me = await client.GetFromJsonAsync<MeView>("/api/v1/me");
        me!.PersonId.ShouldBe(_org[Roles.Researcher].PersonId);
        me.Roles.ShouldBe([Roles.Employee, Roles.Researcher], ignoreOrder: true);
    }
}
