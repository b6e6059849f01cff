using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Queue;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.Training;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Queue;

/// <summary>The coordinators' support queue: figures on a fixture with known times, suppression, what never shows, who may see it, and the coordinator's close and return.</summary>
public sealed class SupportQueueTests
{
    private const string Page = "/coordinate/support";

    /// <summary>When every fixture starts: a Sunday in April 2031, noon in UTC.</summary>
    private static readonly DateTimeOffset Moment = new(2031, 4, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The requests of the fixture, by role in it.</summary>
    private sealed record Fixture(
        UpstanderFactory Factory, TestOrganisation Org, string DetailsCanary, string CommentCanary,
        Guid WelshWaiting, Guid UrgentWaiting, Guid RaisedWaiting, Guid Offered, Guid Active, Guid Unknown);

    /// <summary>
    /// At <see cref="Moment"/>: one certified, available supporter (cap 3, English) and, relative to now: a routine request asking for Welsh
    /// (90 minutes, unmatched: nobody speaks it), an urgent one (30 minutes, matchable), a raised one naming the supporter
    /// (200 minutes, unmatched: the named person), one offered (60 minutes), one active (matched after 60 minutes, first
    /// reply 30 minutes later), three closed in the last 30 days (matched after 20, 40 and 120 minutes; replies after 10,
    /// 10 and 50), one closed 40 days ago (200 minutes; outside the period), one withdrawn; feedback on the closed ones.
    /// </summary>
    private static async Task<Fixture> StartAsync(Engine engine, int feedbackResponses)
    {
        var factory = new UpstanderFactory(engine);
        factory.Clock.Advance(Moment - factory.Clock.GetUtcNow());
        var org = await factory.CreateOrganisationAsync("Queue Org");
        var details = Canary.New("details");
        var comment = Canary.New("comment");
        var supporter = org[Roles.PeerSupporter].PersonId;
        var ids = await factory.InScopeAsync(org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var screen = s.GetRequiredService<SafetyScreen>();
            var protector = s.GetRequiredService<FieldProtector>();
            var now = factory.Clock.GetUtcNow();
            var request = SignOffRequest.Open(org.Id, supporter, now.AddDays(-60));
            request.SignOff(org[Roles.Coordinator].PersonId, DateOnly.FromDateTime(now.UtcDateTime.AddDays(-60)), null, now.AddDays(-60));
            db.Add(request);
            db.Add(Certificate.Issue(request, now.AddDays(-60), 12));
            var settings = SupporterSettings.For(org.Id, supporter);
            settings.Apply(true, null, 3, ["en"], [], now.AddDays(-60));
            db.Add(settings);

            SupportRequestRecord Add(string role, double minutesAgo, ScreenAnswer selfHarm = ScreenAnswer.No, string? language = null, bool showName = false, Guid[]? named = null)
            {
                var answers = new Dictionary<string, ScreenAnswer> { ["safe-now"] = ScreenAnswer.Yes, ["self-harm"] = selfHarm, ["harm-others"] = ScreenAnswer.No };
                var valid = new ValidRequest("experiencing", "today", "messages", true, language, [], showName, details, answers, named ?? []);
                var record = SupportRequestRecord.Open(org.Id, org[role].PersonId, valid, screen.Screen(answers, details), "Teal Heron", now.AddMinutes(-minutesAgo));
                record.SealDetails(protector.Seal(details, SupportRequestRecord.DetailsPurpose, record.Id));
                db.Add(record);
                return record;
            }

            void Close(SupportRequestRecord record, double matchMinutes, double replyMinutes, int feedback)
            {
                record.Offer(supporter);
                var accepted = record.CreatedAt.AddMinutes(matchMinutes);
                record.Accept(accepted);
                record.SupporterReplied(accepted.AddMinutes(replyMinutes));
                record.Close(ClosedBy.Requester, accepted.AddHours(5));
                for (var i = 0; i < feedback; i++)
                {
                    var answer = SupportFeedbackRecord.Answer(org.Id, record.Id, supporter, 3 + (i % 3), 2, i == 0 ? 4 : 5, accepted.AddHours(6));
                    answer.SealComment(protector.Seal(comment, SupportFeedbackRecord.CommentPurpose, answer.Id));
                    db.Add(answer);
                }
            }

            var welsh = Add(Roles.Employee, 90, language: "cy");
            var urgent = Add(Roles.CaseManager, 30, ScreenAnswer.Yes, showName: true);
            var raised = Add(Roles.Leader, 200, ScreenAnswer.RatherNotSay, named: [supporter, org[Roles.Researcher].PersonId]);
            var offered = Add(Roles.Admin, 60);
            offered.Offer(supporter);
            var active = Add(Roles.Employee, 3 * 24 * 60);
            active.Offer(supporter);
            active.Accept(active.CreatedAt.AddMinutes(60));
            active.SupporterReplied(active.CreatedAt.AddMinutes(90));
            Close(Add(Roles.Employee, 10 * 24 * 60), 20, 10, Math.Min(feedbackResponses, 2));
            Close(Add(Roles.Leader, 12 * 24 * 60), 40, 10, Math.Max(0, feedbackResponses - 2));
            Close(Add(Roles.Employee, 14 * 24 * 60), 120, 50, 0);
            Close(Add(Roles.Employee, 40 * 24 * 60), 200, 60, 0);
            Add(Roles.Employee, 5 * 24 * 60).Withdraw(now.AddDays(-4));
            await db.SaveChangesAsync();
            return (welsh.Id, urgent.Id, raised.Id, offered.Id, active.Id);
        });
        return new Fixture(factory, org, details, comment, ids.Item1, ids.Item2, ids.Item3, ids.Item4, ids.Item5, Guid.NewGuid());
    }

