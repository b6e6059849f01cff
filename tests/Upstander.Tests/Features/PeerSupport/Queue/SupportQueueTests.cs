using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

    /// <summary>The requests of the fixture, by role in it.</summary>
    private sealed record Fixture(
        UpstanderFactory Factory, TestOrganisation Org, string DetailsCanary, string CommentCanary,
        Guid WelshWaiting, Guid UrgentWaiting, Guid RaisedWaiting, Guid Offered, Guid Active, Guid Unknown);

    /// <summary>
    /// One certified, available supporter (cap 3, English) and, relative to now: a routine request asking for Welsh
    /// (90 minutes, unmatched: nobody speaks it), an urgent one (30 minutes, matchable), a raised one naming the supporter
    /// (200 minutes, unmatched: the named person), one offered (60 minutes), one active (matched after 60 minutes, first
    /// reply 30 minutes later), three closed in the last 30 days (matched after 20, 40 and 120 minutes; replies after 10,
    /// 10 and 50), one closed 40 days ago (200 minutes; outside the period), one withdrawn; feedback on the closed ones.
    /// </summary>
    private static async Task<Fixture> StartAsync(Engine engine, int feedbackResponses)
    {
        var factory = new UpstanderFactory(engine);
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
        period.Feedback.Hidden.ShouldBeTrue("four responses are fewer than the minimum group size of five");
        (await ViewAsync(f, 90)).Period.TimeToMatch.Count.ShouldBe(5);

        var load = view.Supporters.ShouldHaveSingleItem();
        (load.Available, load.PausedUntil, load.OpenCases, load.Cap, load.ClosedInPeriod, load.DebriefOpen).ShouldBe((true, (DateOnly?)null, 2, 3, 3, false));

        var coordinator = await f.Factory.SignInAsync(f.Org[Roles.Coordinator]);
        var html = await PageAsync(coordinator, Page);
        html.ShouldContain("Fewer than 5 responses in this period");
        html.ShouldContain("3 h 20 min");
        html.ShouldContain($"/coordinate/support/requests/{f.Offered:D}/reassign");
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
    public void A_wider_period_shows_only_when_it_adds_none_or_at_least_the_minimum_to_the_narrower_one_shown()
    {
        QueuePeriods.Shown([5, 6, 11], 5).ShouldBe([true, false, true], "the 90 days would give the one rating between 30 and 90 days");
        QueuePeriods.Shown([5, 5, 10], 5).ShouldBe([true, true, true]);
        QueuePeriods.Shown([3, 5, 6], 5).ShouldBe([false, true, false], "a hidden period is no baseline");
        QueuePeriods.Shown([0, 4, 9], 5).ShouldBe([false, false, true]);
        QueuePeriods.Shown([5, 9, 10], 5).ShouldBe([true, false, true], "compared with the 7 days shown, not the 30 hidden");
    }

    [Fact]
    public async Task Feedback_means_over_a_longer_period_are_hidden_when_they_would_single_out_fewer_than_the_minimum()
    {
        // Five responses in the last 30 days; then one from 40 days ago, so the 90 days hold six.
        var f = await StartAsync(Engine.Sqlite, feedbackResponses: 5);
        await using var _ = f.Factory;
        Task AnswerAsync(int count) => f.Factory.InScopeAsync(f.Org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            for (var i = 0; i < count; i++)
            {
                db.Add(SupportFeedbackRecord.Answer(f.Org.Id, f.Active, f.Org[Roles.PeerSupporter].PersonId, 1, 1, 1, f.Factory.Clock.GetUtcNow().AddDays(-40)));
            }
            await db.SaveChangesAsync();
        });
        await AnswerAsync(1);

        (await ViewAsync(f, 30)).Period.Feedback.Value.ShouldNotBeNull().Responses.ShouldBe(5);
        var ninety = (await ViewAsync(f, 90)).Period;
        ninety.Feedback.Hidden.ShouldBeTrue("beside the 30 days' mean it would give the one answer from 40 days ago");
        ninety.FeedbackHiddenBesideShorter.ShouldBeTrue();
        var coordinator = await f.Factory.SignInAsync(f.Org[Roles.Coordinator]);
        (await PageAsync(coordinator, Page + "?period=90")).ShouldContain("this period adds fewer than 5 responses to a shorter period");

        // Four more between 30 and 90 days ago: the 90 days add five, and show.
        await AnswerAsync(4);
        (await ViewAsync(f, 90)).Period.Feedback.Value.ShouldNotBeNull().Responses.ShouldBe(10);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Feedback_means_show_from_the_minimum_group_size_and_a_coordinator_can_close_and_return_with_bad_input_refused(Engine engine)
    {
        var f = await StartAsync(engine, feedbackResponses: 5);
        await using var _ = f.Factory;
        var feedback = (await ViewAsync(f)).Period.Feedback.Value.ShouldNotBeNull();
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
