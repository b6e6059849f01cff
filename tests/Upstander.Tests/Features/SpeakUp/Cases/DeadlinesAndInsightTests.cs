using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

public sealed class DeadlinesAndInsightTests
{
    [Fact]
    public async Task Deadlines_turn_due_soon_then_overdue_on_the_clock_with_reminders_and_the_overdue_view()
    {
        await using var world = await CaseWorld.StartAsync();
        var id = await world.ReceiveAsync([], assignee: world.CaseManager);
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await PageAsync(client, "/")).ShouldNotContain("Case deadlines");

        world.Factory.Clock.Advance(TimeSpan.FromDays(5.5));
        client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var home = await PageAsync(client, "/");
        home.ShouldContain("Due soon: 1");
        (await PageAsync(client, "/cases/overdue")).ShouldContain("Nothing is overdue.");

        world.Factory.Clock.Advance(TimeSpan.FromDays(2));
        client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await PageAsync(client, "/")).ShouldContain("Overdue: 1");
        (await PageAsync(client, "/cases")).ShouldContain("Overdue: 1");
        (await PageAsync(client, "/cases/overdue")).ShouldContain(id.ToString());

        // Acknowledged: the next deadline is feedback, 3 months after receipt.
        Location(await PostAsync(client, $"/cases/{id}?handler=Move", ("To", "Acknowledged"), ("Reason", "received-and-read")));
        (await PageAsync(client, "/cases/overdue")).ShouldContain("Nothing is overdue.");
        var report = await world.ReportAsync(id);
        CaseDeadlines.Next(report, world.Factory.Clock.GetUtcNow())!.Kind.ShouldBe("feedback");
        world.Factory.Clock.Advance(TimeSpan.FromDays(80));
        CaseDeadlines.Next(report, world.Factory.Clock.GetUtcNow())!.State.ShouldBe(DeadlineState.DueSoon);
        world.Factory.Clock.Advance(TimeSpan.FromDays(10));
        client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        (await PageAsync(client, "/cases/overdue")).ShouldContain(id.ToString());
        Location(await PostAsync(client, $"/cases/{id}?handler=Send", ("Body", "An update for you")));
        (await PageAsync(client, "/cases/overdue")).ShouldContain("Nothing is overdue.");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_case_managers_cases_are_read_once_for_a_page_and_its_deadline_reminder(Engine engine)
    {
        // The query that finds the cases a case manager may work (waiting unassigned, or their own).
        var reads = new CommandCounter("reports", "\"AssigneeId\" IS NULL OR");
        await using var world = await CaseWorld.StartAsync(engine, services: reads.Register);
        await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.ReceiveAsync([]);
        var closed = await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.MoveAsync(closed, ReportStatus.Closed, "duplicate");
        world.Factory.Clock.Advance(TimeSpan.FromDays(5.5));
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);

        // The home page's reminder and its case summary, from one read.
        reads.Start();
        var home = await PageAsync(client, "/");
        reads.Count.ShouldBe(1);
        home.ShouldContain("Due soon: 2");
        home.ShouldContain("1 report waiting for a case manager");
        home.ShouldContain("1 open case of yours");

        // The intake queue and its reminder, the same.
        reads.Start();
        var queue = await PageAsync(client, "/cases");
        reads.Count.ShouldBe(1);
        queue.ShouldContain("Due soon: 2");
    }

    [Fact]
    public async Task The_case_lists_show_dates_in_the_organisations_zone()
    {
        await using var world = await CaseWorld.StartAsync();
        await AheadOfUtc.EnterAsync(world.Factory, world.Org.Id);
        // Received at 20:00 UTC on 10 March: 09:00 on 11 March in Auckland. Acknowledge by 7 days later: 18 March there.
        var id = await world.ReceiveAsync([], assignee: world.CaseManager);
        var client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var queue = await PageAsync(client, "/cases");
        queue.ShouldContain($"/cases/{id:D}");
        queue.ShouldContain("<td>11 March 2031</td>");
        queue.ShouldContain("Acknowledge by 18 March 2031");
        queue.ShouldNotContain("10 March 2031");

        // Eight days on it is overdue, and the overdue list shows the same dates.
        world.Factory.Clock.Advance(TimeSpan.FromDays(8));
        client = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        var overdue = await PageAsync(client, "/cases/overdue");
        overdue.ShouldContain($"/cases/{id:D}");
        overdue.ShouldContain("<td>11 March 2031</td>");
        overdue.ShouldContain("Acknowledge by 18 March 2031");
    }

    [Fact]
    public async Task Insight_quarters_are_calendar_quarters_in_the_organisations_zone()
    {
        await using var world = await CaseWorld.StartAsync();
        // 20:00 UTC on 31 March 2031 is 09:00 on 1 April in Auckland: the second quarter there, the first in UTC.
        await AheadOfUtc.EnterAsync(world.Factory, world.Org.Id, new DateTimeOffset(2031, 3, 31, 20, 0, 0, TimeSpan.Zero));
        for (var i = 0; i < 5; i++)
        {
            await world.ReceiveAsync([], category: "verbal-abuse");
        }

        // While the second quarter goes on it is not shown, so a report changes nothing a reader sees.
        var during = await world.InsightAsync();
        during.Periods.ShouldBe(["2030 Q2", "2030 Q3", "2030 Q4", "2031 Q1"]);
        during.Volumes.AllHidden().ShouldBeTrue();

        // Once it is over it is the last of the four, and so it stays through the third quarter.
        world.Factory.Clock.Advance(new DateTimeOffset(2031, 7, 2, 0, 0, 0, TimeSpan.Zero) - world.Factory.Clock.GetUtcNow());
        var insight = await world.InsightAsync();
        insight.Periods.ShouldBe(["2030 Q3", "2030 Q4", "2031 Q1", "2031 Q2"]);
        insight.Volumes.Row("verbal-abuse").ShouldBe([null, null, null, 5]);
        await world.ReceiveAsync([], category: "verbal-abuse");
        world.Factory.Clock.Advance(TimeSpan.FromDays(60));
        (await world.InsightAsync()).Volumes.Row("verbal-abuse").ShouldBe([null, null, null, 5]);
    }

    /// <summary>
    /// The anonymous share over four quarters is read again each quarter over a window one quarter on: it shows only while
    /// every quarter's anonymous and named reports are none or at least the minimum, or the change from one window to the
    /// next would give a quarter's single anonymous report.
    /// </summary>
    [Fact]
    public async Task The_anonymous_share_hides_while_any_quarter_has_only_a_few_anonymous_or_named_reports()
    {
        await using var world = await CaseWorld.StartAsync();
        async Task ReceiveAsync(DateTimeOffset at, int named, int anonymous)
        {
            world.Factory.Clock.Advance(at - world.Factory.Clock.GetUtcNow());
            for (var i = 0; i < named; i++)
            {
                await world.ReceiveAsync([], category: "verbal-abuse");
            }
            for (var i = 0; i < anonymous; i++)
            {
                await world.ReceiveAsync([], category: "verbal-abuse", way: ReportWay.Anonymous);
            }
        }
        async Task<double?> ShareAfterAsync(DateTimeOffset at)
        {
            world.Factory.Clock.Advance(at - world.Factory.Clock.GetUtcNow());
            return (await world.InsightAsync()).AnonymousShare;
        }

        await ReceiveAsync(new DateTimeOffset(2031, 5, 10, 12, 0, 0, TimeSpan.Zero), named: 5, anonymous: 5);
        (await ShareAfterAsync(new DateTimeOffset(2031, 7, 2, 12, 0, 0, TimeSpan.Zero))).ShouldBe(0.5);

        // A quarter without any anonymous report gives nobody away: 5 of 15.
        await ReceiveAsync(new DateTimeOffset(2031, 8, 10, 12, 0, 0, TimeSpan.Zero), named: 5, anonymous: 0);
        (await ShareAfterAsync(new DateTimeOffset(2031, 10, 2, 12, 0, 0, TimeSpan.Zero))).ShouldBe(5.0 / 15);

        // 6 anonymous of 21 beside last quarter's 5 of 15 would give this quarter's single one.
        await ReceiveAsync(new DateTimeOffset(2031, 11, 10, 12, 0, 0, TimeSpan.Zero), named: 5, anonymous: 1);
        (await ShareAfterAsync(new DateTimeOffset(2032, 1, 2, 12, 0, 0, TimeSpan.Zero))).ShouldBeNull();
        var leader = await world.Factory.SignInAsync(world.Org[Roles.Leader]);
        PageText.Of(await PageAsync(leader, "/insights/speak-up")).ShouldContain(
            "hidden (in a quarter, fewer than 5 reports were anonymous or fewer than 5 named, but not none)");
    }

    [Fact]
    public void Suppression_hides_small_cells_and_every_total_that_would_reveal_one()
    {
        var table = SpeakUpInsights.Suppress(["a", "b"], ["q1", "q2"], [[7, 2], [6, 9]], 5);
        table.Cells[0][1].Hidden.ShouldBeTrue();
        table.Cells[0][0].Value.ShouldBe(7);
        table.RowTotals[0].Hidden.ShouldBeTrue();
        table.RowTotals[1].Value.ShouldBe(15);
        table.ColumnTotals[1].Hidden.ShouldBeTrue();
        table.ColumnTotals[0].Value.ShouldBe(13);
        table.Total.Hidden.ShouldBeTrue();
        SpeakUpInsights.Suppress(["a"], ["q1"], [[5]], 5).Total.Value.ShouldBe(5);
    }

    [Fact]
    public async Task Insight_shows_nothing_below_the_minimum_group_size_and_only_to_leaders_and_researchers()
    {
        await using var world = await CaseWorld.StartAsync();
        world.Factory.Clock.Advance(new DateTimeOffset(2031, 5, 10, 12, 0, 0, TimeSpan.Zero) - world.Factory.Clock.GetUtcNow());
        for (var i = 0; i < 6; i++)
        {
            await world.ReceiveAsync([], category: "verbal-abuse");
        }
        for (var i = 0; i < 2; i++)
        {
            await world.ReceiveAsync([], category: "intimidation", way: ReportWay.Anonymous);
        }
        // The second quarter, once it is over.
        world.Factory.Clock.Advance(new DateTimeOffset(2031, 7, 2, 12, 0, 0, TimeSpan.Zero) - world.Factory.Clock.GetUtcNow());
        var insight = await world.InsightAsync();
        var bullying = insight.Volumes.Rows.ToList().IndexOf("verbal-abuse");
        var harassment = insight.Volumes.Rows.ToList().IndexOf("intimidation");
        insight.Volumes.Cells[bullying][^1].Value.ShouldBe(6);
        insight.Volumes.Cells[harassment][^1].Hidden.ShouldBeTrue();
        insight.Volumes.Total.Hidden.ShouldBeTrue();
        insight.Volumes.ColumnTotals[^1].Hidden.ShouldBeTrue();
        insight.AnonymousShare.ShouldBeNull("2 anonymous reports is below the minimum");
        insight.ToAcknowledge.Overall.ShouldBeNull();

        var leader = await world.Factory.SignInAsync(world.Org[Roles.Leader]);
        var page = await PageAsync(leader, "/insights/speak-up");
        page.ShouldContain("hidden");
        page.ShouldNotContain(">2<");
        (await PageAsync(await world.Factory.SignInAsync(world.Org[Roles.Researcher]), "/insights/speak-up")).ShouldContain("Verbal abuse");
        foreach (var role in new[] { Roles.CaseManager, Roles.Employee, Roles.Admin })
        {
            (await (await world.Factory.SignInAsync(world.Org[role])).GetAsync("/insights/speak-up")).StatusCode.ShouldBe(HttpStatusCode.Redirect, role);
        }
    }
}
