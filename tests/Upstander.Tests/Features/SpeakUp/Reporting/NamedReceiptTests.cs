using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>
/// A named reporter sets up a receipt so that they can follow their report without their account: after they leave,
/// their messages still reach them and they can answer.
/// </summary>
public sealed class NamedReceiptTests
{
    private const string ReadsByReceipt = "they set up a receipt for this report, so they can still read and answer";
    private const string CannotRead = "so they cannot read what is sent on this page";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_named_reporter_who_leaves_still_reads_and_answers_with_the_receipt_they_set_up(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings(("PublicUrl", "https://upstander.example.org")));
        var org = await factory.CreateOrganisationAsync("Receipt Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var account = Canary.New("account");
        var page = await ReportingKit.SendNamedAsync(me, ReportingKit.Report(account));
        var id = ReportingKit.IdOf(page);
        await ReportingKit.AssignToCaseManagerAsync(factory, org);
        var slug = await ReportingKit.SlugAsync(factory, org);
        (await me.GetStringAsync(page)).ShouldContain("Follow this report without signing in");

        // Setting one up answers with the receipt and the full address of the follow-up page, once.
        var passphrase = Canary.New("passphrase");
        var issued = await me.PostFormAsync(page + "?handler=Receipt", new() { ["ReceiptPassphrase"] = passphrase, ["ReceiptPassphraseConfirmation"] = passphrase }, tokenFrom: page);
        var html = await issued.Content.ReadAsStringAsync();
        issued.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        var receipt = ReportingKit.ReceiptFrom(html);
        html.ShouldContain($"https://upstander.example.org/report/{slug}/follow-up");
        (await me.GetStringAsync(page)).ShouldNotContain(receipt, customMessage: "the receipt is shown once");
        (await me.GetStringAsync(page)).ShouldContain("You have a receipt for this report.");

        var stored = await ReportingKit.StoredAsync(factory);
        foreach (var secret in new[] { passphrase, receipt.Replace(" ", "", StringComparison.Ordinal) })
        {
            Canary.Contains(stored, secret).ShouldBeFalse($"{secret} is in the stored data");
            factory.Logs.All.ShouldNotContain(secret);
        }
        var audited = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == ReportingAudit.ReceiptIssued).ToListAsync());
        audited.ShouldHaveSingleItem().TargetId.ShouldBe(id.ToString("N"));

        // The person leaves. The case manager learns that messages still reach them; the receipt opens the report.
        var api = await factory.ApiClientAsync(org, org[Roles.Admin]);
        (await api.PostAsync($"/api/v1/people/{org[Roles.Employee].PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var caseManager = await factory.SignInAsync(org[Roles.CaseManager]);
        var casePage = await caseManager.GetStringAsync($"/cases/{id:D}");
        casePage.ShouldContain(ReadsByReceipt);
        casePage.ShouldNotContain(CannotRead);
        var question = Canary.New("question");
        (await caseManager.PostFormAsync($"/cases/{id:D}?handler=Send", new() { ["Body"] = question }, tokenFrom: $"/cases/{id:D}")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var leaver = factory.Browser();
        var opened = await leaver.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = receipt, ["Passphrase"] = passphrase });
        opened.Headers.Location!.OriginalString.ShouldBe($"/report/{slug}/follow-up/case");
        var followUp = await leaver.GetStringAsync($"/report/{slug}/follow-up/case");
        followUp.ShouldContain(account);
        followUp.ShouldContain(question);
        var answer = Canary.New("answer");
        (await leaver.PostFormAsync($"/report/{slug}/follow-up/case?handler=Reply", new() { ["Reply"] = answer }, tokenFrom: $"/report/{slug}/follow-up/case"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await caseManager.GetStringAsync($"/cases/{id:D}")).ShouldContain(answer);
    }

    [Fact]
    public async Task A_new_receipt_replaces_the_old_one_and_withdrawing_it_ends_what_it_opened()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Replace Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var page = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("What happened"));
        var slug = await ReportingKit.SlugAsync(factory, org);
        const string First = "first passphrase here", Second = "second passphrase here";

        var firstReceipt = await IssueAsync(me, page, First);
        var session = factory.Browser();
        (await session.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = firstReceipt, ["Passphrase"] = First })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await session.GetAsync($"/report/{slug}/follow-up/case")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var secondReceipt = await IssueAsync(me, page, Second);
        secondReceipt.ShouldNotBe(firstReceipt);
        (await session.GetAsync($"/report/{slug}/follow-up/case")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the replaced receipt's session has ended");
        var other = factory.Browser();
        (await other.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = firstReceipt, ["Passphrase"] = First })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await other.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = secondReceipt, ["Passphrase"] = Second })).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var withdrawn = await me.PostFormAsync(page + "?handler=WithdrawReceipt", [], tokenFrom: page);
        withdrawn.Headers.Location!.OriginalString.ShouldBe(page + "?done=receipt-withdrawn#receipt-heading");
        (await me.GetStringAsync(page)).ShouldNotContain("You have a receipt for this report.");
        (await other.GetAsync($"/report/{slug}/follow-up/case")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "withdrawing ends the sessions it opened");
        (await factory.Browser().PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = secondReceipt, ["Passphrase"] = Second }))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var report = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync());
        (report.ReceiptLookup, report.PassphraseHash).ShouldBe((null, null));
        var actions = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action.StartsWith("speak-up.receipt-")).OrderBy(e => e.Sequence).Select(e => new { e.Action, e.Detail }).ToListAsync());
        actions.Select(a => (a.Action, a.Detail)).ShouldBe([(ReportingAudit.ReceiptIssued, null), (ReportingAudit.ReceiptIssued, "replaced"), (ReportingAudit.ReceiptWithdrawn, null)]);
    }

    [Fact]
    public async Task Bad_passphrases_and_other_peoples_reports_change_nothing()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Refuse Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var page = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("What happened"));

        foreach (var (passphrase, confirmation, message) in new[]
        {
            ("too short", "too short", "Choose a passphrase of at least 12 characters."),
            ("a long enough passphrase", "another long passphrase", "The two passphrases are not the same."),
            (new string('x', ReportRules.PassphraseMaxLength + 1), new string('x', ReportRules.PassphraseMaxLength + 1), "Choose a passphrase of at least 12 characters."),
            ("", "", "Choose a passphrase of at least 12 characters."),
        })
        {
            var refused = await me.PostFormAsync(page + "?handler=Receipt", new() { ["ReceiptPassphrase"] = passphrase, ["ReceiptPassphraseConfirmation"] = confirmation }, tokenFrom: page);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await refused.Content.ReadAsStringAsync()).ShouldContain(message);
        }
        (await me.PostFormAsync(page + "?handler=WithdrawReceipt", [], tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "there is no receipt to withdraw");

        var someoneElse = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await someoneElse.PostFormAsync(page + "?handler=Receipt", new() { ["ReceiptPassphrase"] = "a long enough passphrase", ["ReceiptPassphraseConfirmation"] = "a long enough passphrase" }, tokenFrom: "/speak-up"))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var report = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync());
        report.HasReceipt.ShouldBeFalse();
        report.ReceiptLookup.ShouldBeNull();
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.CountAsync(e => e.Action.StartsWith("speak-up.receipt-")))).ShouldBe(0);
    }

    [Fact]
    public async Task An_anonymous_reports_receipt_cannot_be_withdrawn_and_erased_content_takes_no_receipt()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Rules Org");
        var anonymous = ReportRecord.Receive(org.Id, ReportWay.Anonymous, null, true, "Grey Owl", "exclusion", null, null, factory.Clock.GetUtcNow());
        Should.Throw<InvalidOperationException>(anonymous.WithdrawReceipt);

        var me = await factory.SignInAsync(org[Roles.Employee]);
        var page = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("What happened"));
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var report = await db.Set<ReportRecord>().SingleAsync();
            report.MoveTo(ReportStatus.Closed, factory.Clock.GetUtcNow());
            report.EraseContent(factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        (await me.GetStringAsync(page)).ShouldNotContain("Follow this report without signing in");
        var refused = await me.PostFormAsync(page + "?handler=Receipt", new() { ["ReceiptPassphrase"] = "a long enough passphrase", ["ReceiptPassphraseConfirmation"] = "a long enough passphrase" }, tokenFrom: page);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync())).HasReceipt.ShouldBeFalse();
    }

    [Fact]
    public async Task Someone_with_a_leave_date_is_reminded_until_their_open_reports_have_receipts()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Leaving Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var page = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("What happened"));
        const string Reminder = "To keep following an open report after you leave, open it and set up a receipt.";
        (await me.GetStringAsync("/speak-up/reports")).ShouldNotContain(Reminder, customMessage: "no leave date, no reminder");

        var leave = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(20);
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var person = await db.People.SingleAsync(p => p.Id == org[Roles.Employee].PersonId);
            person.Apply(new(person.Name, person.WorkEmail, person.EmployeeId, null, person.Team, null, person.Location,
                person.PreferredLanguage, person.StartDate, leave), factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        var list = await me.GetStringAsync("/speak-up/reports");
        list.ShouldContain(Reminder);
        list.ShouldContain($"Your leave date is {leave:d MMMM yyyy}.");

        await IssueAsync(me, page, "a passphrase for later");
        list = await me.GetStringAsync("/speak-up/reports");
        list.ShouldNotContain(Reminder, customMessage: "every open report has a receipt now");
        list.ShouldContain("<td>Set up</td>");
    }

    private static async Task<string> IssueAsync(HttpClient client, string page, string passphrase)
    {
        var issued = await client.PostFormAsync(page + "?handler=Receipt", new() { ["ReceiptPassphrase"] = passphrase, ["ReceiptPassphraseConfirmation"] = passphrase }, tokenFrom: page);
        var html = await issued.Content.ReadAsStringAsync();
        issued.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        return ReportingKit.ReceiptFrom(html);
    }
}
