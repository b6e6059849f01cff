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
        var barrier = new ReadBarrier("invitations", marker: "TokenHash");
        await using var factory = new UpstanderFactory(engine) { TestServices = barrier.Register };
        var org = await factory.CreateOrganisationAsync("Twice Invited Org");
        var admin = await factory.SignInForApiAsync(org[Roles.Admin]);
        var personId = await factory.AddPersonAsync(org.Id, "Tess Twice", "tess@twice.example");
        var path = AccountsTestKit.PathOf(await admin.InviteAsync(personId, Roles.Employee));

        var (answers, browsers) = await PostTwiceAsync(barrier, path, factory.Browser(), factory.Browser());

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

        var (answers, _) = await PostTwiceAsync(barrier, path, factory.Browser(), factory.Browser());

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.OK, HttpStatusCode.Gone], ignoreOrder: true);
        var won = answers[0].StatusCode == HttpStatusCode.OK ? 0 : 1;
        (await BodyAsync(answers[won])).ShouldContain("Your new password is set");
        (await BodyAsync(answers[1 - won])).ShouldContain("It has already been used to set a new password.");
        (await SignInAsync(factory, employee.Email, won == 0 ? FirstPassword : SecondPassword)).ShouldBe(HttpStatusCode.Redirect);
        (await SignInAsync(factory, employee.Email, won == 0 ? SecondPassword : FirstPassword)).ShouldBe(HttpStatusCode.BadRequest);
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.CountAsync(e => e.Action == AuditActions.PasswordReset)))
            .ShouldBe(1);
    }

    /// <summary>Each browser loads the page for its form token; then, with the barrier armed, both post a password (one each) at once.</summary>
    private static async Task<(HttpResponseMessage[] Answers, HttpClient[] Browsers)> PostTwiceAsync(ReadBarrier barrier, string path, params HttpClient[] browsers)
    {
        var tokens = new[] { await browsers[0].AntiforgeryTokenAsync(path), await browsers[1].AntiforgeryTokenAsync(path) };
        barrier.Arm();
        var answers = await Task.WhenAll(
            browsers[0].PostWithTokenAsync(path, tokens[0], ("Password", FirstPassword), ("ConfirmPassword", FirstPassword)),
            browsers[1].PostWithTokenAsync(path, tokens[1], ("Password", SecondPassword), ("ConfirmPassword", SecondPassword)));
        return (answers, browsers);
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static async Task<HttpStatusCode> SignInAsync(UpstanderFactory factory, string email, string password) =>
        (await factory.Browser().PostFormAsync("/account/sign-in", new() { ["Email"] = email, ["Password"] = password })).StatusCode;
}
