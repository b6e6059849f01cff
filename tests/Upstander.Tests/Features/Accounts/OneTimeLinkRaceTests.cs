using System.Net;
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
/// One invitation or password link sent twice at the same moment (a double click, two tabs, two people holding the link):
/// one post uses it, the other is told it was already used, and neither fails.
/// </summary>
public sealed class OneTimeLinkRaceTests
{
    private const string FirstPassword = "lantern orchard pebble violin";
    private const string SecondPassword = "harbour kettle meadow lantern";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_acceptances_of_one_invitation_at_once_make_one_account_and_tell_the_other_it_was_used(Engine engine)
    {
        // Both posts find the invitation unused, and the person without an account, before either creates one.
        var (barrier, factory, org, personId, link) = await InvitedAsync(engine, "Twice Invited Org", "Tess Twice", "tess@twice.example");
        await using var _ = factory;

        var path = AccountsTestKit.PathOf(link);
        var (answers, browsers) = await PostTwiceAsync(barrier, [path, path], factory.Browser(), factory.Browser());

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.Redirect, HttpStatusCode.Gone], ignoreOrder: true);
        var won = answers[0].StatusCode == HttpStatusCode.Redirect ? 0 : 1;
        (await BodyAsync(answers[1 - won])).ShouldContain("It has already been used to set up an account.");
        (await browsers[won].GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "the acceptance that won signed its browser in");
        var (accounts, accepted) = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            return (await db.Users.CountAsync(a => a.PersonId == personId), await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvitationAccepted));
        });
        (accounts, accepted).ShouldBe((1, 1));
        (await SignInAsync(factory, "tess@twice.example", won == 0 ? FirstPassword : SecondPassword)).ShouldBe(HttpStatusCode.Redirect);
        (await SignInAsync(factory, "tess@twice.example", won == 0 ? SecondPassword : FirstPassword)).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_posts_of_one_password_link_at_once_set_one_password_and_tell_the_other_it_was_used(Engine engine)
    {
        // Both posts find the link unused before either sets a password.
        var barrier = new ReadBarrier("password_resets", marker: "TokenHash");
        await using var factory = new UpstanderFactory(engine) { TestServices = barrier.Register };
        var org = await factory.CreateOrganisationAsync("Twice Reset Org");
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        var employee = org[Roles.Employee];
        var path = await admin.GivePasswordLinkAsync(employee);

        var (answers, _) = await PostTwiceAsync(barrier, [path, path], factory.Browser(), factory.Browser());

        await OnePasswordSetAsync(factory, org.Id, employee, answers, "It has already been used to set a new password.");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_posts_of_two_links_for_one_account_at_once_set_one_password_and_tell_the_other_its_link_was_withdrawn(Engine engine)
    {
        // Two issuances at once can leave two working links for one account; both posts find their own link before either
        // sets a password.
        var barrier = new ReadBarrier("password_resets", marker: "TokenHash");
        await using var factory = new UpstanderFactory(engine) { TestServices = barrier.Register };
        var org = await factory.CreateOrganisationAsync("Two Links Org");
        var employee = org[Roles.Employee];
        var links = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var made = new[] { PasswordReset.Create(org.Id, employee.AccountId, null, factory.Clock.GetUtcNow()), PasswordReset.Create(org.Id, employee.AccountId, null, factory.Clock.GetUtcNow()) };
            db.AddRange(made.Select(m => m.Reset));
            await db.SaveChangesAsync();
            return made;
        });

        var (answers, _) = await PostTwiceAsync(barrier, [.. links.Select(l => AccountRecovery.ResetPath + "?token=" + Uri.EscapeDataString(l.Token))],
            factory.Browser(), factory.Browser());

        var won = await OnePasswordSetAsync(factory, org.Id, employee, answers, "or a new password was set with another link, so this one stopped working.");
        var resets = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<PasswordReset>().ToDictionaryAsync(r => r.Id));
        resets[links[won].Reset.Id].UsedAt.ShouldNotBeNull();
        (resets[links[1 - won].Reset.Id].UsedAt, resets[links[1 - won].Reset.Id].WithdrawnAt is null).ShouldBe((null, false), "the other link was withdrawn, not used");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_password_link_posted_as_its_account_is_deactivated_sets_nothing_and_says_the_account_stopped(Engine engine)
    {
        // The post has found the link, and the account active (its person's leave date, read last, has not come), when an
        // administrator deactivates the account.
        var gate = new QueryGate("people", "\"LeaveDate\"");
        await using var factory = new UpstanderFactory(engine) { TestServices = gate.Register };
        var org = await factory.CreateOrganisationAsync("Stopped Meanwhile Org");
        var admin = await factory.SignInForApiAsync(org[Roles.Admin]);
        var employee = org[Roles.Employee];
        var path = await admin.GivePasswordLinkAsync(employee);
        var browser = factory.Browser();
        var token = await browser.AntiforgeryTokenAsync(path);
        var hashBefore = await factory.PasswordHashAsync(employee);

        gate.Arm();
        var posting = browser.PostWithTokenAsync(path, token, ("Password", FirstPassword), ("ConfirmPassword", FirstPassword));
        await gate.ReachedAsync();
        (await admin.PostAsync($"/api/v1/people/{employee.PersonId:D}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        gate.Open();
        var answer = await posting;

        answer.StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await BodyAsync(answer)).ShouldContain("The account is no longer active, so no password can be set for it.");
        (await factory.PasswordHashAsync(employee)).ShouldBe(hashBefore);
        var (used, reset) = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            return (await db.Set<PasswordReset>().CountAsync(r => r.UsedAt != null), await db.AuditEvents.CountAsync(e => e.Action == AuditActions.PasswordReset));
        });
        (used, reset).ShouldBe((0, 0));
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_passkey_acceptances_of_one_invitation_at_once_make_one_account_and_tell_the_other_it_cannot_be_used(Engine engine)
    {
        // Both browsers have run the ceremony for the invitation; both posts find it unused before either creates the account.
        var (barrier, factory, org, personId, link) = await InvitedAsync(engine, "Twice Passkey Org", "Pip Passkey", "pip@twice.example");
        await using var _ = factory;
        var token = AccountsTestKit.TokenOf(link);
        using var firstDevice = new SoftwarePasskey();
        using var secondDevice = new SoftwarePasskey();
        var devices = new[] { firstDevice, secondDevice };
        var browsers = new[] { factory.Browser(), factory.Browser() };
        var credentials = new object[2];
        for (var i = 0; i < 2; i++)
        {
            browsers[i].DefaultRequestHeaders.Add("RequestVerificationToken", await browsers[i].AntiforgeryTokenAsync(AccountsTestKit.PathOf(link)));
            var options = await browsers[i].PostJsonAsync("/account/invitation/passkey/creation-options", new { token });
            options.StatusCode.ShouldBe(HttpStatusCode.OK);
            credentials[i] = devices[i].Create(await options.Content.ReadAsStringAsync());
        }

        barrier.Arm();
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => browsers[i].PostJsonAsync("/account/invitation/passkey", new { token, credential = credentials[i] })));

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.OK, HttpStatusCode.Gone], ignoreOrder: true);
        var won = answers[0].StatusCode == HttpStatusCode.OK ? 0 : 1;
        (await answers[1 - won].Content.ReadAsStringAsync()).ShouldContain("This invitation link cannot be used. It has already been used to set up an account.");
        (await browsers[won].GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK, "the acceptance that won signed its browser in");
        (await browsers[1 - won].GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the other browser is not signed in");
        var (accounts, passkeys, accepted, added) = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            return (await db.Users.CountAsync(a => a.PersonId == personId), await db.Set<IdentityUserPasskey<Guid>>().CountAsync(),
                await db.AuditEvents.CountAsync(e => e.Action == AuditActions.InvitationAccepted), await db.AuditEvents.CountAsync(e => e.Action == AuditActions.PasskeyAdded));
        });
        (accounts, accepted, added).ShouldBe((1, 1, 1));
        passkeys.ShouldBe(1, "only the winning device's passkey was kept");
    }

    /// <summary>
    /// A host holding reads of invitations by their token at a barrier once it is armed, an organisation, and a person
    /// invited there as an employee, with the link.
    /// </summary>
    private static async Task<(ReadBarrier Barrier, UpstanderFactory Factory, TestOrganisation Org, Guid PersonId, string Link)> InvitedAsync(
        Engine engine, string organisation, string name, string email)
    {
        var barrier = new ReadBarrier("invitations", marker: "TokenHash");
        var factory = new UpstanderFactory(engine) { TestServices = barrier.Register };
        var org = await factory.CreateOrganisationAsync(organisation);
        var personId = await factory.AddPersonAsync(org.Id, name, email);
        return (barrier, factory, org, personId, await (await factory.SignInForApiAsync(org[Roles.Admin])).InviteAsync(personId, Roles.Employee));
    }

    /// <summary>Each browser posts a password (one each) to its path (the same link, or a link each) at once, with the barrier armed.</summary>
    private static async Task<(HttpResponseMessage[] Answers, HttpClient[] Browsers)> PostTwiceAsync(ReadBarrier barrier, string[] paths, params HttpClient[] browsers) =>
        (await AccountsTestKit.PostPasswordsAtOnceAsync(barrier, (browsers[0], paths[0], FirstPassword), (browsers[1], paths[1], SecondPassword)), browsers);

    /// <summary>
    /// One post set its password (the page says so), the other was refused (410) with <paramref name="refusal"/>; only the
    /// winner's password signs in, and one password reset is audited. Returns which post won.
    /// </summary>
    private static async Task<int> OnePasswordSetAsync(UpstanderFactory factory, Guid organisationId, TestAccount account, HttpResponseMessage[] answers, string refusal)
    {
        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.OK, HttpStatusCode.Gone], ignoreOrder: true);
        var won = answers[0].StatusCode == HttpStatusCode.OK ? 0 : 1;
        (await BodyAsync(answers[won])).ShouldContain("Your new password is set");
        (await BodyAsync(answers[1 - won])).ShouldContain(refusal);
        (await SignInAsync(factory, account.Email, won == 0 ? FirstPassword : SecondPassword)).ShouldBe(HttpStatusCode.Redirect);
        (await SignInAsync(factory, account.Email, won == 0 ? SecondPassword : FirstPassword)).ShouldBe(HttpStatusCode.BadRequest);
        (await factory.InScopeAsync(organisationId, s => s.GetRequiredService<AppDbContext>().AuditEvents.CountAsync(e => e.Action == AuditActions.PasswordReset)))
            .ShouldBe(1);
        return won;
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static async Task<HttpStatusCode> SignInAsync(UpstanderFactory factory, string email, string password) =>
        (await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = email, ["Password"] = password })).StatusCode;
}
