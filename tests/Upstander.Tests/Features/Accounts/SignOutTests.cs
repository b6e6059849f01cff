using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Data;
using Upstander.Platform.Retention;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// Signing out ends the session itself, not only the browser's cookie: a copy of the cookie (a shared computer, a synced
/// or backed-up browser profile, malware) is refused from then on, while the person's other sessions go on.
/// </summary>
public sealed class SignOutTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_copy_of_a_signed_out_sessions_cookie_is_refused_and_the_other_sessions_go_on(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Copied Cookie Org");
        // Giving the roles is an account change too, and a session issued in the same second is checked at its next
        // request anyway: sign in later, so that only the sign-out can be why the copy is checked at once.
        factory.Clock.Advance(TimeSpan.FromSeconds(2));
        var employee = org[Roles.Employee];
        var (browser, cookie) = await SignInCapturingAsync(factory, employee);
        var copy = CopyOf(factory, cookie);
        (await copy.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "the copy works while the session lasts");
        var elsewhere = await factory.SignInAsync(employee);

        (await browser.PostFormAsync("/account/sign-out", new(), tokenFrom: "/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // At once, in this process: the copy was issued before the sign-out, so it is checked on its next request.
        var refused = await copy.GetAsync("/");
        refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        refused.Headers.Location!.AbsolutePath.ShouldBe("/account/sign-in");
        (await copy.GetAsync("/api/v1/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await elsewhere.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "only the session that signed out ends");

        var rows = await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Set<EndedSession>().AsNoTracking().ToListAsync());
        var row = rows.ShouldHaveSingleItem();
        row.AccountId.ShouldBe(employee.AccountId);
        row.IdHash.ShouldMatch("^[0-9a-f]{64}$", "only a hash of the session's id is stored");

        // Long after any notice is gone, the check at the interval still refuses it.
        factory.Clock.Advance(SecurityServices.StampInterval + TimeSpan.FromMinutes(1));
        (await copy.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await elsewhere.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_session_keeps_its_id_when_its_cookie_is_issued_again_so_signing_out_later_ends_older_copies()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Reissued Cookie Org");
        var (browser, cookie) = await SignInCapturingAsync(factory, org[Roles.Employee]);
        var copy = CopyOf(factory, cookie);

        // Past the interval the session is checked and its cookie issued again; confirming the password issues it again too.
        factory.Clock.Advance(SecurityServices.StampInterval + TimeSpan.FromMinutes(1));
        AccountsTestKit.SessionCookies(await browser.GetAsync("/")).ShouldHaveSingleItem("the browser's cookie is issued again");
        var confirmed = await browser.PostFormAsync("/account/confirm?returnUrl=%2Faccount", new() { ["Password"] = UpstanderFactory.Password });
        confirmed.Headers.Location!.OriginalString.ShouldBe("/account");
        AccountsTestKit.SessionCookies(confirmed).ShouldHaveSingleItem("a confirmation issues the cookie again");
        (await copy.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await browser.PostFormAsync("/account/sign-out", new(), tokenFrom: "/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await copy.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the older copy carries the same session id");
    }

    [Fact]
    public async Task A_cookie_without_a_session_id_is_refused_and_ended_sessions_are_forgotten_once_every_copy_has_expired()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Forgotten Sessions Org");
        (await factory.InScopeAsync(null, s => s.GetRequiredService<EndedSessions>().IsEndedAsync(new AuthenticationProperties(), CancellationToken.None)))
            .ShouldBeTrue("a session issued before sessions had ids cannot be ended, so it may not go on");

        var (early, _) = await SignInCapturingAsync(factory, org[Roles.Employee]);
        await early.PostFormAsync("/account/sign-out", new(), tokenFrom: "/");
        factory.Clock.Advance(EndedSessions.Kept - TimeSpan.FromMinutes(30));
        var (late, _) = await SignInCapturingAsync(factory, org[Roles.Leader]);
        await late.PostFormAsync("/account/sign-out", new(), tokenFrom: "/");
        factory.Clock.Advance(TimeSpan.FromMinutes(31));

        var pass = factory.Services.GetServices<RetentionPass>().Single(p => p.Name == "signed-out sessions");
        var outcome = await pass.RunEverywhereAsync(factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        outcome.Removed.ShouldBeTrue();
        outcome.Summary.ShouldStartWith("Forgot 1 signed-out sessions");
        var left = await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Set<EndedSession>().AsNoTracking().ToListAsync());
        left.ShouldHaveSingleItem().AccountId.ShouldBe(org[Roles.Leader].AccountId);
    }

    /// <summary>
    /// Two sign-outs of one session at once (a double click) both pass the cookie check and both record the session as
    /// ended; the second save then meets the first one's row. Run one after the other here, so the second always meets it.
    /// </summary>
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_session_ended_twice_is_ended_once_and_the_second_sign_out_still_succeeds(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Double Sign Out Org");
        var employee = org[Roles.Employee];
        var session = new AuthenticationProperties();
        EndedSessions.Begin(session);

        for (var click = 0; click < 2; click++)
        {
            await factory.InScopeAsync(org.Id, s => s.GetRequiredService<EndedSessions>().EndAsync(employee.AccountId, session, CancellationToken.None));
        }

        (await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Set<EndedSession>().CountAsync())).ShouldBe(1);
        (await factory.InScopeAsync(null, s => s.GetRequiredService<EndedSessions>().IsEndedAsync(session, CancellationToken.None))).ShouldBeTrue();
    }

    /// <summary>Signs in through the page and returns the browser and the session cookie it was given ("name=value").</summary>
    private static async Task<(HttpClient Browser, string Cookie)> SignInCapturingAsync(UpstanderFactory factory, TestAccount account)
    {
        account.TotpKey.ShouldBeNull("these tests sign in with a password only");
        var browser = factory.Browser();
        var response = await browser.PostFormAsync("/account/sign-in", new() { ["Email"] = account.Email, ["Password"] = UpstanderFactory.Password });
        response.Headers.Location!.OriginalString.ShouldBe("/");
        return (browser, AccountsTestKit.SessionCookies(response).ShouldHaveSingleItem().Split(';')[0]);
    }

    /// <summary>Another client presenting a copy of the cookie, and nothing else.</summary>
    private static HttpClient CopyOf(UpstanderFactory factory, string cookie)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("http://localhost") });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}