    private static Task<QueueView> ViewAsync(Fixture f, int days = 30) =>
        f.Factory.InScopeAsync(f.Org.Id, s => s.GetRequiredService<SupportQueue>().ViewAsync(days, CancellationToken.None));

    private static Task<SupportRequestRecord> RecordAsync(Fixture f, Guid id) =>
        f.Factory.InScopeAsync(f.Org.Id, s => s.GetRequiredService<AppDbContext>().Set<SupportRequestRecord>().AsNoTracking().SingleAsync(r => r.Id == id));

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_figures_on_known_times_and_the_page_shows_no_words_no_topic_and_no_named_people(Engine engine)
    {
        var f = await StartAsync(engine, feedbackResponses: 4);
        await using var _ = f.Factory;

        var view = await ViewAsync(f);
        var now = view.Now;
        (now.Waiting, now.WaitingUrgent, now.WaitingRaised, now.Offered, now.Active, now.UrgentOpen).ShouldBe((3, 1, 1, 1, 1, 2));
        now.LongestWait!.Value.TotalMinutes.ShouldBeInRange(200, 201, "the raised request made 200 minutes ago");
        now.Unmatched.ShouldBe(2);
        now.UnmatchedByReason.ShouldBe([(UnmatchedReason.NoneSpeaksLanguage, 1), (UnmatchedReason.AllConnectedToNamedPeople, 1)]);
        view.Queue.Select(r => r.Id).ShouldBe([f.UrgentWaiting, f.RaisedWaiting, f.WelshWaiting, f.Offered], "urgent first, then raised, then oldest");
        view.Queue.Single(r => r.Id == f.UrgentWaiting).Unmatched.ShouldBeNull("the urgent one can be matched");
        view.Queue.Single(r => r.Id == f.Offered).Supporter.ShouldBe($"{Roles.PeerSupporter} of Queue Org");
        view.Conversations.ShouldHaveSingleItem().Id.ShouldBe(f.Active);

        var period = view.Period;
        (period.Made, period.Closed, period.Withdrawn).ShouldBe((9, 3, 1), "the request made and closed 40 days ago is outside the period");
        // Matches in the period: 20, 40, 60 (active), 120 minutes. Replies: 10, 10, 30, 50.
        (period.TimeToMatch.Count, period.TimeToMatch.Median, period.TimeToMatch.Percentile90).ShouldBe((4, TimeSpan.FromMinutes(50), TimeSpan.FromMinutes(120)));
        (period.TimeToFirstReply.Median, period.TimeToFirstReply.Percentile90).ShouldBe((TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(50)));
        view.Feedback.ShouldAllBe(p => p.Means.Hidden, "four responses, and in April, which is not over");
        (await ViewAsync(f, 90)).Period.TimeToMatch.Count.ShouldBe(5);

        var load = view.Supporters.ShouldHaveSingleItem();
        (load.Available, load.PausedUntil, load.OpenCases, load.Cap, load.ClosedInPeriod, load.DebriefOpen).ShouldBe((true, (DateOnly?)null, 2, 3, 3, false));

        var coordinator = await f.Factory.SignInAsync(f.Org[Roles.Coordinator]);
        var html = await PageAsync(coordinator, Page);
        html.ShouldContain("Fewer than 5 responses in this period");
        html.ShouldContain("3 h 20 min");
        html.ShouldContain($"/coordinate/support/requests/{f.Offered:D}/reassign");
        foreach (var waiting in new[] { f.UrgentWaiting, f.RaisedWaiting, f.WelshWaiting })
        {
            // The reassign page only reassigns a current match: a waiting request has none, so no link leads there to be refused.
            html.ShouldNotContain($"/coordinate/support/requests/{waiting:D}/reassign");
        }
        html.ShouldContain("CaseManager of Queue Org", customMessage: "the urgent requester allowed her name");
        html.ShouldContain("Teal Heron (made-up name)");
        html.ShouldContain("No available supporter speaks the language asked for");
        html.ShouldNotContain(f.DetailsCanary);
        html.ShouldNotContain(f.CommentCanary);
        html.ShouldNotContain("Employee of Queue Org", customMessage: "a requester who chose the made-up name");
        html.ShouldNotContain("Researcher of Queue Org", customMessage: "a named person");
        html.ShouldNotContain("I am experiencing bullying", customMessage: "the topic");
        (await PageAsync(coordinator, Page + "?period=7")).ShouldContain("The last 7 days");
        (await PageAsync(coordinator, Page + "?period=12")).ShouldContain("The last 30 days", customMessage: "an unknown period falls back to 30 days");

        foreach (var role in new[] { Roles.Employee, Roles.PeerSupporter, Roles.Admin, Roles.Leader })
        {
            var response = await (await f.Factory.SignInAsync(f.Org[role])).GetAsync(Page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, role);
            response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
        }
        var theirs = await f.Factory.CreateOrganisationAsync("Other Org");
        var foreign = await PageAsync(await f.Factory.SignInAsync(theirs[Roles.Coordinator]), Page);
        foreign.ShouldContain("Nobody is waiting.");
        foreign.ShouldNotContain("Queue Org");
    }

