using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// Someone who gets hold of a signed-in session for a few minutes (an unlocked laptop, a copied cookie) must not be able
/// to give themselves a way in that outlasts it: adding a passkey, setting a first password, weakening two-factor and
/// issuing access tokens need a sign-in, or a confirmation, from the last <see cref="RecentSignIn.Window"/>. Real passkeys
/// are made and used by <see cref="SoftwarePasskey"/>.
/// </summary>
public sealed partial class RecentSignInTests : IAsyncLifetime
{
    private const string ConfirmAccount = "/account/confirm?returnUrl=%2Faccount";
    private const string NotRight = "That password is not right";

    private readonly UpstanderFactory _factory = new();
    private TestOrganisation _org = null!;

    public async Task InitializeAsync() => _org = await _factory.CreateOrganisationAsync("Recent Org");

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static TimeSpan PastTheWindow => RecentSignIn.Window + TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_session_signed_in_before_the_window_adds_no_passkey_until_the_person_confirms_their_password()
    {
        var employee = _org[Roles.Employee];
        var session = await _factory.SignInForApiAsync(employee);
        using var device = new SoftwarePasskey();
        // The ceremony was started while the sign-in was recent, and finished after.
        var options = await (await session.PostJsonAsync("/account/passkeys/creation-options", new { })).Content.ReadAsStringAsync();
        _factory.Clock.Advance(PastTheWindow);

        var late = await session.PostJsonAsync("/account/passkeys", new { name = "Laptop", credential = device.Create(options) });
        await ShouldAskToConfirmAsync(late);
        await ShouldAskToConfirmAsync(await session.PostJsonAsync("/account/passkeys/creation-options", new { }));
        (await _factory.PasskeyCountAsync(employee)).ShouldBe(0, "nothing is stored");
        var page = await session.GetStringAsync("/account");
        page.ShouldContain("To add a passkey, first confirm it&#x27;s you");
        page.ShouldContain($"href=\"{ConfirmAccount}\"");
        page.ShouldNotContain("data-passkey-add");

        // The confirmation works without JavaScript: a plain form, then back to the account page.
        var form = await session.GetStringAsync(ConfirmAccount);
        form.ShouldContain("autocomplete=\"current-password\"");
        form.ShouldNotContain("Code from your authenticator app", Case.Sensitive, "an account without two-factor is asked for its password only");
        var confirmed = await ConfirmAsync(session, UpstanderFactory.Password);
        confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        confirmed.Headers.Location!.OriginalString.ShouldBe("/account");

        (await session.GetStringAsync("/account")).ShouldContain("data-passkey-add");
        var added = await session.AddPasskeyAsync(device, "Laptop");
        added.StatusCode.ShouldBe(HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        (await _factory.PasskeyCountAsync(employee)).ShouldBe(1);
        var actions = await ActionsAsync(employee);
        actions.ShouldContain(AuditActions.SignInConfirmed);
        actions.ShouldContain(AuditActions.PasskeyAdded);

        // A confirmation is itself recent for the window only.
        _factory.Clock.Advance(PastTheWindow);
        using var second = new SoftwarePasskey();
        await ShouldAskToConfirmAsync(await session.AddPasskeyAsync(second));
        (await _factory.PasskeyCountAsync(employee)).ShouldBe(1);
    }

    [Fact]
    public async Task Cookies_issued_again_without_a_sign_in_do_not_make_the_session_recent()
    {
        var session = await _factory.SignInForApiAsync(_org[Roles.Employee]);

        // Inside the window: the five-minute security stamp check issues the cookie again, and so does ending the other
        // sessions (Identity's RefreshSignInAsync). Each new cookie has a new issue time; the sign-in time stays.
        _factory.Clock.Advance(SecurityServices.StampInterval + TimeSpan.FromMinutes(1));
        AccountsTestKit.SessionCookies(await session.GetAsync("/")).ShouldHaveSingleItem("the stamp check issued the cookie again");
        var ended = await session.PostFormAsync("/account?handler=EndOtherSessions", new(), tokenFrom: "/account");
        ended.StatusCode.ShouldBe(HttpStatusCode.OK);
        AccountsTestKit.SessionCookies(ended).ShouldHaveSingleItem("this session was signed in again with the new stamp");
        _factory.Clock.Advance(RecentSignIn.Window - SecurityServices.StampInterval);
        await ShouldAskToConfirmAsync(await session.PostJsonAsync("/account/passkeys/creation-options", new { }));

        // Hours later, past half its eight hours, the sliding renewal issues it again: still not a sign-in.
        _factory.Clock.Advance(TimeSpan.FromHours(4));
        AccountsTestKit.SessionCookies(await session.GetAsync("/")).ShouldHaveSingleItem("the cookie was renewed");
        await ShouldAskToConfirmAsync(await session.PostJsonAsync("/account/passkeys/creation-options", new { }));
        (await session.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "the session itself goes on");
    }

    [Fact]
    public async Task Wrong_passwords_at_the_confirmation_are_refused_with_400_and_count_towards_the_lockout_as_at_sign_in()
    {
        var employee = _org[Roles.Employee];
        var session = await _factory.SignInForApiAsync(employee);
        _factory.Clock.Advance(PastTheWindow);

        var wrong = await ConfirmAsync(session, "not the password at all");
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrong.Content.ReadAsStringAsync()).ShouldContain(NotRight);
        (await FailedCountAsync(employee)).ShouldBe(1);
        await ShouldAskToConfirmAsync(await session.PostJsonAsync("/account/passkeys/creation-options", new { }));
        (await ConfirmAsync(session, "")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FailedCountAsync(employee)).ShouldBe(1, "an empty password checks nothing and counts nothing");

        // The change-password form is no way around it: its wrong current password counts too.
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            (await ConfirmAsync(session, $"wrong guess number {attempt}")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        var change = await session.PostFormAsync("/account?handler=Password", new()
        {
            ["CurrentPassword"] = "wrong guess number 4",
            ["NewPassword"] = "quiet meadow copper kettle",
            ["ConfirmPassword"] = "quiet meadow copper kettle",
        }, tokenFrom: "/account");
        change.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await change.Content.ReadAsStringAsync()).ShouldContain("Your current password is not right");
        (await FailedCountAsync(employee)).ShouldBe(4);

        var fifth = await ConfirmAsync(session, "wrong guess number 5");
        fifth.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await fifth.Content.ReadAsStringAsync()).ShouldContain("This account is locked");
        // While it is locked nothing is checked: the right password is told the same, and signs in nowhere else either.
        var right = await ConfirmAsync(session, UpstanderFactory.Password);
        right.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await right.Content.ReadAsStringAsync()).ShouldContain("This account is locked");
        await ShouldAskToConfirmAsync(await session.PostJsonAsync("/account/passkeys/creation-options", new { }));
        (await _factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = employee.Email, ["Password"] = UpstanderFactory.Password }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var events = await EventsAsync(employee);
        events.Count(e => e.Action == AuditActions.SignInFailed && e.Detail == "confirm").ShouldBe(4);
        events.Count(e => e.Action == AuditActions.LockedOut && e.Detail == "confirm").ShouldBe(2);
        events.ShouldNotContain(e => e.Action == AuditActions.SignInConfirmed);
    }

    [Fact]
    public async Task An_account_with_two_factor_confirms_with_its_password_and_a_code_before_weakening_two_factor()
    {
        var coordinator = _org[Roles.Coordinator];
        var session = await _factory.SignInAsync(coordinator);
        _factory.Clock.Advance(PastTheWindow);
        var before = await TwoFactorAsync(coordinator);

        // Each change that weakens two-factor goes to the confirmation first and changes nothing.
        foreach (var handler in new[] { "Reset", "RecoveryCodes" })
        {
            var refused = await session.PostFormAsync($"{TwoFactorRequirement.SetupPath}?handler={handler}", new(), tokenFrom: TwoFactorRequirement.SetupPath);
            refused.StatusCode.ShouldBe(HttpStatusCode.Redirect, handler);
            refused.Headers.Location!.OriginalString.ShouldBe("/account/confirm?returnUrl=%2Faccount%2Ftwo-factor");
        }
        (await TwoFactorAsync(coordinator)).ShouldBe(before, "still on, with the same key and recovery codes");

        var confirm = "/account/confirm?returnUrl=%2Faccount%2Ftwo-factor";
        (await session.GetStringAsync(confirm)).ShouldContain("Code from your authenticator app");
        var noCode = await session.PostFormAsync(confirm, new() { ["Password"] = UpstanderFactory.Password });
        noCode.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noCode.Content.ReadAsStringAsync()).ShouldContain("Enter the code from your authenticator app");
        var wrongCode = await session.PostFormAsync(confirm, new() { ["Password"] = UpstanderFactory.Password, ["Code"] = WrongCode(coordinator.TotpKey!) });
        wrongCode.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await wrongCode.Content.ReadAsStringAsync()).ShouldContain("That code did not work");
        (await FailedCountAsync(coordinator)).ShouldBe(1, "a wrong code counts as the second step of sign-in counts it");

        var confirmed = await session.PostFormAsync(confirm, new() { ["Password"] = UpstanderFactory.Password, ["Code"] = Totp.Code(coordinator.TotpKey!) });
        confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        confirmed.Headers.Location!.OriginalString.ShouldBe(TwoFactorRequirement.SetupPath);
        (await FailedCountAsync(coordinator)).ShouldBe(0);
        var codes = await session.PostFormAsync($"{TwoFactorRequirement.SetupPath}?handler=RecoveryCodes", new(), tokenFrom: TwoFactorRequirement.SetupPath);
        codes.StatusCode.ShouldBe(HttpStatusCode.OK);
        var recoveryCode = RecoveryCodeRegex().Match(await codes.Content.ReadAsStringAsync()).Groups[1].Value;
        recoveryCode.ShouldNotBeEmpty("the new recovery codes are shown");

        // Without the phone, a recovery code stands in for the authenticator here as at sign-in, and works once.
        _factory.Clock.Advance(PastTheWindow);
        var withRecovery = await session.PostFormAsync(confirm, new() { ["Password"] = UpstanderFactory.Password, ["Code"] = recoveryCode });
        withRecovery.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var reset = await session.PostFormAsync($"{TwoFactorRequirement.SetupPath}?handler=Reset", new(), tokenFrom: TwoFactorRequirement.SetupPath);
        reset.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        reset.Headers.Location!.OriginalString.ShouldStartWith(TwoFactorRequirement.SetupPath + "?", Case.Sensitive, "a different app may be set up now");
        (await TwoFactorAsync(coordinator)).Item1.ShouldBeFalse();
        (await TwoFactorAsync(coordinator)).Item3.ShouldBe(9, "the code used to confirm is gone");
    }

    [Fact]
    public async Task Turning_two_factor_off_needs_a_recent_sign_in_for_someone_whose_role_allows_it()
    {
        // An employee may turn two-factor off (a coordinator's role is refused before the recent sign-in is asked about).
        var employee = _org[Roles.Employee];
        var session = await _factory.SignInAsync(employee);
        var key = AccountsTestKit.AuthenticatorKey(await session.GetStringAsync(TwoFactorRequirement.SetupPath));
        (await session.PostFormAsync(TwoFactorRequirement.SetupPath, new() { ["Code"] = Totp.Code(key) })).StatusCode.ShouldBe(HttpStatusCode.OK);
        _factory.Clock.Advance(PastTheWindow);
        var before = await TwoFactorAsync(employee);
        before.Item1.ShouldBeTrue();

        var refused = await session.PostFormAsync($"{TwoFactorRequirement.SetupPath}?handler=Disable", new(), tokenFrom: TwoFactorRequirement.SetupPath);
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.OriginalString.ShouldBe("/account/confirm?returnUrl=%2Faccount%2Ftwo-factor");
        (await TwoFactorAsync(employee)).ShouldBe(before, "still on, with the same key and recovery codes");
        (await ActionsAsync(employee)).ShouldNotContain(AuditActions.TwoFactorDisabled);

        var confirmed = await session.PostFormAsync("/account/confirm?returnUrl=%2Faccount%2Ftwo-factor",
            new() { ["Password"] = UpstanderFactory.Password, ["Code"] = Totp.Code(key) });
        confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var off = await session.PostFormAsync($"{TwoFactorRequirement.SetupPath}?handler=Disable", new(), tokenFrom: TwoFactorRequirement.SetupPath);
        off.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        off.Headers.Location!.OriginalString.ShouldBe(TwoFactorRequirement.SetupPath);
        (await TwoFactorAsync(employee)).Item1.ShouldBeFalse();
    }

    [GeneratedRegex("<li><code>([^<]+)</code></li>")]
    private static partial Regex RecoveryCodeRegex();

    [Fact]
    public async Task Issuing_an_access_token_needs_a_recent_sign_in_on_the_page_and_the_api()
    {
        var admin = _org[Roles.Admin];
        var session = await _factory.SignInForApiAsync(admin);
        _factory.Clock.Advance(PastTheWindow);

        var page = await session.PostFormAsync("/admin/tokens?handler=Issue", new()
        {
            ["AccountId"] = _org[Roles.Researcher].AccountId.ToString(),
            ["Name"] = "Reporting script",
            ["LifetimeDays"] = "30",
        }, tokenFrom: "/admin/tokens");
        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.OriginalString.ShouldBe("/account/confirm?returnUrl=%2Fadmin%2Ftokens");
        var request = new { accountId = _org[Roles.Researcher].AccountId, name = "Reporting script", lifetimeDays = 30 };
        await ShouldAskToConfirmAsync(await session.PostAsJsonAsync("/api/v1/tokens", request));
        (await TokenCountAsync()).ShouldBe(0);

        var confirmed = await session.PostFormAsync("/account/confirm?returnUrl=%2Fadmin%2Ftokens",
            new() { ["Password"] = UpstanderFactory.Password, ["Code"] = Totp.Code(admin.TotpKey!) });
        confirmed.Headers.Location!.OriginalString.ShouldBe("/admin/tokens");
        (await session.PostAsJsonAsync("/api/v1/tokens", request)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await TokenCountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_person_without_a_password_confirms_with_one_of_their_own_passkeys_before_setting_one()
    {
        var (session, person, device) = await PasskeyOnlyAccountAsync("Noor Haddad", "noor@recent.example");
        _factory.Clock.Advance(PastTheWindow);

        var page = await session.GetStringAsync("/account");
        page.ShouldContain("To set a password, first confirm it&#x27;s you with one of your passkeys");
        page.ShouldNotContain("name=\"NewPassword\"");
        var set = await session.PostFormAsync("/account?handler=Password", new() { ["NewPassword"] = LaterPassword, ["ConfirmPassword"] = LaterPassword }, tokenFrom: "/account");
        set.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        set.Headers.Location!.OriginalString.ShouldBe(ConfirmAccount);
        (await HasPasswordAsync(person)).ShouldBeFalse();

        // No password to confirm with: the page offers passkeys only, and a form post is refused.
        var confirm = await session.GetStringAsync(ConfirmAccount);
        confirm.ShouldNotContain("autocomplete=\"current-password\"");
        confirm.ShouldContain("data-passkey-options=\"/account/passkeys/confirm-options\"");
        (await session.PostFormAsync(ConfirmAccount, new() { ["Password"] = UpstanderFactory.Password })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Another account's passkey, on a shared device, proves nothing about this one.
        var employee = await _factory.SignInForApiAsync(_org[Roles.Employee]);
        using var employeesDevice = new SoftwarePasskey();
        (await employee.AddPasskeyAsync(employeesDevice)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var someoneElse = await ConfirmWithPasskeyAsync(session, employeesDevice);
        someoneElse.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var another = new SoftwarePasskey();
        await ShouldAskToConfirmAsync(await session.AddPasskeyAsync(another));

        var own = await ConfirmWithPasskeyAsync(session, device);
        own.StatusCode.ShouldBe(HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        (await own.Content.ReadFromJsonAsync<PasskeyNext>())!.Redirect.ShouldBe("/account");
        var changed = await session.PostFormAsync("/account?handler=Password", new() { ["NewPassword"] = LaterPassword, ["ConfirmPassword"] = LaterPassword }, tokenFrom: "/account");
        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await HasPasswordAsync(person)).ShouldBeTrue();
        var events = await EventsAsync(person);
        events.ShouldContain(e => e.Action == AuditActions.SignInConfirmed && e.Detail == "passkey");
        events.ShouldContain(e => e.Action == AuditActions.SignInFailed && e.Detail == "confirm");
    }

    [Fact]
    public async Task Adding_a_passkey_ends_the_accounts_other_sessions_and_keeps_this_one()
    {
        var employee = _org[Roles.Employee];
        var elsewhere = await _factory.SignInAsync(employee);
        var here = await _factory.SignInForApiAsync(employee);
        using var device = new SoftwarePasskey();
        (await here.AddPasskeyAsync(device)).StatusCode.ShouldBe(HttpStatusCode.Created);

        var other = await elsewhere.GetAsync("/");
        other.StatusCode.ShouldBe(HttpStatusCode.Redirect, "the other session ended at its next request");
        other.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        (await here.GetAsync("/account")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private const string LaterPassword = "amber lantern orchard pebble";

    /// <summary>An invited person who made their account with a passkey and has no password, signed in by that.</summary>
    private async Task<(HttpClient Session, TestAccount Account, SoftwarePasskey Device)> PasskeyOnlyAccountAsync(string name, string email)
    {
        var admin = await _factory.SignInForApiAsync(_org[Roles.Admin]);
        var personId = await _factory.AddPersonAsync(_org.Id, name, email);
        var link = await admin.InviteAsync(personId);
        var token = AccountsTestKit.TokenOf(link);
        var browser = _factory.Browser();
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", await browser.AntiforgeryTokenAsync(AccountsTestKit.PathOf(link)));
        var device = new SoftwarePasskey();
        var options = await (await browser.PostJsonAsync("/account/invitation/passkey/creation-options", new { token })).Content.ReadAsStringAsync();
        var made = await browser.PostJsonAsync("/account/invitation/passkey", new { token, credential = device.Create(options) });
        made.StatusCode.ShouldBe(HttpStatusCode.OK, await made.Content.ReadAsStringAsync());
        // Signed in now: the antiforgery token belongs to who is signed in.
        browser.DefaultRequestHeaders.Remove("RequestVerificationToken");
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", await browser.AntiforgeryTokenAsync("/account"));
        var accountId = await _factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Users.Where(a => a.PersonId == personId).Select(a => a.Id).SingleAsync());
        return (browser, new TestAccount(Roles.Employee, email, accountId, personId, null), device);
    }

    private static async Task<HttpResponseMessage> ConfirmWithPasskeyAsync(HttpClient session, SoftwarePasskey device)
    {
        var options = await session.PostJsonAsync("/account/passkeys/confirm-options", new { });
        options.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await session.PostJsonAsync("/account/passkeys/confirm", new { credential = device.Sign(await options.Content.ReadAsStringAsync()), returnUrl = "/account" });
    }

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient session, string password) =>
        session.PostFormAsync(ConfirmAccount, new() { ["Password"] = password });

    /// <summary>403 with a problem that says what to do, and where.</summary>
    private static async Task ShouldAskToConfirmAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, body);
        using var problem = JsonDocument.Parse(body);
        problem.RootElement.GetProperty("title").GetString().ShouldBe("Confirm it is you");
        problem.RootElement.GetProperty("detail").GetString()!.ShouldContain($"a sign-in from the last {RecentSignIn.Window.TotalMinutes} minutes");
        problem.RootElement.GetProperty("confirmUrl").GetString().ShouldStartWith("/account/confirm?returnUrl=");
    }

    private static string WrongCode(string key)
    {
        var right = Totp.Code(key);
        return right == "000000" ? "000001" : "000000";
    }

    private Task<Account> AccountAsync(TestAccount account) => _factory.InScopeAsync(null, s =>
        s.GetRequiredService<AppDbContext>().Users.AsNoTracking().SingleAsync(a => a.Id == account.AccountId));

    private async Task<int> FailedCountAsync(TestAccount account) => (await AccountAsync(account)).AccessFailedCount;

    private async Task<bool> HasPasswordAsync(TestAccount account) => (await AccountAsync(account)).PasswordHash is not null;

    private Task<(bool, string?, int)> TwoFactorAsync(TestAccount account) => _factory.InScopeAsync(null, async s =>
    {
        var users = s.GetRequiredService<UserManager<Account>>();
        var found = (await users.FindByIdAsync(account.AccountId.ToString()))!;
        return (found.TwoFactorEnabled, await users.GetAuthenticatorKeyAsync(found), await users.CountRecoveryCodesAsync(found));
    });

    private Task<int> TokenCountAsync() => _factory.InScopeAsync(_org.Id, s => s.GetRequiredService<AppDbContext>().PersonalAccessTokens.CountAsync());

    private Task<List<AuditEvent>> EventsAsync(TestAccount account) => _factory.InScopeAsync(_org.Id, s =>
        s.GetRequiredService<AppDbContext>().AuditEvents.Where(e => e.ActorId == account.AccountId).OrderBy(e => e.Sequence).ToListAsync());

    private async Task<List<string>> ActionsAsync(TestAccount account) => [.. (await EventsAsync(account)).Select(e => e.Action)];
}
