using System.Net;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>The home page tells a named reporter when a reply or a check-in is waiting on one of their reports, and only them.</summary>
public sealed class ReporterNoticeTests
{
    private const string Notice = "data-reporter-notice";
    private const string NewMessage = "a new message from the case manager";
    private const string CheckIn = "we would like to check in with you (30 days on)";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_reply_and_a_due_check_in_show_on_the_reporters_home_page_until_they_are_read_and_answered(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Notice Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var page = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("What happened"));
        (await me.GetStringAsync("/")).ShouldNotContain(Notice, customMessage: "nothing is waiting yet");

        await ReportingKit.AssignToCaseManagerAsync(factory, org);
        var caseManager = await factory.SignInAsync(org[Roles.CaseManager]);
        var casePath = $"/cases/{ReportingKit.IdOf(page):D}";
        (await caseManager.PostFormAsync(casePath + "?handler=Send", new() { ["Body"] = "Could you tell us who else was there?" }, tokenFrom: casePath))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var home = await me.GetStringAsync("/");
        home.ShouldContain(Notice);
        home.ShouldContain(NewMessage);
        home.ShouldContain($"href=\"{page}\"");
        home.ShouldNotContain("Could you tell us", customMessage: "the home page says that a message waits, never what it says");
        var someoneElse = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await someoneElse.GetStringAsync("/")).ShouldNotContain(Notice);

        (await me.GetStringAsync(page)).ShouldContain("Could you tell us who else was there?");
        (await me.GetStringAsync("/")).ShouldNotContain(Notice, customMessage: "reading the report reads the message");

        factory.Clock.Advance(TimeSpan.FromDays(31));
        me = await factory.SignInAsync(org[Roles.Employee]);
        home = await me.GetStringAsync("/");
        home.ShouldContain(CheckIn);
        home.ShouldNotContain(NewMessage);
        (await me.PostFormAsync(page + "?handler=CheckIn", new() { ["Day"] = "30", ["Answer"] = "no" }, tokenFrom: page)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await me.GetStringAsync("/")).ShouldNotContain(Notice, customMessage: "the check-in was answered");
    }
}
