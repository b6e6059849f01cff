using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Accounts;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// Identity saves an account by writing every column of the copy it holds (UserStore.UpdateAsync), guarded only by the
/// account's concurrency stamp. Upstander's own changes to an account (stopping it, reactivating it) change that stamp
/// too, so a request that read the account before such a change cannot write the old state back over it.
/// </summary>
public sealed class AccountWriteRaceTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_wrong_password_counted_on_a_copy_read_before_a_deactivation_does_not_undo_it(Engine engine)
    {
        // A sign-in attempt with a wrong password has read the account, and is held there.
        var gate = new QueryGate("accounts", "Normalized");
        await using var factory = new UpstanderFactory(engine) { TestServices = gate.Register };
        var (_, leader, admin, page, adminToken) = await DeactivationFormAsync(factory, "Stale Copy Org");
        var browser = factory.Browser();
        var signInToken = await browser.AntiforgeryTokenAsync("/account/sign-in");

        gate.Arm();
        var attempt = browser.PostWithTokenAsync("/account/sign-in", signInToken, ("Email", leader.Email), ("Password", "a wrong guess"));
        await gate.ReachedAsync();

        // Meanwhile an administrator deactivates the account, which ends its sessions with a new security stamp.
        (await admin.PostWithTokenAsync(page + "?handler=Deactivate", adminToken)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var deactivated = await AccountAsync(factory, leader);
        deactivated.DeactivatedAt.ShouldNotBeNull();

        // The attempt goes on with its copy from before, and is answered as a wrong password is; the deactivation stands.
        gate.Open();
        var answer = await attempt;
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await answer.Content.ReadAsStringAsync());
        (await answer.Content.ReadAsStringAsync()).ShouldContain("That email and password do not match.");
        var after = await AccountAsync(factory, leader);
        after.DeactivatedAt.ShouldBe(deactivated.DeactivatedAt, "the attempt wrote its older copy of the account back");
        after.DeactivatedBecause.ShouldBe(DeactivationReason.Administrator);
        after.SecurityStamp.ShouldBe(deactivated.SecurityStamp, "an old stamp back would let the ended sessions in again");

        var retry = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = leader.Email, ["Password"] = UpstanderFactory.Password });
        (await retry.Content.ReadAsStringAsync()).ShouldContain("This account is no longer active");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_deactivation_whose_copy_a_wrong_password_changed_meanwhile_still_goes_through(Engine engine)
    {
        // The administrator's deactivation has read the account, and is held there.
        var gate = new QueryGate("accounts", "\"PersonId\" = @");
        await using var factory = new UpstanderFactory(engine) { TestServices = gate.Register };
        var (org, leader, admin, page, adminToken) = await DeactivationFormAsync(factory, "Busy Account Org");
        var before = await AccountAsync(factory, leader);

        gate.Arm();
        var deactivation = admin.PostWithTokenAsync(page + "?handler=Deactivate", adminToken);
        await gate.ReachedAsync();

        // Meanwhile someone tries a wrong password, which Identity counts on the account (a new concurrency stamp).
        var wrong = await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = leader.Email, ["Password"] = "a wrong guess" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await AccountAsync(factory, leader)).AccessFailedCount.ShouldBe(before.AccessFailedCount + 1);

        // The deactivation goes on from its older copy: it is not lost, nor does it fail; the failure stays counted.
        gate.Open();
        var answer = await deactivation;
        answer.StatusCode.ShouldBe(HttpStatusCode.Redirect, await answer.Content.ReadAsStringAsync());
        answer.Headers.Location!.OriginalString.ShouldBe(page + "?saved=deactivated");
        var after = await AccountAsync(factory, leader);
        after.DeactivatedAt.ShouldNotBeNull();
        after.DeactivatedBecause.ShouldBe(DeactivationReason.Administrator);
        after.SecurityStamp.ShouldNotBe(before.SecurityStamp);
        after.AccessFailedCount.ShouldBe(before.AccessFailedCount + 1);
        var events = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == AuditActions.AccountDeactivated && e.TargetId == leader.AccountId.ToString("N")).CountAsync());
        events.ShouldBe(1);
    }

    /// <summary>An organisation whose administrator has the Leader's person page open, with the form's token.</summary>
    private static async Task<(TestOrganisation Org, TestAccount Leader, HttpClient Admin, string Page, string Token)> DeactivationFormAsync(UpstanderFactory factory, string name)
    {
        var org = await factory.CreateOrganisationAsync(name);
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        var page = $"/admin/people/{org[Roles.Leader].PersonId:D}";
        return (org, org[Roles.Leader], admin, page, await admin.AntiforgeryTokenAsync(page));
    }

    private static Task<Account> AccountAsync(UpstanderFactory factory, TestAccount account) =>
        factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Users.AsNoTracking().SingleAsync(a => a.Id == account.AccountId));
}
