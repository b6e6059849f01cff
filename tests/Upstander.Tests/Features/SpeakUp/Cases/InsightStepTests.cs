using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.SpeakUp.Cases;

/// <summary>
/// Speak-up insight counts each step in the quarter it was taken: acknowledgements in the quarter acknowledged, closings
/// in the quarter a case was first closed, outcomes in the quarter a case was first both closed and given one (with the
/// outcome recorded by the end of it). A case manager's
/// work today never changes a completed quarter, so nobody reads a case's outcome from a change in the figures.
/// </summary>
public sealed class InsightStepTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Closing_a_case_from_an_earlier_quarter_today_leaves_every_completed_quarter_unchanged(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        var reports = await world.ReceiveManyAsync(8, new DateTimeOffset(2031, 1, 10, 9, 0, 0, TimeSpan.Zero));
        // All acknowledged a day later; six closed two days after that, two left open.
        world.Factory.Clock.Advance(TimeSpan.FromDays(1));
        foreach (var id in reports)
        {
            await world.MoveAsync(id, ReportStatus.Acknowledged, "received-and-read");
        }
        world.Factory.Clock.Advance(TimeSpan.FromDays(2));
        foreach (var id in reports.Take(6))
        {
            await world.OutcomeAsync(id, "not-substantiated");
            await world.MoveAsync(id, ReportStatus.Closed, "outcome-shared");
        }

        // The first and second quarters are over.
        world.To(new DateTimeOffset(2031, 7, 2, 9, 0, 0, TimeSpan.Zero));
        var before = await world.InsightAsync();
        before.Periods.ShouldBe(["2030 Q3", "2030 Q4", "2031 Q1", "2031 Q2"]);
        Math.Round(before.ToAcknowledge.ByQuarter[2]!.Value.TotalDays, 1).ShouldBe(1);
        Math.Round(before.ToClose.ByQuarter[2]!.Value.TotalDays, 1).ShouldBe(3);
        before.Outcomes.Row("not-substantiated")[2].ShouldBe(6);

        // Today a case manager closes one of the first quarter's open cases with "substantiated", reopens another and
        // closes it again with "withdrawn", and changes a third closed case's outcome: no completed quarter moves.
        await world.OutcomeAsync(reports[6], "substantiated");
        await world.MoveAsync(reports[6], ReportStatus.Closed, "outcome-shared");
        await world.MoveAsync(reports[0], ReportStatus.Assessing, "reopened");
        await world.OutcomeAsync(reports[0], "withdrawn");
        await world.MoveAsync(reports[0], ReportStatus.Closed, "withdrawn");
        await world.OutcomeAsync(reports[1], "substantiated");
        var after = await world.InsightAsync();
        JsonSerializer.Serialize(after).ShouldBe(JsonSerializer.Serialize(before));

        // Nor does the end of the third quarter change the first: the case closed today shows there (too few to show).
        world.To(new DateTimeOffset(2031, 10, 2, 9, 0, 0, TimeSpan.Zero));
        var later = await world.InsightAsync();
        later.Periods.ShouldBe(["2030 Q4", "2031 Q1", "2031 Q2", "2031 Q3"]);
        later.Outcomes.Row("not-substantiated")[1].ShouldBe(6);
        later.Outcomes.Row("substantiated")[3].ShouldBeNull();
        later.ToClose.ByQuarter[1].ShouldBe(before.ToClose.ByQuarter[2]);
        later.ToClose.ByQuarter[3].ShouldBeNull();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_step_shows_in_the_quarter_it_was_taken_once_that_quarter_is_over(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        var reports = await world.ReceiveManyAsync(5, new DateTimeOffset(2031, 3, 20, 9, 0, 0, TimeSpan.Zero));
        // Acknowledged and closed in the second quarter.
        world.To(new DateTimeOffset(2031, 4, 2, 9, 0, 0, TimeSpan.Zero));
        foreach (var id in reports)
        {
            await world.MoveAsync(id, ReportStatus.Acknowledged, "received-and-read");
        }
        world.To(new DateTimeOffset(2031, 4, 10, 9, 0, 0, TimeSpan.Zero));
        foreach (var id in reports)
        {
            await world.OutcomeAsync(id, "substantiated");
            await world.MoveAsync(id, ReportStatus.Closed, "outcome-shared");
        }

        // While the second quarter goes on, the reports show where they were received and nothing else does.
        world.To(new DateTimeOffset(2031, 5, 1, 9, 0, 0, TimeSpan.Zero));
        var during = await world.InsightAsync();
        during.Periods[^1].ShouldBe("2031 Q1");
        during.Volumes.Row("verbal-abuse")[^1].ShouldBe(5);
        foreach (var step in new[] { during.ToAcknowledge, during.ToClose })
        {
            (step.ByQuarter.All(m => m is null), step.Overall).ShouldBe((true, (TimeSpan?)null));
        }
        during.Outcomes.AllHidden().ShouldBeTrue();

        // Once it is over, they show in it.
        world.To(new DateTimeOffset(2031, 7, 2, 9, 0, 0, TimeSpan.Zero));
        var insight = await world.InsightAsync();
        insight.Periods.ShouldBe(["2030 Q3", "2030 Q4", "2031 Q1", "2031 Q2"]);
        insight.ToAcknowledge.ByQuarter.Select(m => m is { } d ? Math.Round(d.TotalDays, 1) : (double?)null).ShouldBe([null, null, null, 13]);
        insight.ToClose.ByQuarter.Select(m => m is { } d ? Math.Round(d.TotalDays, 1) : (double?)null).ShouldBe([null, null, null, 21]);
        Math.Round(insight.ToClose.Overall!.Value.TotalDays, 1).ShouldBe(21);
        insight.Outcomes.Row("substantiated").ShouldBe([null, null, null, 5]);

        var page = await InsightPageAsync(world);
        page.ShouldContain("Acknowledged in 2031 Q2");
        page.ShouldContain("Closed in 2031 Q2");
        page.ShouldContain("Received in 2031 Q1");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_quarter_with_too_few_steps_stays_hidden_and_cannot_be_worked_out_from_the_whole(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        // Six acknowledged and closed in the first quarter, two in the second.
        var two = await SixClosedInTheFirstQuarterAsync(world);
        world.To(new DateTimeOffset(2031, 5, 10, 9, 0, 0, TimeSpan.Zero));
        await world.AcknowledgeAndCloseAsync(two, "not-substantiated");

        world.To(new DateTimeOffset(2031, 7, 2, 9, 0, 0, TimeSpan.Zero));
        var insight = await world.InsightAsync();
        foreach (var step in new[] { insight.ToAcknowledge, insight.ToClose })
        {
            step.ByQuarter[2].ShouldNotBeNull();
            step.ByQuarter[3].ShouldBeNull("two cases are below the minimum");
            step.Overall.ShouldBeNull("the four quarters beside the first would give the second's two");
        }
        var outcomes = insight.Outcomes;
        outcomes.Row("not-substantiated").ShouldBe([null, null, 6, null]);
        (outcomes.RowTotals[outcomes.Rows.ToList().IndexOf("not-substantiated")].Hidden, outcomes.ColumnTotals[3].Hidden, outcomes.Total.Hidden).ShouldBe((true, true, true));

        var page = await InsightPageAsync(world);
        page.ShouldNotContain(">2<");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_outcome_recorded_after_its_case_closed_shows_in_its_own_quarter_once_that_is_over_and_never_moves(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        // One case closed long before the four quarters shown, five closed in the first quarter of 2031; none with an outcome.
        var old = await world.ReceiveManyAsync(1, new DateTimeOffset(2030, 2, 3, 9, 0, 0, TimeSpan.Zero));
        await world.AcknowledgeAndCloseAsync(old, null);
        var reports = await world.ReceiveManyAsync(5, new DateTimeOffset(2031, 1, 10, 9, 0, 0, TimeSpan.Zero));
        world.Factory.Clock.Advance(TimeSpan.FromDays(1));
        await world.AcknowledgeAndCloseAsync(reports, null);
        reports.AddRange(old);

        // In the second quarter the outcomes are recorded; while it goes on, they show nowhere.
        world.To(new DateTimeOffset(2031, 5, 10, 9, 0, 0, TimeSpan.Zero));
        foreach (var id in reports)
        {
            await world.OutcomeAsync(id, "resolved-informally");
        }
        world.To(new DateTimeOffset(2031, 6, 1, 9, 0, 0, TimeSpan.Zero));
        (await world.InsightAsync()).Outcomes.AllHidden().ShouldBeTrue();

        // Once it is over, all six show in it; the closings stay where they happened.
        world.To(new DateTimeOffset(2031, 7, 2, 9, 0, 0, TimeSpan.Zero));
        var before = await world.InsightAsync();
        before.Periods.ShouldBe(["2030 Q3", "2030 Q4", "2031 Q1", "2031 Q2"]);
        before.Outcomes.Row("resolved-informally").ShouldBe([null, null, null, 6]);
        Math.Round(before.ToClose.ByQuarter[2]!.Value.TotalDays, 1).ShouldBe(1);
        before.ToClose.ByQuarter[3].ShouldBeNull();

        // Changing the outcomes today, and reopening and closing one again, moves no figure shown.
        foreach (var id in reports.Take(3))
        {
            await world.OutcomeAsync(id, "substantiated");
        }
        await world.MoveAsync(reports[4], ReportStatus.Assessing, "reopened");
        await world.OutcomeAsync(reports[4], "withdrawn");
        await world.MoveAsync(reports[4], ReportStatus.Closed, "withdrawn");
        JsonSerializer.Serialize(await world.InsightAsync()).ShouldBe(JsonSerializer.Serialize(before));

        // Nor does the end of the quarter they were changed in: each case was counted once, where it first had both.
        world.To(new DateTimeOffset(2031, 10, 2, 9, 0, 0, TimeSpan.Zero));
        var later = await world.InsightAsync();
        later.Periods.ShouldBe(["2030 Q4", "2031 Q1", "2031 Q2", "2031 Q3"]);
        later.Outcomes.Row("resolved-informally").ShouldBe([null, null, 6, null]);

        var page = await InsightPageAsync(world);
        page.ShouldContain("Closed with an outcome in 2031 Q2");
        page.ShouldContain("the quarter it was first recorded in");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Outcomes_recorded_late_for_too_few_cases_stay_hidden_with_every_total_that_covers_them(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        // All closed in the first quarter, six with an outcome; the other two get theirs in the second.
        var two = await SixClosedInTheFirstQuarterAsync(world);
        await world.AcknowledgeAndCloseAsync(two, null);
        world.To(new DateTimeOffset(2031, 5, 10, 9, 0, 0, TimeSpan.Zero));
        foreach (var id in two)
        {
            await world.OutcomeAsync(id, "withdrawn");
        }

        world.To(new DateTimeOffset(2031, 7, 2, 9, 0, 0, TimeSpan.Zero));
        var outcomes = (await world.InsightAsync()).Outcomes;
        outcomes.Row("not-substantiated").ShouldBe([null, null, 6, null]);
        outcomes.Row("withdrawn").ShouldBe([null, null, null, null], "two cases are below the minimum");
        outcomes.RowTotals.ShouldAllBe(c => c.Hidden);
        outcomes.ColumnTotals.Select(c => c.Value).ShouldBe([null, null, null, null]);
        outcomes.Total.Hidden.ShouldBeTrue();

        var page = await InsightPageAsync(world);
        page.ShouldNotContain(">2<");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_outcome_recorded_before_its_history_was_kept_gets_one_event_from_the_migration(Engine engine)
    {
        await using var world = await CaseWorld.StartAsync(engine);
        var id = await world.ReceiveAsync([], assignee: world.CaseManager);
        await world.OutcomeAsync(id, "referred");
        var recordedAt = await world.InScopeAsync(async (_, db) =>
        {
            await db.Set<ReportEvent>().Where(e => e.Kind == ReportEvent.OutcomeKind).ExecuteDeleteAsync();
            return (await db.Set<CaseOutcome>().SingleAsync(o => o.ReportId == id)).RecordedAt;
        });

        var provider = engine == Engine.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres;
        var sql = MigrationRunner.Load(provider).Single(m => m.Version == 24).Sql;
        var events = await world.InScopeAsync(async (_, db) =>
        {
            await db.Database.ExecuteSqlRawAsync(sql);
            return await db.Set<ReportEvent>().AsNoTracking().Where(e => e.Kind == ReportEvent.OutcomeKind).ToListAsync();
        });
        var recorded = events.ShouldHaveSingleItem();
        (recorded.ReportId, recorded.Reason, recorded.At, recorded.ActorId).ShouldBe((id, "referred", recordedAt, (Guid?)world.CaseManager));
        recorded.Id.ShouldNotBe(Guid.Empty);
        recorded.Id.ShouldNotBe(id);
    }

    /// <summary>Eight reports received on 10 January 2031, six of them acknowledged, closed as "not-substantiated" a day later; the other two.</summary>
    [Fact]
    public async Task A_case_or_report_too_few_to_show_adds_no_row_that_tells_it_is_there()
    {
        await using var world = await CaseWorld.StartAsync();
        var two = await SixClosedInTheFirstQuarterAsync(world);
        world.To(new DateTimeOffset(2031, 7, 2, 9, 0, 0, TimeSpan.Zero));
        var before = await world.InsightAsync();
        var pageBefore = await InsightPageAsync(world);

        // In the third quarter a leader who knows which case was closed, and who reported, watches the page.
        await world.AcknowledgeAndCloseAsync([two[0]], "substantiated");
        await world.ReceiveAsync([], category: "intimidation");
        world.To(new DateTimeOffset(2031, 10, 2, 9, 0, 0, TimeSpan.Zero));
        var later = await world.InsightAsync();

        // Every outcome and every category has its row before and after: one case or report shows as "hidden" in a row
        // that was there all along, as a row with none does, never as a row that appeared.
        later.Outcomes.Rows.ShouldBe([.. CaseReasons.Outcomes.Select(o => o.Key)]);
        before.Outcomes.Rows.ShouldBe(later.Outcomes.Rows);
        later.Outcomes.Row("substantiated").ShouldAllBe(v => v == null);
        before.Outcomes.Row("substantiated").ShouldAllBe(v => v == null);
        later.Volumes.Rows.ShouldBe([.. Upstander.Features.SpeakUp.Reporting.ReportCategories.All.Select(c => c.Key)]);
        before.Volumes.Rows.ShouldBe(later.Volumes.Rows);
        later.Volumes.Row("intimidation").ShouldAllBe(v => v == null);
        var pageLater = await InsightPageAsync(world);
        foreach (var label in new[] { "Substantiated", "Intimidation or threats" })
        {
            (pageBefore.Contains(label, StringComparison.Ordinal), pageLater.Contains(label, StringComparison.Ordinal)).ShouldBe((true, true), label);
        }
    }

    private static async Task<List<Guid>> SixClosedInTheFirstQuarterAsync(CaseWorld world)
    {
        var reports = await world.ReceiveManyAsync(8, new DateTimeOffset(2031, 1, 10, 9, 0, 0, TimeSpan.Zero));
        world.Factory.Clock.Advance(TimeSpan.FromDays(1));
        await world.AcknowledgeAndCloseAsync(reports.Take(6), "not-substantiated");
        return [.. reports.Skip(6)];
    }

    private static async Task<string> InsightPageAsync(CaseWorld world) =>
        await PageAsync(await world.Factory.SignInAsync(world.Org[Roles.Leader]), "/insights/speak-up");
}