    [Fact]
    public void A_quarter_shows_only_when_it_holds_none_or_at_least_the_minimum_beyond_its_months_shown()
    {
        CompletedPeriods.WholeShown(11, [6, 5, 0], 5).ShouldBeTrue("nothing beyond the two months shown");
        CompletedPeriods.WholeShown(12, [6, 5, 1], 5).ShouldBeFalse("beside April and May it would give June's one answer");
        CompletedPeriods.WholeShown(9, [3, 4, 2], 5).ShouldBeTrue("no month shows, so the quarter is the only figure");
        CompletedPeriods.WholeShown(10, [5, 3, 2], 5).ShouldBeTrue("the two hidden months hold five together");
        CompletedPeriods.WholeShown(4, [4, 0, 0], 5).ShouldBeFalse("fewer than the minimum");
    }

    /// <summary>The feedback part of the queue page: from its heading to the end of its section.</summary>
    private static async Task<string> FeedbackShownAsync(HttpClient coordinator)
    {
        var html = await PageAsync(coordinator, Page);
        var start = html.IndexOf("Feedback from requesters", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(0);
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Feedback_means_cover_only_completed_calendar_periods_so_one_more_answer_or_a_later_day_changes_nothing_shown(Engine engine)
    {
        var f = await StartAsync(engine, feedbackResponses: 0);
        await using var _ = f.Factory;
        // Auckland: 1 April starts at 11:00 UTC on 31 March (daylight time); from 6 April it is UTC+12.
        await AheadOfUtc.PlaceAsync(f.Factory, f.Org.Id, AheadOfUtc.Zone);
        Task RateAsync(DateTimeOffset at, int heard, int next = 3, int recommend = 4) => f.Factory.InScopeAsync(f.Org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            db.Add(SupportFeedbackRecord.Answer(f.Org.Id, f.Active, f.Org[Roles.PeerSupporter].PersonId, heard, next, recommend, at));
            await db.SaveChangesAsync();
        });
        void MoveTo(DateTimeOffset at) => f.Factory.Clock.Advance(at - f.Factory.Clock.GetUtcNow());
        // The feedback part of the page at midnight UTC on a day of 2031 (signing in afresh, as the clock has moved).
        async Task<string> ShownOnAsync(int month, int day)
        {
            MoveTo(new DateTimeOffset(2031, month, day, 0, 0, 0, TimeSpan.Zero));
            return await FeedbackShownAsync(await f.Factory.SignInAsync(f.Org[Roles.Coordinator]));
        }

        // Five answers in April where the organisation is (the first at 01:00 on 1 April there, still March in UTC).
        await RateAsync(new DateTimeOffset(2031, 3, 31, 12, 0, 0, TimeSpan.Zero), 5);
        foreach (var day in new[] { 15, 16, 17, 18 })
        {
            await RateAsync(new DateTimeOffset(2031, 4, day, 9, 0, 0, TimeSpan.Zero), 4);
        }
        var coordinator = await f.Factory.SignInAsync(f.Org[Roles.Coordinator]);
        var before = await FeedbackShownAsync(coordinator);

        // A sixth answer a minute later: the page a minute before and a minute after is the same.
        f.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await RateAsync(f.Factory.Clock.GetUtcNow(), 1, 1, 1);
        f.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        (await FeedbackShownAsync(coordinator)).ShouldBe(before, "a change would give the sixth answer exactly");
        before.ShouldContain("Last complete month: 1–31 March 2031");
        before.ShouldContain("Last complete quarter: 1 January–31 March 2031");
        before.ShouldNotContain("Mean answer", customMessage: "April is not over, so its answers are not shown");

        // April is over: its six answers show, and no others.
        // Felt heard 5, 4, 4, 4, 4, 1; next steps 3 ×5 and 1; would recommend 4 ×5 and 1.
        var april = await ShownOnAsync(5, 2);
        april.ShouldSatisfyAllConditions([.. new[] { "Last complete month: 1–30 April 2031", "6 responses", "3.7", "2.7", "3.5" }
            .Select(text => (Action)(() => april.ShouldContain(text)))]);

        // May brings five more answers, and the days go by: April's figures stay as they were.
        for (var i = 0; i < 5; i++)
        {
            await RateAsync(f.Factory.Clock.GetUtcNow().AddHours(i), 2, 2, 2);
        }
        (await ShownOnAsync(5, 25)).ShouldBe(april);

        // One answer in June. When the quarter is over, May (5) shows and June (1) does not; the quarter's 12 would give
        // June's one beside April and May, so it is not shown either.
        MoveTo(new DateTimeOffset(2031, 6, 10, 0, 0, 0, TimeSpan.Zero));
        await RateAsync(f.Factory.Clock.GetUtcNow(), 5, 5, 5);
        var quarter = await ShownOnAsync(7, 2);
        quarter.ShouldSatisfyAllConditions([.. new[]
        {
            "Last complete month: 1–30 June 2031", "Last complete quarter: 1 April–30 June 2031", "Fewer than 5 responses in this period",
            "the months of this quarter that are shown leave fewer than 5 responses",
        }.Select(text => (Action)(() => quarter.ShouldContain(text)))]);
        quarter.ShouldNotContain("Mean answer");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Feedback_means_show_from_the_minimum_group_size_and_a_coordinator_can_close_and_return_with_bad_input_refused(Engine engine)
    {
        var f = await StartAsync(engine, feedbackResponses: 5);
        await using var _ = f.Factory;
        // The five answers are from April; in May, April is the last complete month.
        f.Factory.Clock.Advance(new DateTimeOffset(2031, 5, 2, 0, 0, 0, TimeSpan.Zero) - f.Factory.Clock.GetUtcNow());
        var view = await ViewAsync(f);
        var month = view.Feedback[0];
        (month.Period.Kind, month.Period.First, month.Period.Last).ShouldBe((PeriodKind.Month, new DateOnly(2031, 4, 1), new DateOnly(2031, 4, 30)));
        var feedback = month.Means.Value.ShouldNotBeNull();
        view.Feedback[1].Means.Hidden.ShouldBeTrue("nothing in the first quarter");
        // Felt heard 3, 4, 3, 4, 5; next steps 2 each; would recommend 4, 5, 4, 5, 5.
        (feedback.Responses, feedback.FeltHeard, feedback.NextSteps, feedback.WouldRecommend).ShouldBe((5, 3.8, 2.0, 4.6));

        var coordinator = await f.Factory.SignInAsync(f.Org[Roles.Coordinator]);
        var html = await PageAsync(coordinator, Page);
        html.ShouldContain("5 responses");
        html.ShouldNotContain(f.CommentCanary);

        var before = await RowCounts.TakeAsync(f.Factory.Database);
        foreach (var (handler, fields, status) in new (string, (string, string)[], HttpStatusCode)[]
        {
            ("Close", [("RequestId", f.Active.ToString()), ("Reason", "because")], HttpStatusCode.BadRequest),
            ("Close", [("RequestId", f.Active.ToString())], HttpStatusCode.BadRequest),
            ("Close", [("RequestId", f.WelshWaiting.ToString()), ("Reason", "supporter-left")], HttpStatusCode.BadRequest),
            ("Close", [("RequestId", f.Unknown.ToString()), ("Reason", "supporter-left")], HttpStatusCode.NotFound),
            ("Close", [("Reason", "supporter-left")], HttpStatusCode.NotFound),
            ("Return", [("RequestId", f.Active.ToString())], HttpStatusCode.BadRequest),
            ("Return", [("RequestId", f.Unknown.ToString())], HttpStatusCode.NotFound),
            ("Return", [("RequestId", "not-a-guid")], HttpStatusCode.NotFound),
        })
        {
            var response = await PostAsync(coordinator, Page + "?handler=" + handler, fields);
            response.StatusCode.ShouldBe(status, $"{handler} {string.Join(',', fields)}");
            if (status == HttpStatusCode.BadRequest)
            {
                (await response.Content.ReadAsStringAsync()).ShouldContain("Nothing was saved");
            }
        }
        RowCounts.Differences(before, await RowCounts.TakeAsync(f.Factory.Database)).ShouldBeEmpty();
        (await RecordAsync(f, f.Active)).Status.ShouldBe(RequestStatus.Active);
        (await RecordAsync(f, f.Offered)).Status.ShouldBe(RequestStatus.Offered);

        // An employee cannot use either action.
        var employee = await f.Factory.SignInAsync(f.Org[Roles.Employee]);
        var refused = await employee.PostFormAsync(Page + "?handler=Return", new() { ["RequestId"] = f.Offered.ToString() }, tokenFrom: "/");
        refused.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
        (await RecordAsync(f, f.Offered)).Status.ShouldBe(RequestStatus.Offered);

        Location(await PostAsync(coordinator, Page + "?handler=Close&period=7", ("RequestId", f.Active.ToString()), ("Reason", "supporter-left")))
            .ShouldBe("/coordinate/support?period=7&done=closed");
        var closed = await RecordAsync(f, f.Active);
        (closed.Status, closed.ClosedBy).ShouldBe((RequestStatus.Closed, ClosedBy.Coordinator));
        Location(await PostAsync(coordinator, Page + "?handler=Return", ("RequestId", f.Offered.ToString()))).ShouldBe("/coordinate/support?period=30&done=returned");
        var returned = await RecordAsync(f, f.Offered);
        (returned.Status, returned.SupporterId).ShouldBe((RequestStatus.Waiting, (Guid?)null));

        var audit = await f.Factory.InScopeAsync(f.Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == QueueAudit.CoordinatorClosed || e.Action == QueueAudit.ReturnedToQueue)
            .OrderBy(e => e.Sequence).Select(e => new { e.Action, e.TargetId, e.Detail }).ToListAsync());
        audit.Select(a => (a.Action, a.TargetId, a.Detail)).ShouldBe([
            (QueueAudit.CoordinatorClosed, f.Active.ToString("N"), "reason=supporter-left"),
            (QueueAudit.ReturnedToQueue, f.Offered.ToString("N"), null),
        ]);
        var after = await ViewAsync(f);
        (after.Now.Waiting, after.Now.Offered, after.Now.Active).ShouldBe((4, 0, 0));
    }
}
