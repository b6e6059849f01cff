using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>
/// Administrators read the audit log, so it must never tie an account to a report whose author is held back: not when
/// someone sends an anonymous report from the browser they are signed in with, and not for what the author of a held
/// named report does afterwards.
/// </summary>
public sealed class ReporterAuditTests
{
    [Fact]
    public async Task An_anonymous_report_sent_and_followed_from_a_signed_in_browser_is_not_tied_to_the_account()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Signed In Org");
        var employee = org[Roles.Employee];
        var browser = await factory.SignInAsync(employee);
        var slug = await ReportingKit.SlugAsync(factory, org);
        const string Passphrase = "a passphrase for the anonymous report";

        var form = await browser.GetStringAsync($"/report/{slug}");
        form.ShouldNotContain("Sign out", customMessage: "the anonymous pages do not know who is signed in");
        var sent = await browser.PostMultipartAsync($"/report/{slug}", ReportingKit.Report("Sent while signed in", "exclusion",
            ("Input.Passphrase", Passphrase), ("Input.PassphraseConfirmation", Passphrase)), [("note.txt", "a file"u8.ToArray())]);
        var html = await sent.Content.ReadAsStringAsync();
        sent.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldNotContain("Sign out");
        var receipt = ReportingKit.ReceiptFrom(html);

        (await browser.PostFormAsync($"/report/{slug}/follow-up", new() { ["Receipt"] = receipt, ["Passphrase"] = Passphrase })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var casePage = await browser.GetStringAsync($"/report/{slug}/follow-up/case");
        (await browser.GetAsync(ReportingKit.FileLinks(casePage).ShouldHaveSingleItem())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.PostFormAsync($"/report/{slug}/follow-up/case?handler=Reply", new() { ["Reply"] = "More detail" }, tokenFrom: $"/report/{slug}/follow-up/case"))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await browser.GetStringAsync("/")).ShouldContain("Sign out", customMessage: "the rest of the site still knows them");

        var report = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync());
        var events = await EventsAsync(factory, org);
        var afterSignIn = events.SkipWhile(e => e.Action != AuditActions.SignIn).Skip(1).ToList();
        afterSignIn.Select(e => e.Action).ShouldContain("speak-up.report-sent");
        afterSignIn.ShouldAllBe(e => e.ActorId == null, "nothing the visitor did on the anonymous pages names their account");
        afterSignIn.Where(e => e.TargetId == report.Id.ToString("N")).Select(e => e.ActorKind).Distinct().ShouldBe([AuditLog.HiddenReporter, "anonymous"], ignoreOrder: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task What_the_author_of_a_held_named_report_does_is_audited_without_their_account(bool held)
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Held Org");
        var employee = org[Roles.Employee];
        var me = await factory.SignInAsync(employee);
        var fields = ReportingKit.Report("Sent with my name");
        if (held)
        {
            fields.Add(("Input.HoldIdentity", "true"));
        }
        var page = await ReportingKit.SendNamedAsync(me, fields, [("note.txt", "a file"u8.ToArray())]);
        var html = await me.GetStringAsync(page);
        (await me.GetAsync(ReportingKit.FileLinks(html).ShouldHaveSingleItem())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await me.PostFormAsync(page + "?handler=Reply", new() { ["Reply"] = "More detail" }, tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await me.PostFormAsync(page + "?handler=Receipt", new() { ["ReceiptPassphrase"] = "a passphrase for later", ["ReceiptPassphraseConfirmation"] = "a passphrase for later" }, tokenFrom: page))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        factory.Clock.Advance(TimeSpan.FromDays(31));
        me = await factory.SignInAsync(employee);
        (await me.PostFormAsync(page + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "no" }, tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var report = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync());
        var fileId = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<Upstander.Features.SpeakUp.Reporting.ReportFile>().Select(f => f.Id).SingleAsync());
        var events = (await EventsAsync(factory, org)).Where(e => e.TargetId == report.Id.ToString("N") || e.TargetId == fileId.ToString("N")).ToList();
        events.Select(e => e.Action).Distinct().ShouldBe(
            ["speak-up.report-sent", AuditActions.ProtectedRead, "speak-up.reporter-message", "speak-up.receipt-issued", "speak-up.retaliation-check-in"], ignoreOrder: true);
        if (held)
        {
            events.ShouldAllBe(e => e.ActorId == null && e.ActorKind == AuditLog.HiddenReporter);
            var admin = await factory.SignInAsync(org[Roles.Admin]);
            (await admin.GetStringAsync("/admin/audit?action=speak-up.report-sent")).ShouldContain("Someone speaking up (not named in this log)");
        }
        else
        {
            events.ShouldAllBe(e => e.ActorId == employee.AccountId, "case managers see who sent it, so the log may too");
        }
    }

    [Fact]
    public async Task A_held_named_report_that_a_routing_rule_sends_to_a_case_manager_is_routed_by_the_system_not_by_its_author()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Routed Held Org");
        var employee = org[Roles.Employee];
        var caseManager = org[Roles.CaseManager].PersonId;
        await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            db.Add(RoutingRule.Create(org.Id, 1, "intimidation", null, null, caseManager, factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        var me = await factory.SignInAsync(employee);
        await ReportingKit.SendNamedAsync(me, ReportingKit.Report("Sent with my name held back", "intimidation", ("Input.HoldIdentity", "true")));

        var report = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportRecord>().SingleAsync());
        report.IdentityHeld.ShouldBeTrue();
        report.AssigneeId.ShouldBe(caseManager, "the rule matched and routed it inside the author's request");
        var events = (await EventsAsync(factory, org)).Where(e => e.TargetId == report.Id.ToString("N")).ToList();
        events.Select(e => e.Action).ShouldBe(["speak-up.report-sent", CaseAudit.Routed], ignoreOrder: true);
        events.ShouldAllBe(e => e.ActorId == null, "no account beside a held-back report, not even for what its sending set running");
        events.Single(e => e.Action == CaseAudit.Routed).ActorKind.ShouldBe(CurrentActor.SystemKind);
        (await EventsAsync(factory, org)).ShouldNotContain(e => e.ActorId == employee.AccountId && e.Action.StartsWith("speak-up.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keeping_a_journal_and_drafting_a_report_are_audited_without_the_account()
    {
        await using var factory = new UpstanderFactory(Engine.Sqlite, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Journal Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        (await me.PostFormAsync("/speak-up/journal", new() { ["Text"] = "He shouted at me again" })).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await me.PostMultipartAsync("/speak-up/report?handler=SaveDraft", ReportingKit.Report("Not ready yet"), tokenFrom: "/speak-up/report")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await me.PostFormAsync("/speak-up/report?handler=DiscardDraft", [], tokenFrom: "/speak-up/report")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var events = (await EventsAsync(factory, org)).Where(e => e.Action.StartsWith("speak-up.", StringComparison.Ordinal)).ToList();
        events.Select(e => e.Action).ShouldBe(["speak-up.journal-written", "speak-up.draft-saved", "speak-up.draft-discarded"]);
        events.ShouldAllBe(e => e.ActorId == null && e.ActorKind == AuditLog.HiddenReporter, "an administrator has no need to know who keeps a journal or drafts a report");
    }

    private static Task<List<AuditEvent>> EventsAsync(UpstanderFactory factory, TestOrganisation org) => factory.InScopeAsync(org.Id, s =>
        s.GetRequiredService<AppDbContext>().AuditEvents.OrderBy(e => e.Sequence).ToListAsync());
}
