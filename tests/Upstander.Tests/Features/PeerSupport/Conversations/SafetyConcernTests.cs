using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.PeerSupport.Conversations.ConversationWorld;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Conversations;

/// <summary>
/// Safety escalation inside a conversation: risk in what the requester writes (a message, a feedback comment) or the
/// supporter's worry opens a concern; the requester sees crisis resources, the supporter the safety steps, coordinators an
/// alert (and email), until the supporter or a coordinator records the follow-up. Nothing written ever reaches an alert.
/// </summary>
public sealed class SafetyConcernTests
{
    private const string HelpNow = "You do not have to wait: help is here now";
    private const string SupporterBanner = "Safety concern: they may be at risk";
    private const string CoordinatorNotice = "1 safety concern in a conversation needs following up";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Risk_in_a_requesters_message_reaches_the_requester_the_supporter_and_coordinators_without_the_words(Engine engine)
    {
        await using var world = await StartAsync(engine);
        var canary = Canary.New("risk");
        var coordinator = await world.Factory.SignInAsync(world.Org[Roles.Coordinator]);
        (await PageAsync(world.Requester, world.Path)).ShouldNotContain(HelpNow);
        (await PageAsync(coordinator, "/")).ShouldNotContain(CoordinatorNotice);

        var sent = Location(await PostAsync(world.Requester, world.Path, ("Body", "I just want to kill myself tonight " + canary)));
        sent.ShouldBe(world.Path + "#help-now", "the page opens at the crisis section");

        var concern = (await ConcernsAsync(world)).ShouldHaveSingleItem();
        concern.IsOpen.ShouldBeTrue();
        concern.Source.ShouldBe(ConcernSource.Message);
        concern.Level.ShouldBe(RiskLevel.High);
        concern.CategoryList.ShouldContain(RiskCategory.SelfHarm);
        var record = await world.RecordAsync();
        record.Priority.ShouldBe(QueuePriority.Urgent, "if the conversation goes back to the queue, it goes to the front");
        record.RiskLevel.ShouldBe(RiskLevel.High);
        (await world.DbAsync(db => db.Set<ConversationMessage>().Select(m => m.Risk).SingleAsync())).ShouldBe(RiskLevel.High);

        // The requester: crisis resources before the thread.
        var requesterPage = await PageAsync(world.Requester, world.Path);
        requesterPage.ShouldContain(HelpNow);
        requesterPage.IndexOf(HelpNow, StringComparison.Ordinal).ShouldBeLessThan(requesterPage.IndexOf(canary, StringComparison.Ordinal));
        requesterPage.ShouldNotContain("The safety screen found signs of risk in this message", Case.Sensitive, "the marks are for the supporter");

        // The supporter: the safety steps, the message marked, the live view marking it too, and the list putting it first.
        var supporterPage = await PageAsync(world.Supporter, world.Path);
        supporterPage.ShouldContain(SupporterBanner);
        supporterPage.ShouldContain("The safety screen found signs of risk in this message.");
        supporterPage.ShouldContain("thoughts of harming themselves");
        supporterPage.ShouldContain("I have checked in with them");
        var live = JsonDocument.Parse(await world.Supporter.GetStringAsync(world.Path + "/messages?after=0")).RootElement.GetProperty("messages")[0];
        live.GetProperty("risk").GetString().ShouldNotBeNull();
        (await PageAsync(world.Supporter, "/supporter/conversations")).ShouldContain("Safety concern");

        // Coordinators: the notice and the list, with the supporter to reach, never the words.
        var home = await PageAsync(coordinator, "/");
        home.ShouldContain(CoordinatorNotice);
        var list = await PageAsync(coordinator, "/coordinate/requests");
        list.ShouldContain("Safety concerns in conversations");
        list.ShouldContain("A message they wrote");
        list.ShouldContain("PeerSupporter of Talk Org");
        list.ShouldContain(record.Pseudonym);
        list.ShouldNotContain(canary);
        list.ShouldNotContain("kill myself");

        // Audited without the requester's account and without the words.
        var events = await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == SafetyConcerns.Raised).ToListAsync());
        var raised = events.ShouldHaveSingleItem();
        raised.ActorKind.ShouldBe(AuditLog.HiddenRequester);
        raised.ActorId.ShouldBeNull();
        raised.Detail.ShouldBe("source=message;level=High;sign=1");

        // A second sign adds to the open concern rather than opening another.
        await world.SendAsync(world.Requester, "I'm not ok, I can't cope with any of this");
        var again = (await ConcernsAsync(world)).ShouldHaveSingleItem();
        again.Signs.ShouldBe(2);
        again.Level.ShouldBe(RiskLevel.High, "the level never falls");
        (await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == SafetyConcerns.Raised).OrderBy(e => e.Sequence).Select(e => e.Detail).ToListAsync()))
            .ShouldBe(["source=message;level=High;sign=1", "source=message;level=Possible;sign=2"], "each event says which sign of the concern it was");

        // The supporter records the follow-up: the concern ends, and with it the crisis section and the alerts.
        var before = await RowCounts.TakeAsync(world.Factory.Database);
        (await PostAsync(world.Supporter, world.Path + "?handler=FollowUp")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the tick is required");
        RowCounts.Differences(before, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();
        (await ConcernsAsync(world)).ShouldAllBe(c => c.IsOpen);
        Location(await PostAsync(world.Supporter, world.Path + "?handler=FollowUp", ("Confirm", "true"))).ShouldBe(world.Path + "?done=followed-up#safety");
        var followed = (await ConcernsAsync(world)).ShouldHaveSingleItem();
        followed.IsOpen.ShouldBeFalse();
        followed.FollowedUpBy.ShouldBe(ConcernFollowedUpBy.Supporter);
        (await PageAsync(world.Requester, world.Path)).ShouldNotContain(HelpNow);
        (await PageAsync(world.Supporter, world.Path)).ShouldNotContain(SupporterBanner);
        (await PageAsync(coordinator, "/")).ShouldNotContain(CoordinatorNotice);
        (await PageAsync(coordinator, "/coordinate/requests")).ShouldContain("Followed up by the supporter on");
        (await PostAsync(world.Supporter, world.Path + "?handler=FollowUp", ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "nothing is open any more");

        // A new sign after the follow-up opens a new concern.
        await world.SendAsync(world.Requester, "he said he'd be waiting for me in the car park after work");
        (await ConcernsAsync(world)).Count(c => c.IsOpen).ShouldBe(1);
        (await ConcernsAsync(world)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Ordinary_messages_raise_nothing_and_the_supporters_own_questions_are_not_screened()
    {
        await using var world = await StartAsync();
        Location(await PostAsync(world.Requester, world.Path, ("Body", "Thank you, Tuesday at ten works for me."))).ShouldBe(world.Path + "#new");
        // Supporters are trained to ask directly; their words must not raise an alarm about the person they support.
        await world.SendAsync(world.Supporter, "Can I ask you directly: are you having thoughts of killing yourself?");
        (await ConcernsAsync(world)).ShouldBeEmpty();
        (await world.RecordAsync()).Priority.ShouldBe(QueuePriority.Routine);
        (await PageAsync(world.Requester, world.Path)).ShouldNotContain(HelpNow);
        (await PageAsync(world.Supporter, world.Path)).ShouldContain("Worried about their safety?");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_supporter_raises_a_concern_and_a_coordinator_records_the_follow_up(Engine engine)
    {
        await using var world = await StartAsync(engine);
        var coordinator = await world.Factory.SignInAsync(world.Org[Roles.Coordinator]);
        var (_, second) = await world.SecondSupporterAsync();
        var before = await RowCounts.TakeAsync(world.Factory.Database);
        (await PostAsync(world.Supporter, world.Path + "?handler=Concern")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the tick is required");
        (await PostAsync(world.Requester, world.Path + "?handler=Concern", ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "only the supporter raises one");
        (await PostAsync(world.Requester, world.Path + "?handler=FollowUp", ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(coordinator, "/coordinate/requests?handler=FollowUp", ("ConcernId", Guid.NewGuid().ToString()), ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        foreach (var handler in new[] { "Concern", "FollowUp" })
        {
            (await PostAsOutsiderAsync(second, world.Path + "?handler=" + handler, ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.NotFound, handler);
        }
        RowCounts.Differences(before, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();

        Location(await PostAsync(world.Supporter, world.Path + "?handler=Concern", ("Confirm", "true"))).ShouldBe(world.Path + "?done=concern#safety");
        var concern = (await ConcernsAsync(world)).ShouldHaveSingleItem();
        concern.Source.ShouldBe(ConcernSource.Supporter);
        concern.Level.ShouldBe(RiskLevel.High);
        var raised = (await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == SafetyConcerns.Raised).ToListAsync())).ShouldHaveSingleItem();
        raised.ActorId.ShouldBe(world.Org[Roles.PeerSupporter].AccountId, "a supporter acting in their role is recorded as themselves");
        (await PageAsync(world.Requester, world.Path)).ShouldContain(HelpNow);
        (await PageAsync(world.Supporter, world.Path)).ShouldContain("You raised a safety concern on");
        var list = await PageAsync(coordinator, "/coordinate/requests");
        list.ShouldContain("Their supporter");

        // A coordinator needs the tick too; then the concern ends, recorded as theirs; a second follow-up is refused.
        var path = "/coordinate/requests?handler=FollowUp";
        (await PostAsync(coordinator, path, ("ConcernId", concern.Id.ToString()))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ConcernsAsync(world)).ShouldHaveSingleItem().IsOpen.ShouldBeTrue();
        Location(await PostAsync(coordinator, path, ("ConcernId", concern.Id.ToString()), ("Confirm", "true"))).ShouldBe("/coordinate/requests?followedUp=true");
        var followed = (await ConcernsAsync(world)).ShouldHaveSingleItem();
        followed.FollowedUpBy.ShouldBe(ConcernFollowedUpBy.Coordinator);
        var followUp = (await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == SafetyConcerns.FollowedUp).ToListAsync())).ShouldHaveSingleItem();
        followUp.ActorId.ShouldBe(world.Org[Roles.Coordinator].AccountId);
        (await PostAsync(coordinator, path, ("ConcernId", concern.Id.ToString()), ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PageAsync(world.Requester, world.Path)).ShouldNotContain(HelpNow);

        // Other roles cannot reach the coordinators' list.
        Location(await world.Supporter.GetAsync("/coordinate/requests")).ShouldContain("/account/access-denied");
    }

    [Fact]
    public async Task Risk_in_a_feedback_comment_after_closing_raises_a_concern()
    {
        await using var world = await StartAsync();
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldEndWith("?done=closed");
        var done = Location(await PostAsync(world.Requester, world.Path + "?handler=Feedback",
            ("FeltHeard", "2"), ("NextSteps", "1"), ("WouldRecommend", "2"), ("Comment", "Nothing helps. I don't want to be here anymore.")));
        done.ShouldBe(world.Path + "?done=feedback#help-now");
        var concern = (await ConcernsAsync(world)).ShouldHaveSingleItem();
        concern.Source.ShouldBe(ConcernSource.Feedback);
        (await PageAsync(world.Requester, world.Path)).ShouldContain(HelpNow);
        (await PageAsync(world.Supporter, world.Path)).ShouldContain(SupporterBanner, Case.Sensitive, "the supporter still holds the closed conversation");
    }

    [Fact]
    public async Task Feedback_whose_comment_raises_a_concern_is_never_stored_without_it_so_a_failed_save_can_be_answered_again()
    {
        await using var world = await StartAsync();
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldEndWith("?done=closed");
        (string Name, string Value)[] answers =
            [("FeltHeard", "2"), ("NextSteps", "1"), ("WouldRecommend", "2"), ("Comment", "Nothing helps. I don't want to be here anymore.")];
        await using (await world.Factory.Database.RefuseInsertsAsync("support_safety_concerns"))
        {
            (await PostAsync(world.Requester, world.Path + "?handler=Feedback", answers)).StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            (await world.DbAsync(db => db.Set<SupportFeedbackRecord>().CountAsync())).ShouldBe(0,
                "answers stored without their concern would close the form, and the risk in them would reach nobody");
            (await PageAsync(world.Requester, world.Path)).ShouldContain("name=\"FeltHeard\"", Case.Sensitive, "the questions are still there to answer");
        }

        Location(await PostAsync(world.Requester, world.Path + "?handler=Feedback", answers)).ShouldBe(world.Path + "?done=feedback#help-now");
        (await ConcernsAsync(world)).ShouldHaveSingleItem().Source.ShouldBe(ConcernSource.Feedback);
        (await world.DbAsync(db => db.Set<SupportFeedbackRecord>().CountAsync())).ShouldBe(1);
    }

    [Fact]
    public async Task Coordinators_and_the_supporter_are_emailed_once_per_concern_with_nothing_that_names_or_quotes()
    {
        await using var sink = new SmtpSink();
        await using var world = await StartAsync(settings: sink.Settings());
        var canary = Canary.New("mail");
        await world.SendAsync(world.Requester, "I want to end my life " + canary);
        await world.SendAsync(world.Requester, "I have the pills here");

        var coordinatorMail = await sink.WaitForMailToAsync(world.Org[Roles.Coordinator].Email);
        coordinatorMail.Subject.ShouldBe("Talk Org: someone in peer support may be at risk");
        (coordinatorMail.TextBody ?? "").ShouldContain("/coordinate/requests");
        var supporterMail = await sink.WaitForMailToAsync(world.Org[Roles.PeerSupporter].Email);
        (supporterMail.TextBody ?? "").ShouldContain(world.Path);
        var record = await world.RecordAsync();
        foreach (var mail in new[] { coordinatorMail, supporterMail })
        {
            var text = mail.Subject + mail.TextBody;
            text.ShouldNotContain(canary);
            text.ShouldNotContain("pills");
            text.ShouldNotContain(record.Pseudonym);
            text.ShouldNotContain("Employee of Talk Org");
        }
        // One concern, one alert each: the second message added to it.
        (await world.DbAsync(db => db.Set<Upstander.Platform.Mail.OutgoingMail>().CountAsync(m => m.Purpose == SafetyConcerns.MailPurpose))).ShouldBe(2);
    }

    [Fact]
    public async Task A_concern_is_never_saved_without_its_alerts_a_refused_save_keeps_neither_and_the_next_try_has_both()
    {
        await using var sink = new SmtpSink();
        await using var world = await StartAsync(settings: sink.Settings());
        // The outbox refuses every message.
        await using (await world.Factory.Database.RefuseInsertsAsync("outgoing_mail"))
        {
            var refused = await PostAsync(world.Requester, world.Path, ("Body", "I want to end my life"));
            refused.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
            (await ConcernsAsync(world)).ShouldBeEmpty("a concern nobody was told about would sit unseen until someone opened the list");
            (await world.DbAsync(db => db.Set<ConversationMessage>().CountAsync())).ShouldBe(0, "the message is not stored without its concern either");
        }

        await world.SendAsync(world.Requester, "I want to end my life");
        (await ConcernsAsync(world)).ShouldHaveSingleItem();
        (await world.DbAsync(db => db.Set<Upstander.Platform.Mail.OutgoingMail>().CountAsync(m => m.Purpose == SafetyConcerns.MailPurpose))).ShouldBe(2);
        await sink.WaitForMailToAsync(world.Org[Roles.Coordinator].Email);
    }

    [Fact]
    public async Task Retention_removes_a_conversations_concerns_with_its_content_once_followed_up_and_not_before()
    {
        await using var world = await StartAsync();
        await world.SendAsync(world.Requester, "I want to kill myself");
        (await ConcernsAsync(world)).ShouldHaveSingleItem();
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldEndWith("?done=closed");
        world.Factory.Clock.Advance(TimeSpan.FromDays(181));
        await ConversationRetention.RunEverywhereAsync(world.Factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        (await ConcernsAsync(world)).ShouldHaveSingleItem().IsOpen.ShouldBeTrue("a concern stays open until the follow-up, past retention too");
        var supporter = await world.Factory.SignInAsync(world.Org[Roles.PeerSupporter]);
        (await PageAsync(supporter, world.Path)).ShouldContain(SupporterBanner);

        Location(await PostAsync(supporter, world.Path + "?handler=FollowUp", ("Confirm", "true")));
        await ConversationRetention.RunEverywhereAsync(world.Factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        (await ConcernsAsync(world)).ShouldBeEmpty();
        (await world.DbAsync(db => db.Set<ConversationMessage>().CountAsync())).ShouldBe(0);
    }

    private static Task<List<SafetyConcern>> ConcernsAsync(ConversationWorld world) =>
        world.DbAsync(db => db.Set<SafetyConcern>().AsNoTracking().OrderBy(c => c.RaisedAt).ToListAsync());
}
