using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// Getting back into an account: a link by email from "Forgot your password?", a link an administrator makes, and
/// two-factor turned off by an administrator. The forgot page answers the same for every address; the link works once,
/// for a while, ends every session and clears a lockout, and two-factor is still asked for where it is on.
/// </summary>
public sealed partial class AccountRecoveryTests : IAsyncLifetime
{
    private const string NewPassword = "harbour kettle meadow lantern";
    private readonly SmtpSink _sink = new();
    private UpstanderFactory _factory = null!;
    private TestOrganisation _org = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task StartAsync(Engine engine = Engine.Sqlite, bool mail = true)
    {
        _factory = mail ? new UpstanderFactory(engine, _sink.Settings()) : new UpstanderFactory(engine);
        _org = await _factory.CreateOrganisationAsync("Recovery Org");
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await _sink.DisposeAsync();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_forgotten_password_is_replaced_with_an_emailed_link_that_works_once_and_ends_every_session(Engine engine)
    {
        await StartAsync(engine);
        var employee = _org[Roles.Employee];
        var session = await _factory.SignInAsync(employee);
        var visitor = _factory.Browser();
        (await visitor.GetStringAsync("/account/sign-in")).ShouldContain("href=\"/account/forgot-password\"");
        (await visitor.GetStringAsync("/account/forgot-password")).ShouldContain("Email me a link");

        var before = await RowCounts.TakeAsync(_factory.Database);
        foreach (var bad in new[] { "", "not-an-email", new string('a', 250) + "@x.example" })
        {
            (await visitor.PostFormAsync("/account/forgot-password", new() { ["Email"] = bad })).StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
        }
        RowCounts.Differences(before, await RowCounts.TakeAsync(_factory.Database)).ShouldBeEmpty();

        // An unknown address and a known one get the same answer; only the known one gets a link.
        var unknown = await AskAsync(visitor, "nobody-here@recovery.example");
        var known = await AskAsync(visitor, employee.Email.ToUpperInvariant());
        unknown.ShouldBe(known);
        unknown.ShouldBe("/account/forgot-password?sent=true");
        (await visitor.GetStringAsync(unknown)).ShouldContain("If that is the work email of an active account here");
        var message = await _sink.WaitForMailToAsync(employee.Email);
        message.Subject.ShouldBe("Recovery Org: set a new password for Upstander");
        var link = LinkRegex().Match(message.TextBody ?? "").Value;
        link.ShouldNotBeEmpty();
        var token = AccountsTestKit.TokenOf(link);

        // Asking again soon sends nothing more: no mailbox is flooded.
        await AskAsync(visitor, employee.Email);
        (await ResetsAsync(employee.AccountId)).Count.ShouldBe(1);
        (await DbAsync(db => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == AccountRecovery.MailPurpose))).ShouldBe(1);

        var page = await visitor.GetStringAsync(AccountsTestKit.PathOf(link));
        page.ShouldContain("Set a new password");
        page.ShouldContain(employee.Email);

        // Bad passwords change nothing: the old one still works, the link still works.
        foreach (var (password, confirm) in new[] { ("short", "short"), (NewPassword, NewPassword + "x"), ("", "") })
        {
            (await visitor.PostFormAsync(AccountsTestKit.PathOf(link), new() { ["Password"] = password, ["ConfirmPassword"] = confirm }))
                .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        (await ResetsAsync(employee.AccountId)).Single().UsedAt.ShouldBeNull();

        var set = await visitor.PostFormAsync(AccountsTestKit.PathOf(link), new() { ["Password"] = NewPassword, ["ConfirmPassword"] = NewPassword });
        (await ShouldSayItIsSetAsync(set)).ShouldNotContain("passkeys. They still sign you in", Case.Sensitive, "this account has none");

        // Every session ended; the old password no longer works and the new one does; the link works once.
        var after = await session.GetAsync("/");
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
        (await SignInAsync(employee.Email, UpstanderFactory.Password)).ShouldBe(HttpStatusCode.BadRequest);
        (await SignInAsync(employee.Email, NewPassword)).ShouldBe(HttpStatusCode.Redirect);
        var again = await _factory.Browser().GetAsync(AccountsTestKit.PathOf(link));
        again.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await again.Content.ReadAsStringAsync()).ShouldContain("It has already been used");
        (await _factory.Browser().GetAsync("/account/reset-password?token=pwr_" + new string('A', 43))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var events = await DbAsync(db => db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync());
        var requested = events.Single(e => e.Action == AuditActions.PasswordLinkRequested);
        (requested.ActorId, requested.TargetId).ShouldBe((null, employee.AccountId.ToString("N")));
        events.Single(e => e.Action == AuditActions.PasswordReset).ActorId.ShouldBe(employee.AccountId);

        // Only a hash of the link is kept, and the mail holding it was sealed, then wiped.
        var stored = engine == Engine.Sqlite ? Canary.SqliteBytes(_factory.Database) : await Canary.PostgresDumpAsync(_factory.Database);
        Canary.Contains(stored, token).ShouldBeFalse();
        _factory.Logs.All.ShouldNotContain(token);
    }

    [Fact]
    public async Task An_emailed_link_expires_after_an_hour_and_a_newer_one_clears_a_lockout()
    {
        await StartAsync();
        var employee = _org[Roles.Employee];
        for (var i = 0; i < 5; i++)
        {
            await SignInAsync(employee.Email, "a wrong password " + i);
        }
        (await SignInAsync(employee.Email, UpstanderFactory.Password)).ShouldBe(HttpStatusCode.BadRequest, "locked out");

        await AskAsync(_factory.Browser(), employee.Email);
        var first = LinkRegex().Match((await _sink.WaitForMailToAsync(employee.Email)).TextBody ?? "").Value;
        _factory.Clock.Advance(PasswordReset.EmailedLifetime + TimeSpan.FromMinutes(1));
        var expired = await _factory.Browser().GetAsync(AccountsTestKit.PathOf(first));
        expired.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await expired.Content.ReadAsStringAsync()).ShouldContain("It has expired");

        await AskAsync(_factory.Browser(), employee.Email);
        var second = LinkRegex().Match((await _sink.WaitForAsync(m => m.TextBody?.Contains("reset-password", StringComparison.Ordinal) == true
            && !m.TextBody.Contains(AccountsTestKit.TokenOf(first), StringComparison.Ordinal), TimeSpan.FromSeconds(30))).TextBody!).Value;
        await ShouldSayItIsSetAsync(await _factory.Browser().PostFormAsync(AccountsTestKit.PathOf(second), new() { ["Password"] = NewPassword, ["ConfirmPassword"] = NewPassword }));
        (await SignInAsync(employee.Email, NewPassword)).ShouldBe(HttpStatusCode.Redirect, "setting a password with a link clears the lockout");

        // The records of ended links go after a while.
        (await ResetsAsync(employee.AccountId)).Count.ShouldBe(2);
        _factory.Clock.Advance(AccountRecovery.KeepEnded);
        (await AccountRecovery.RemoveOldAsync(_factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None)).Removed.ShouldBeTrue();
        (await ResetsAsync(employee.AccountId)).Count.ShouldBe(1, "the newer link ended less than 30 days ago");
        _factory.Clock.Advance(PasswordReset.EmailedLifetime);
        (await AccountRecovery.RemoveOldAsync(_factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None)).Removed.ShouldBeTrue();
        (await ResetsAsync(employee.AccountId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_emailed_password_link_never_takes_its_address_from_the_host_the_request_named()
    {
        (_factory, var forged, var address) = AccountsTestKit.WithoutPublicUrl(_sink, 5098);
        _org = await _factory.CreateOrganisationAsync("Recovery Org");
        var employee = _org[Roles.Employee];
        var listening = address + AccountRecovery.ResetPath + "?token=";

        // Someone asks for a link for another person's address with their own site as the Host: the genuine email
        // must not carry the token there.
        await AskAsync(forged, employee.Email);
        var emailed = LinkRegex().Match((await _sink.WaitForMailToAsync(employee.Email)).TextBody ?? "").Value;
        emailed.ShouldStartWith(listening, Case.Sensitive, "no PublicUrl: the address Upstander listens on, not the request's Host");
        emailed.ShouldNotContain("evil.example");

        // An administrator's link is emailed too when mail is on, so it is built the same way, and the page shows the
        // link that was sent.
        var admin = forged;
        await admin.SignInAsync(_org[Roles.Admin]);
        var coordinator = _org[Roles.Coordinator];
        var html = await (await admin.PostFormAsync($"/admin/people/{coordinator.PersonId:D}?handler=PasswordLink", new())).Content.ReadAsStringAsync();
        var shown = WebUtility.HtmlDecode(LinkRegex().Match(html).Value);
        shown.ShouldStartWith(listening, Case.Sensitive);
        var given = LinkRegex().Match((await _sink.WaitForMailToAsync(coordinator.Email)).TextBody ?? "").Value;
        given.ShouldBe(shown);
    }

    [Fact]
    public async Task Without_mail_an_administrator_makes_the_link_and_can_turn_two_factor_off_but_not_for_themselves()
    {
        await StartAsync(mail: false);
        var forgot = await _factory.Browser().GetStringAsync("/account/forgot-password");
        forgot.ShouldContain("Upstander cannot send email here.");
        forgot.ShouldNotContain("Email me a link");
        // The page has no form then; a post made anyway (with a token from the sign-in page) is refused.
        (await _factory.Browser().PostFormAsync("/account/forgot-password", new() { ["Email"] = _org[Roles.Employee].Email }, tokenFrom: "/account/sign-in"))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var admin = await _factory.SignInAsync(_org[Roles.Admin]);
        var employee = _org[Roles.Employee];
        var answer = await admin.PostFormAsync($"/admin/people/{employee.PersonId:D}?handler=PasswordLink", new());
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await answer.Content.ReadAsStringAsync();
        html.ShouldContain("Give it to them yourself");
        var link = WebUtility.HtmlDecode(LinkRegex().Match(html).Value);
        (await ResetsAsync(employee.AccountId)).Single().IssuedBy.ShouldBe(_org[Roles.Admin].AccountId);

        // A second link ends the first.
        var secondHtml = await (await admin.PostFormAsync($"/admin/people/{employee.PersonId:D}?handler=PasswordLink", new())).Content.ReadAsStringAsync();
        var second = WebUtility.HtmlDecode(LinkRegex().Match(secondHtml).Value);
        (await _factory.Browser().GetStringAsync(AccountsTestKit.PathOf(second))).ShouldContain("Set a new password");
        var withdrawn = await _factory.Browser().GetAsync(AccountsTestKit.PathOf(link));
        withdrawn.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await withdrawn.Content.ReadAsStringAsync()).ShouldContain("A newer link was made");
        await ShouldSayItIsSetAsync(await _factory.Browser().PostFormAsync(AccountsTestKit.PathOf(second), new() { ["Password"] = NewPassword, ["ConfirmPassword"] = NewPassword }));
        (await SignInAsync(employee.Email, NewPassword)).ShouldBe(HttpStatusCode.Redirect);

        // Two-factor off for someone who lost their authenticator: their sessions end, the code is no longer asked for.
        var coordinator = _org[Roles.Coordinator];
        var coordinatorSession = await _factory.SignInAsync(coordinator);
        (await admin.GetStringAsync($"/admin/people/{coordinator.PersonId:D}")).ShouldContain("Turn two-factor sign-in off");
        (await admin.PostFormAsync($"/admin/people/{coordinator.PersonId:D}?handler=TwoFactorOff", new())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await coordinatorSession.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await DbAsync(db => db.Users.Where(a => a.Id == coordinator.AccountId).Select(a => a.TwoFactorEnabled).SingleAsync())).ShouldBeFalse();
        var signIn = await _factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = coordinator.Email, ["Password"] = UpstanderFactory.Password });
        signIn.Headers.Location!.OriginalString.ShouldBe("/", "no code is asked for: two-factor is off until they set it up again");

        // Not for their own account, nor for someone in another organisation; nothing changes.
        var other = await _factory.CreateOrganisationAsync("Other Recovery Org");
        var before = await RowCounts.TakeAsync(_factory.Database);
        (await admin.PostFormAsync($"/admin/people/{_org[Roles.Admin].PersonId:D}?handler=PasswordLink", new())).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostFormAsync($"/admin/people/{_org[Roles.Admin].PersonId:D}?handler=TwoFactorOff", new())).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PostFormAsync($"/admin/people/{other[Roles.Employee].PersonId:D}?handler=PasswordLink", new())).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        RowCounts.Differences(before, await RowCounts.TakeAsync(_factory.Database)).ShouldBeEmpty();

        var actions = await DbAsync(db => db.AuditEvents.Where(e => e.ActorId == _org[Roles.Admin].AccountId).Select(e => e.Action).ToListAsync());
        actions.Count(a => a == AuditActions.PasswordLinkGiven).ShouldBe(2);
        actions.ShouldContain(AuditActions.TwoFactorTurnedOffByAdministrator);
    }

    [Fact]
    public async Task A_new_password_leaves_the_accounts_passkeys_working_and_the_page_says_so()
    {
        await StartAsync(mail: false);
        var employee = _org[Roles.Employee];
        var session = await _factory.SignInForApiAsync(employee);
        using var phone = new SoftwarePasskey();
        using var laptop = new SoftwarePasskey();
        (await session.AddPasskeyAsync(phone, "Phone")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await session.AddPasskeyAsync(laptop, "Laptop")).StatusCode.ShouldBe(HttpStatusCode.Created);

        var admin = await _factory.SignInAsync(_org[Roles.Admin]);
        var html = await (await admin.PostFormAsync($"/admin/people/{employee.PersonId:D}?handler=PasswordLink", new())).Content.ReadAsStringAsync();
        var link = WebUtility.HtmlDecode(LinkRegex().Match(html).Value);
        var visitor = _factory.Browser();
        var set = await visitor.PostFormAsync(AccountsTestKit.PathOf(link), new() { ["Password"] = NewPassword, ["ConfirmPassword"] = NewPassword });
        var done = await ShouldSayItIsSetAsync(set);
        done.ShouldContain("Your account also has 2 passkeys. They still sign you in: a new password does not remove them.");
        done.ShouldContain("<a href=\"/account\">Review your passkeys</a>");

        // The page says it only in answer to the form that set the password: an address cannot make it claim either.
        foreach (var made in new[] { "/account/reset-password?done=true&passkeys=5", "/account/reset-password?done=true" })
        {
            var forged = await _factory.Browser().GetAsync(made);
            forged.StatusCode.ShouldBe(HttpStatusCode.NotFound, made);
            var text = await forged.Content.ReadAsStringAsync();
            text.ShouldNotContain("Your new password is set", Case.Sensitive, made);
            text.ShouldNotContain("passkeys. They still sign you in", Case.Sensitive, made);
        }

        // The sessions ended, as for any new password; the passkeys were left as they were and still sign in.
        (await session.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await _factory.PasskeyCountAsync(employee)).ShouldBe(2);
        var browser = _factory.Browser();
        browser.DefaultRequestHeaders.Add("RequestVerificationToken", await browser.AntiforgeryTokenAsync("/account/sign-in"));
        var options = await (await browser.PostJsonAsync("/account/passkeys/request-options", new { })).Content.ReadAsStringAsync();
        var signedIn = await browser.PostJsonAsync("/account/passkeys/sign-in", new { credential = laptop.Sign(options), returnUrl = "/" });
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK, await signedIn.Content.ReadAsStringAsync());
        (await browser.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>The answer to a form that set a password: the page saying so (200), not a redirect to an address that could be made up.</summary>
    private static async Task<string> ShouldSayItIsSetAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, PageText.Of(html));
        html.ShouldContain("Your new password is set");
        return html;
    }

    [Fact]
    public async Task Signing_in_with_an_address_that_has_no_account_checks_a_password_as_one_that_has_does()
    {
        var hasher = new CountingHasher();
        _factory = new UpstanderFactory { TestServices = services => services.AddSingleton<IPasswordHasher<Account>>(hasher) };
        _org = await _factory.CreateOrganisationAsync("Recovery Org");
        var checks = hasher.Checks;
        (await SignInAsync("nobody-here@recovery.example", "a guess at a password")).ShouldBe(HttpStatusCode.BadRequest);
        (hasher.Checks - checks).ShouldBe(1, "an unknown address costs the same password check as a known one, so its timing says nothing");
        checks = hasher.Checks;
        (await SignInAsync(_org[Roles.Employee].Email, "a guess at a password")).ShouldBe(HttpStatusCode.BadRequest);
        (hasher.Checks - checks).ShouldBe(1);
    }

    /// <summary>Identity's own hasher, counting how often a password is checked against a hash.</summary>
    private sealed class CountingHasher : IPasswordHasher<Account>
    {
        private readonly PasswordHasher<Account> _inner = new();
        private int _checks;

        public int Checks => Volatile.Read(ref _checks);

        public string HashPassword(Account user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(Account user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _checks);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    /// <summary>Asks for a link and waits until the request has been looked at in the background; returns where the page sent the visitor.</summary>
    private async Task<string> AskAsync(HttpClient visitor, string email)
    {
        var requests = _factory.Services.GetRequiredService<PasswordLinkRequests>();
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Done() => handled.TrySetResult();
        requests.Handled += Done;
        try
        {
            var response = await visitor.PostFormAsync("/account/forgot-password", new() { ["Email"] = email });
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            await handled.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return response.Headers.Location!.OriginalString;
        }
        finally
        {
            requests.Handled -= Done;
        }
    }

    private async Task<HttpStatusCode> SignInAsync(string email, string password) =>
        (await _factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = email, ["Password"] = password })).StatusCode;

    private Task<List<PasswordReset>> ResetsAsync(Guid accountId) =>
        DbAsync(db => db.Set<PasswordReset>().Where(r => r.AccountId == accountId).AsNoTracking().ToListAsync());

    private Task<T> DbAsync<T>(Func<AppDbContext, Task<T>> query) =>
        _factory.InScopeAsync(_org.Id, s => query(s.GetRequiredService<AppDbContext>()));

    private static Regex LinkRegex() => AccountsTestKit.PasswordLinkRegex();
}
