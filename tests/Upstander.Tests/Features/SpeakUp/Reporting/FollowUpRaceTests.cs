using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>The reporter acting twice at the same moment (two tabs, a double click): replies and check-in answers.</summary>
public sealed class FollowUpRaceTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_replies_sent_at_the_same_moment_both_land_with_their_own_numbers(Engine engine)
    {
        // Both replies read the highest number before either saves, so both try the same one.
        var barrier = new ReadBarrier("report_messages");
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings()) { TestServices = barrier.Register };
        var org = await factory.CreateOrganisationAsync("Reply Race Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var url = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("It started in March."));
        var token = await me.AntiforgeryTokenAsync(url);
        barrier.Arm();

        var answers = await Task.WhenAll(
            me.PostWithTokenAsync(url + "?handler=Reply", token, ("Reply", "The first tab.")),
            me.PostWithTokenAsync(url + "?handler=Reply", token, ("Reply", "The second tab.")));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.Redirect);
        var numbers = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<ReportMessage>()
            .OrderBy(m => m.Number).Select(m => m.Number).ToListAsync());
        numbers.ShouldBe([1, 2]);
        var page = WebUtility.HtmlDecode(await me.GetStringAsync(url));
        page.ShouldContain("The first tab.");
        page.ShouldContain("The second tab.");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_answers_to_one_check_in_at_the_same_moment_keep_the_first_and_tell_the_second_it_was_already_answered(Engine engine)
    {
        // Both answers find the check-in due (no answer yet) before either saves.
        var barrier = new ReadBarrier("report_check_ins");
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings()) { TestServices = barrier.Register };
        var org = await factory.CreateOrganisationAsync("Check-in Race Org");
        var me = await factory.SignInAsync(org[Roles.Employee]);
        var url = await ReportingKit.SendNamedAsync(me, ReportingKit.Report("It started in March."));
        factory.Clock.Advance(TimeSpan.FromDays(31));
        me = await factory.SignInAsync(org[Roles.Employee]); // the session from a month ago has expired
        var token = await me.AntiforgeryTokenAsync(url);
        barrier.Arm();

        var answers = await Task.WhenAll(
            me.PostWithTokenAsync(url + "?handler=CheckIn", token, ("Day", "30"), ("Answer", "yes")),
            me.PostWithTokenAsync(url + "?handler=CheckIn", token, ("Day", "30"), ("Answer", "no")));

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.Redirect, HttpStatusCode.BadRequest], ignoreOrder: true);
        WebUtility.HtmlDecode(await answers.Single(a => a.StatusCode == HttpStatusCode.BadRequest).Content.ReadAsStringAsync())
            .ShouldContain("This check-in was already answered, so this answer was not recorded.");
        var kept = answers[0].StatusCode == HttpStatusCode.Redirect ? "yes" : "no";
        var (flagged, events, stored, audited) = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var report = await db.Set<ReportRecord>().SingleAsync();
            return (report.RetaliationFlaggedAt, await db.Set<ReportEvent>().CountAsync(e => e.Kind == "retaliation-flagged"),
                await db.Set<RetaliationCheckIn>().Select(c => c.Day + ":" + c.Response).ToListAsync(),
                await db.AuditEvents.CountAsync(e => e.Action == ReportingAudit.CheckIn));
        });
        stored.ShouldBe(["30:" + kept]);
        (flagged is not null).ShouldBe(kept == "yes", "only a stored yes flags the case");
        events.ShouldBe(kept == "yes" ? 1 : 0);
        audited.ShouldBe(1);
    }
}
