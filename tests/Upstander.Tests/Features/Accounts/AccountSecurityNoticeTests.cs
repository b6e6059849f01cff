using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.Features.People;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Accounts;

/// <summary>
/// The owner of an account is emailed whenever the way it signs in changes (a passkey added, the password changed,
/// new recovery codes, two-factor turned off by an administrator), at the account's own address, saying what changed
/// and what to do if it was not them, and nothing else. Without a mail server nothing is queued and the change works.
/// </summary>
public sealed partial class AccountSecurityNoticeTests : IAsyncLifetime
{
    private const string Subject = "Notice Org: how your account signs in has changed";
    private const string NewPassword = "quiet meadow copper kettle";
    private readonly SmtpSink _sink = new();

    [Fact]
    public async Task Each_change_to_how_an_account_signs_in_is_emailed_to_its_owner_and_says_nothing_else()
    {
        await using var factory = new UpstanderFactory(settings: _sink.Settings());
        var org = await factory.CreateOrganisationAsync("Notice Org");
        var employee = org[Roles.Employee];
        var coordinator = org[Roles.Coordinator];

        var session = await factory.SignInForApiAsync(employee);
        using var device = new SoftwarePasskey();
        (await session.AddPasskeyAsync(device, "Laptop")).StatusCode.ShouldBe(HttpStatusCode.Created);
        var passkey = await NoticeAsync(employee, "A passkey was added to your Upstander account at Notice Org, on ");
        passkey.ShouldContain("It signs in without a password.");

        (await session.PostFormAsync("/account?handler=Password", new()
        {
            ["CurrentPassword"] = UpstanderFactory.Password,
            ["NewPassword"] = NewPassword,
            ["ConfirmPassword"] = NewPassword,
        }, tokenFrom: "/account")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await NoticeAsync(employee, "The password of your Upstander account at Notice Org was changed on ");

        var coordinatorSession = await factory.SignInAsync(coordinator);
        (await coordinatorSession.PostFormAsync($"{TwoFactorRequirement.SetupPath}?handler=RecoveryCodes", new(), tokenFrom: TwoFactorRequirement.SetupPath))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await NoticeAsync(coordinator, "New recovery codes were made for your Upstander account at Notice Org on ");

        var admin = await factory.SignInAsync(org[Roles.Admin]);
        (await admin.PostFormAsync($"/admin/people/{coordinator.PersonId:D}?handler=TwoFactorOff", new())).StatusCode.ShouldBe(HttpStatusCode.OK);
        await NoticeAsync(coordinator, "An administrator turned off two-factor sign-in for your Upstander account at Notice Org on ");
        // Posted again (the answer is a page, so a reload posts it again): two-factor is already off, nothing changes and
        // no second notice says it did.
        (await admin.PostFormAsync($"/admin/people/{coordinator.PersonId:D}?handler=TwoFactorOff", new())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().AuditEvents.IgnoreQueryFilters()
            .CountAsync(e => e.Action == AuditActions.TwoFactorTurnedOffByAdministrator))).ShouldBe(1);

        // One email per change, each to the account's own address, and none to anyone else (the administrator included).
        var notices = _sink.Received.Where(m => m.Subject == Subject).ToList();
        notices.Count.ShouldBe(4);
        notices.Count(m => To(m) == employee.Email).ShouldBe(2);
        notices.Count(m => To(m) == coordinator.Email).ShouldBe(2);
        (await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Set<OutgoingMail>().IgnoreQueryFilters()
            .CountAsync(m => m.Purpose == AccountSecurityNotices.MailPurpose))).ShouldBe(4);
    }

    [Fact]
    public async Task Two_factor_turned_off_by_its_owner_is_told_once_and_a_password_set_with_a_link_is_told_too()
    {
        await using var factory = new UpstanderFactory(settings: _sink.Settings());
        var org = await factory.CreateOrganisationAsync("Notice Org");
        await AheadOfUtc.PlaceAsync(factory, org.Id, "America/New_York");
        var employee = org[Roles.Employee];
        var session = await factory.SignInAsync(employee);
        var key = AccountsTestKit.AuthenticatorKey(await session.GetStringAsync(TwoFactorRequirement.SetupPath));
        (await session.PostFormAsync(TwoFactorRequirement.SetupPath, new() { ["Code"] = Totp.Code(key) })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The form sent twice (a double click, or again after going back): one change, one notice.
        var token = await session.AntiforgeryTokenAsync(TwoFactorRequirement.SetupPath);
        for (var i = 0; i < 2; i++)
        {
            (await session.PostWithTokenAsync($"{TwoFactorRequirement.SetupPath}?handler=Disable", token)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        await NoticeAsync(employee, "Two-factor sign-in was turned off for your Upstander account at Notice Org on ");

        // A link an administrator made, used by someone not signed in: the owner is told at their own address.
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        var html = await (await admin.PostFormAsync($"/admin/people/{employee.PersonId:D}?handler=PasswordLink", new())).Content.ReadAsStringAsync();
        var link = new Uri(WebUtility.HtmlDecode(LinkRegex().Match(html).Value)).PathAndQuery;
        (await factory.Browser().PostFormAsync(link, new() { ["Password"] = NewPassword, ["ConfirmPassword"] = NewPassword })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var reset = await NoticeAsync(employee, "A new password was set for your Upstander account at Notice Org with a password link on ");
        reset.ShouldContain(" New York time.", Case.Sensitive, "the organisation's time, though the link was used by someone not signed in");

        var notices = _sink.Received.Where(m => m.Subject == Subject).ToList();
        notices.Count.ShouldBe(2, string.Join(" | ", notices.Select(m => m.TextBody)));
    }

    [Fact]
    public async Task A_new_sign_in_address_is_told_to_the_address_it_leaves()
    {
        await using var factory = new UpstanderFactory(settings: _sink.Settings());
        var org = await factory.CreateOrganisationAsync("Notice Org");
        var employee = org[Roles.Employee];
        var person = (await factory.PeopleAsync(org.Id)).Single(p => p.Id == employee.PersonId);
        var admin = await factory.SignInAsync(org[Roles.Admin]);
        (await admin.ApiSendAsync(HttpMethod.Put, $"/api/v1/people/{employee.PersonId}",
            new PersonEditRequest(person.Name, "ruth.new@notice.example", person.EmployeeId, null, null, null, null, null, null, null))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var told = await NoticeAsync(employee, "The address your Upstander account at Notice Org signs in with was changed on ");
        told.ShouldContain("Emails about your account now go to the new address, not this one.");
        told.ShouldNotContain("ruth.new", Case.Insensitive, "the new address is not sent to the old one");
        _sink.Received.Where(m => m.Subject == Subject).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Without_a_mail_server_nothing_is_queued_and_the_change_is_made()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Quiet Org");
        var session = await factory.SignInForApiAsync(org[Roles.Employee]);
        using var device = new SoftwarePasskey();
        (await session.AddPasskeyAsync(device, "Laptop")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await factory.PasskeyCountAsync(org[Roles.Employee])).ShouldBe(1);
        (await factory.InScopeAsync(null, s => s.GetRequiredService<AppDbContext>().Set<OutgoingMail>().IgnoreQueryFilters().CountAsync())).ShouldBe(0);
    }

    /// <summary>The notice to <paramref name="account"/> that says <paramref name="says"/>: what to do, the link, and no word about anything they do in Upstander.</summary>
    private async Task<string> NoticeAsync(TestAccount account, string says)
    {
        var mail = await _sink.WaitForAsync(m => To(m) == account.Email && m.TextBody?.Contains(says, StringComparison.Ordinal) == true, TimeSpan.FromSeconds(30));
        mail.Subject.ShouldBe(Subject);
        var body = mail.TextBody!;
        body.ShouldContain("If this was you, there is nothing to do.");
        body.ShouldContain("If it was not you, sign in now, remove any passkey you do not recognise");
        body.ShouldContain("/account\n");
        foreach (var word in new[] { "support", "report", "case", "conversation", "training" })
        {
            body.ShouldNotContain(word, Case.Insensitive);
        }
        return body;
    }

    [GeneratedRegex(@"https?://[^\s""<]+/account/reset-password\?token=[^\s""<&]+")]
    private static partial Regex LinkRegex();

    private static string To(MimeMessage message) => message.To.Mailboxes.Single().Address;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _sink.DisposeAsync();
}
