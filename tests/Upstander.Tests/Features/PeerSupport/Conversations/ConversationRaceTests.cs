using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Demo;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.PeerSupport.Conversations.ConversationWorld;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Conversations;

/// <summary>What happens when two people act on one conversation at the same moment: numbering, closing, reopening against matching.</summary>
public sealed class ConversationRaceTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Both_sides_first_messages_sent_at_the_same_moment_both_land_with_their_own_numbers(Engine engine)
    {
        // Both posts find the conversation open before either stores its message; each stores while the conversation is
        // still open (a guarded write of it, one post at a time), so the second reads the first's number and takes the next.
        var barrier = new ReadBarrier("support_requests", marker: "SELECT");
        await using var world = await StartAsync(engine, services: barrier.Register);
        var requesterToken = await world.Requester.AntiforgeryTokenAsync(world.Path);
        var supporterToken = await world.Supporter.AntiforgeryTokenAsync(world.Path);
        barrier.Arm();

        var answers = await Task.WhenAll(
            world.Requester.PostWithTokenAsync(world.Path, requesterToken, ("Body", "From the requester")),
            world.Supporter.PostWithTokenAsync(world.Path, supporterToken, ("Body", "From the supporter")));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.Redirect);
        var (numbers, reads) = await world.DbAsync(async db => (
            await db.Set<ConversationMessage>().Where(m => m.RequestId == world.Id).OrderBy(m => m.Number).Select(m => m.Number).ToListAsync(),
            await db.Set<ConversationRead>().Where(r => r.RequestId == world.Id).ToListAsync()));
        numbers.ShouldBe([1, 2]);
        reads.Select(r => r.PersonId).ShouldBe([world.Org[Roles.Employee].PersonId, world.Org[Roles.PeerSupporter].PersonId], ignoreOrder: true);
        reads.ShouldAllBe(r => r.LastReadNumber >= 1);
        (await world.RecordAsync()).FirstReplyAt.ShouldNotBeNull();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_views_of_a_conversation_at_once_by_someone_with_no_read_state_yet_both_show_it_and_are_both_audited(Engine engine)
    {
        // Two tabs opened at once: both find no read-state row for the requester before either saves, so both add one.
        var barrier = new ReadBarrier("support_conversation_reads", marker: "LIMIT");
        await using var world = await StartAsync(engine, services: barrier.Register);
        await world.SendAsync(world.Supporter, "Hello, I am here to listen.");
        var readsBefore = await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ProtectedRead));
        barrier.Arm();

        var views = await Task.WhenAll(world.Requester.GetAsync(world.Path), world.Requester.GetAsync(world.Path));

        views.ShouldAllBe(v => v.StatusCode == HttpStatusCode.OK);
        var read = (await world.DbAsync(db => db.Set<ConversationRead>().Where(r => r.RequestId == world.Id && r.PersonId == world.Org[Roles.Employee].PersonId).ToListAsync())).ShouldHaveSingleItem();
        read.LastReadNumber.ShouldBe(1);
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ProtectedRead))).ShouldBe(readsBefore + 2, "each view that showed content is audited");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Two_risky_messages_at_once_open_one_safety_concern_with_both_signs(Engine engine)
    {
        // Both posts look for an open concern (none yet) before either saves, so both try to open one.
        var barrier = new ReadBarrier("support_safety_concerns", marker: "LIMIT");
        await using var world = await StartAsync(engine, services: barrier.Register);
        var first = await world.Requester.AntiforgeryTokenAsync(world.Path);
        var second = await world.Requester.AntiforgeryTokenAsync(world.Path);
        barrier.Arm();

        var answers = await Task.WhenAll(
            world.Requester.PostWithTokenAsync(world.Path, first, ("Body", "I want to kill myself")),
            world.Requester.PostWithTokenAsync(world.Path, second, ("Body", "I have the pills here and I want to die")));

        answers.ShouldAllBe(a => a.StatusCode == HttpStatusCode.Redirect);
        var concern = (await world.DbAsync(db => db.Set<SafetyConcern>().Where(c => c.RequestId == world.Id).ToListAsync())).ShouldHaveSingleItem();
        concern.Signs.ShouldBe(2);
        (await world.DbAsync(db => db.Set<ConversationMessage>().CountAsync(m => m.RequestId == world.Id))).ShouldBe(2);
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == SafetyConcerns.Raised))).ShouldBe(2, "one event per sign, none left from the refused attempt");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_sign_of_risk_that_arrives_while_a_coordinator_follows_the_concern_up_opens_a_new_concern(Engine engine)
    {
        // The requester's second risky message has found the open concern and is held there, before adding its sign to it.
        var gate = new QueryGate("support_safety_concerns", "\"FollowedUpAt\" IS NULL");
        var (world, coordinator, concern) = await OpenConcernAsync(engine, gate.Register);
        await using var _ = world;
        var coordinatorToken = await coordinator.AntiforgeryTokenAsync(CoordinatorRequests);
        var requesterToken = await world.Requester.AntiforgeryTokenAsync(world.Path);
        gate.Arm();
        var sign = Task.Run(() => world.Requester.PostWithTokenAsync(world.Path, requesterToken, ("Body", "I have the pills here and I want to die")));
        await gate.ReachedAsync();

        Location(await coordinator.PostWithTokenAsync(CoordinatorRequests + "?handler=FollowUp", coordinatorToken,
            ("ConcernId", concern.ToString()), ("Confirm", "true"))).ShouldBe(CoordinatorRequests + "?followedUp=true");
        gate.Open();

        Location(await sign).ShouldBe(world.Path + "#help-now");
        var concerns = await world.DbAsync(db => db.Set<SafetyConcern>().AsNoTracking().OrderBy(c => c.RaisedAt).ThenBy(c => c.FollowedUpAt == null).ToListAsync());
        concerns.Count.ShouldBe(2, "the sign after the follow-up is a new concern, not one added to the concern followed up");
        concerns[0].Id.ShouldBe(concern);
        concerns[0].IsOpen.ShouldBeFalse();
        concerns[0].Signs.ShouldBe(1, "the follow-up was for the sign it knew of");
        concerns[1].IsOpen.ShouldBeTrue();
        concerns[1].Signs.ShouldBe(1);
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == SafetyConcerns.Raised))).ShouldBe(2);
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == SafetyConcerns.FollowedUp))).ShouldBe(1);
        (await PageAsync(coordinator, "/")).ShouldContain("1 safety concern in a conversation needs following up");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task When_the_supporter_and_a_coordinator_follow_a_concern_up_at_once_one_records_it_and_the_other_is_told(Engine engine)
    {
        // Both find the concern open before either saves.
        var barrier = new ReadBarrier("support_safety_concerns", marker: "LIMIT");
        var (world, coordinator, concern) = await OpenConcernAsync(engine, barrier.Register);
        await using var _ = world;
        var coordinatorToken = await coordinator.AntiforgeryTokenAsync(CoordinatorRequests);
        var supporterToken = await world.Supporter.AntiforgeryTokenAsync(world.Path);
        barrier.Arm();

        var answers = await Task.WhenAll(
            coordinator.PostWithTokenAsync(CoordinatorRequests + "?handler=FollowUp", coordinatorToken, ("ConcernId", concern.ToString()), ("Confirm", "true")),
            world.Supporter.PostWithTokenAsync(world.Path + "?handler=FollowUp", supporterToken, ("Confirm", "true")));

        answers.Count(a => a.StatusCode == HttpStatusCode.Redirect).ShouldBe(1);
        var refused = answers.Single(a => a.StatusCode != HttpStatusCode.Redirect);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var followed = (await world.DbAsync(db => db.Set<SafetyConcern>().AsNoTracking().ToListAsync())).ShouldHaveSingleItem();
        followed.IsOpen.ShouldBeFalse();
        followed.FollowedUpBy.ShouldBe(answers[0].StatusCode == HttpStatusCode.Redirect ? ConcernFollowedUpBy.Coordinator : ConcernFollowedUpBy.Supporter);
        (await BodyAsync(refused)).ShouldContain(answers[0] == refused
            ? "That concern is not open: it may have been followed up already."
            : "There is no safety concern to follow up here.");
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == SafetyConcerns.FollowedUp))).ShouldBe(1);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_handover_answered_twice_at_once_keeps_the_first_answer_and_tells_the_second(Engine engine)
    {
        // Two tabs: both find the handover still waiting for consent before either saves.
        var barrier = new ReadBarrier("support_messages", marker: "\"Consent\" IS NULL");
        await using var world = await StartAsync(engine, services: barrier.Register);
        await world.Factory.InScopeAsync(world.Org.Id, s => s.GetRequiredService<DemoResources>().SeedAsync(world.Org.Id, CancellationToken.None));
        var service = await world.DbAsync(db => db.Set<SupportResource>().Where(r => !r.IsEmergency).Select(r => r.Id).FirstAsync());
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Refer", ("ResourceId", service.ToString()), ("Handover", "true")));
        var handover = await world.DbAsync(db => db.Set<ConversationMessage>().Where(m => m.Kind == MessageKind.Handover).Select(m => m.Id).SingleAsync());
        var consents = new[] { HandoverConsent.Given, HandoverConsent.Declined };
        var answers = await BothAtOnceAsync(world, barrier, consents.Select(consent =>
            new[] { ("MessageId", handover.ToString()), ("Consent", consent) }).ToArray(), "?handler=Consent");

        var won = await OneWonAsync(answers, "That handover cannot be answered.");
        (await world.DbAsync(db => db.Set<ConversationMessage>().SingleAsync(m => m.Id == handover))).Consent.ShouldBe(consents[won]);
        (await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == ConversationAudit.HandoverAnswered).Select(e => e.Detail).ToListAsync()))
            .ShouldHaveSingleItem().ShouldEndWith("consent=" + consents[won]);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_suggested_meeting_answered_twice_at_once_keeps_the_first_answer_and_tells_the_second(Engine engine)
    {
        // Two tabs, one taking the first time and one the second: both find the suggestion unanswered before either saves.
        var barrier = new ReadBarrier("support_meetings", marker: "LIMIT");
        await using var world = await StartAsync(engine, services: barrier.Register);
        var date = DateOnly.FromDateTime(world.Factory.Clock.GetUtcNow().UtcDateTime).AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Propose",
            ("Dates", date), ("Times", "09:30"), ("Dates", date), ("Times", "14:00"), ("Duration", "30"), ("Mode", "call"))).ShouldContain("done=proposed");
        var meeting = await world.DbAsync(db => db.Set<ConversationMeeting>().SingleAsync());
        var answers = await BothAtOnceAsync(world, barrier, new[] { "0", "1" }.Select(choice =>
            new[] { ("MeetingId", meeting.Id.ToString()), ("Choice", choice) }).ToArray(), "?handler=Meeting");

        var won = await OneWonAsync(answers, "That suggestion cannot be answered.");
        var answered = await world.DbAsync(db => db.Set<ConversationMeeting>().SingleAsync());
        answered.Status.ShouldBe(MeetingStatus.Accepted);
        answered.AcceptedStart.ShouldBe(meeting.Options[won]);
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == ConversationAudit.MeetingAnswered))).ShouldBe(1);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task When_both_sides_close_at_once_one_closes_it_and_the_other_is_told_it_was_closed_in_the_meantime(Engine engine)
    {
        await using var world = await StartAsync(engine);
        await using var held = await HeldInProcess.TakeAsync(world.Factory, SupportOffers.MatchingSection, world.Org.Id);
        var byRequester = await held.StartWaitingAsync(() => PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true")));
        var bySupporter = await held.StartWaitingAsync(() => PostAsync(world.Supporter, world.Path + "?handler=Close", ("Confirm", "true")));
        await held.ReleaseAsync();
        var answers = await Task.WhenAll(byRequester, bySupporter);

        answers.Select(a => a.StatusCode).ShouldBe([HttpStatusCode.Redirect, HttpStatusCode.BadRequest], ignoreOrder: true);
        (await BodyAsync(answers.Single(a => a.StatusCode == HttpStatusCode.BadRequest))).ShouldContain("This conversation was closed in the meantime.");
        var record = await world.RecordAsync();
        record.Status.ShouldBe(RequestStatus.Closed);
        record.ClosedBy.ShouldBe(answers[0].StatusCode == HttpStatusCode.Redirect ? ClosedBy.Requester : ClosedBy.Supporter);
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == ConversationAudit.Closed))).ShouldBe(1);
    }

    [Theory]
    [InlineData(Engine.Sqlite, false)]
    [InlineData(Engine.Postgres, false)]
    [InlineData(Engine.Sqlite, true)]
    [InlineData(Engine.Postgres, true)]
    public async Task A_message_sent_as_the_supporter_closes_the_conversation_is_not_left_in_it_and_the_requester_is_told_with_their_words(Engine engine, bool risky)
    {
        // The requester's post has found the conversation open and is held there, before it stores the message.
        var gate = new QueryGate("support_requests", "SELECT");
        await using var world = await StartAsync(engine, services: gate.Register);
        var coordinator = await world.Factory.SignInAsync(world.Org[Roles.Coordinator]);
        var token = await world.Requester.AntiforgeryTokenAsync(world.Path);
        var words = risky ? "I have the pills here and I want to die" : "There is one more thing I never told anyone";
        gate.Arm();
        var send = Task.Run(() => world.Requester.PostWithTokenAsync(world.Path, token, ("Body", words)));
        await gate.ReachedAsync();

        Location(await PostAsync(world.Supporter, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldContain("done=closed");
        gate.Open();
        var answer = await send;

        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await BodyAsync(answer);
        body.ShouldContain("Your message was not sent: the conversation was closed before it arrived.");
        body.ShouldContain(words, customMessage: "the requester's words are shown back to them");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Closed);
        (await world.DbAsync(db => db.Set<ConversationMessage>().CountAsync(m => m.RequestId == world.Id))).ShouldBe(0, "nothing lands in the closed conversation");
        // The safety screen has still done its part: a sign of risk is a concern the coordinators follow up, and the requester sees where to get help now.
        (await world.DbAsync(db => db.Set<SafetyConcern>().CountAsync(c => c.RequestId == world.Id && c.FollowedUpAt == null))).ShouldBe(risky ? 1 : 0);
        if (risky)
        {
            body.ShouldContain("id=\"help-now\"");
            (await PageAsync(coordinator, "/")).ShouldContain("1 safety concern in a conversation needs following up");
        }
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_conversation_is_not_reopened_while_its_supporter_is_at_their_cap_and_the_requester_is_told_why(Engine engine)
    {
        await using var world = await StartAsync(engine);
        var supporter = world.Org[Roles.PeerSupporter].PersonId;
        await SetCapAsync(world, 1);
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldContain("done=closed");
        // Meanwhile the supporter took on someone else: their one place is taken.
        var other = await world.AskAsync(world.Requester);
        await world.AcceptAsync(other, supporter);

        var refused = await PostAsync(world.Requester, world.Path + "?handler=Reopen");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(refused)).ShouldContain("Your supporter is already supporting as many people as they can");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Closed);
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == ConversationAudit.Reopened))).ShouldBe(0);

        // Once that conversation closes, the place is free again.
        await world.ChangeAsync(other, r => r.Close(ClosedBy.Supporter, world.Factory.Clock.GetUtcNow()));
        Location(await PostAsync(world.Requester, world.Path + "?handler=Reopen")).ShouldContain("done=reopened");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Active);
    }

    [Fact]
    public async Task A_conversation_is_not_reopened_with_a_supporter_who_has_paused_and_the_requester_is_not_told_why()
    {
        await using var world = await StartAsync();
        await SetCapAsync(world, 3, pausedUntil: DateOnly.FromDateTime(world.Factory.Clock.GetUtcNow().UtcDateTime).AddDays(7));
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldContain("done=closed");

        var refused = await PostAsync(world.Requester, world.Path + "?handler=Reopen");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await BodyAsync(refused);
        body.ShouldContain("Your supporter is not taking conversations on just now");
        body.ShouldNotContain("break");
        body.ShouldNotContain("paused");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Closed);

        // When the supporter resumes, the conversation can come back.
        await world.DbAsync(async db =>
        {
            (await db.Set<SupporterSettings>().SingleAsync(s => s.PersonId == world.Org[Roles.PeerSupporter].PersonId)).Resume(world.Factory.Clock.GetUtcNow());
            return await db.SaveChangesAsync();
        });
        Location(await PostAsync(world.Requester, world.Path + "?handler=Reopen")).ShouldContain("done=reopened");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Active);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_reopening_and_a_matching_run_at_once_never_take_the_supporter_beyond_their_cap(Engine engine)
    {
        await using var world = await StartAsync(engine);
        var supporter = world.Org[Roles.PeerSupporter].PersonId;
        await SetCapAsync(world, 1);
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldContain("done=closed");
        // A routine request waits for the requester's choice; then matching turns automatic without running yet.
        var waiting = await world.AskAsync(world.Requester);
        (await world.RecordAsync(waiting)).Status.ShouldBe(RequestStatus.Waiting);
        await world.DbAsync(async db =>
        {
            var settings = await db.Set<MatchingSettings>().SingleOrDefaultAsync();
            if (settings is null)
            {
                settings = MatchingSettings.Defaults(world.Org.Id);
                db.Add(settings);
            }
            settings.Apply(settings.Options with { Mode = MatchingMode.Automatic }, 24, 2, world.Factory.Clock.GetUtcNow());
            return await db.SaveChangesAsync();
        });

        await using var held = await HeldInProcess.TakeAsync(world.Factory, SupportOffers.MatchingSection, world.Org.Id);
        var run = await held.StartWaitingAsync(() => world.Factory.InScopeAsync(world.Org.Id, s => s.GetRequiredService<SupportOffers>().RunAsync(CancellationToken.None)));
        var reopen = await held.StartWaitingAsync(() => PostAsync(world.Requester, world.Path + "?handler=Reopen"));
        await held.ReleaseAsync();
        var (offered, answer) = (await run, await reopen);

        if (answer.StatusCode == HttpStatusCode.Redirect)
        {
            // Reopened first: the supporter's one place is the conversation again, and matching offers them nothing.
            offered.ShouldBe(0);
            (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Active);
            (await world.RecordAsync(waiting)).Status.ShouldBe(RequestStatus.Waiting);
        }
        else
        {
            // Matched first: the waiting request took the place, and the reopening is refused with the reason.
            answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await BodyAsync(answer)).ShouldContain("Your supporter is already supporting as many people as they can");
            offered.ShouldBe(1);
            (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Closed);
            (await world.RecordAsync(waiting)).SupporterId.ShouldBe(supporter);
        }
        (await world.DbAsync(db => db.Set<SupportRequestRecord>()
            .CountAsync(r => r.SupporterId == supporter && (r.Status == RequestStatus.Offered || r.Status == RequestStatus.Active)))).ShouldBe(1);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_reopening_that_arrives_while_retention_removes_the_conversation_waits_and_is_refused_with_the_reason(Engine engine)
    {
        // Retention has read which conversations are due (this one among them) and is held there.
        var gate = new QueryGate("support_requests", "\"ContentErasedAt\" IS NULL");
        var (world, requester, token) = await DueForRetentionAsync(engine, gate);
        await using var _ = world;
        var (counts, answer) = await SecondWaitsForFirstAsync(world, gate,
            () => RetainAsync(world), () => requester.PostWithTokenAsync(world.Path + "?handler=Reopen", token));

        counts.Conversations.ShouldBe(1);
        answer.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(answer)).ShouldContain("The messages of this conversation have been removed");
        var record = await world.RecordAsync();
        record.Status.ShouldBe(RequestStatus.Closed);
        record.ContentErasedAt.ShouldNotBeNull();
        (await world.DbAsync(db => db.Set<ConversationMessage>().CountAsync(m => m.RequestId == world.Id))).ShouldBe(0);
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == ConversationAudit.Reopened))).ShouldBe(0);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Retention_that_arrives_while_a_conversation_is_reopened_waits_and_leaves_the_open_conversation_whole(Engine engine)
    {
        // The reopening has read the conversation (closed, and due for retention) and is held inside the section, checking the supporter.
        var gate = new QueryGate("supporter_settings", "SELECT");
        var (world, requester, token) = await DueForRetentionAsync(engine, gate);
        await using var _ = world;
        var (answer, counts) = await SecondWaitsForFirstAsync(world, gate,
            () => requester.PostWithTokenAsync(world.Path + "?handler=Reopen", token), () => RetainAsync(world));

        Location(answer).ShouldContain("done=reopened");
        counts.ShouldBe(RetentionCounts.None, "an open conversation has no close date");
        var record = await world.RecordAsync();
        record.Status.ShouldBe(RequestStatus.Active);
        record.ContentErasedAt.ShouldBeNull();
        (await world.DbAsync(db => db.Set<ConversationMessage>().CountAsync(m => m.RequestId == world.Id))).ShouldBe(1);
    }

    /// <summary>
    /// A conversation with one message, closed and past its retention time (10 days) but still within the reopen window (30
    /// days), and the requester signed in again (the earlier session has run out in those days) with a token to post.
    /// </summary>
    private static async Task<(ConversationWorld World, HttpClient Requester, string Token)> DueForRetentionAsync(Engine engine, QueryGate gate)
    {
        var world = await StartAsync(engine, settings: new Dictionary<string, string?> { ["PeerSupport:ReopenDays"] = "30", ["PeerSupport:RetentionDays"] = "10" },
            services: gate.Register);
        await world.SendAsync(world.Requester, "Something I said");
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldContain("done=closed");
        world.Factory.Clock.Advance(TimeSpan.FromDays(11));
        var requester = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        return (world, requester, await requester.AntiforgeryTokenAsync(world.Path));
    }

    /// <summary>The requester posts both answers at once from two tabs, held by the barrier until both have read.</summary>
    private static async Task<HttpResponseMessage[]> BothAtOnceAsync(ConversationWorld world, ReadBarrier barrier, (string, string)[][] answers, string handler)
    {
        var tokens = new[] { await world.Requester.AntiforgeryTokenAsync(world.Path), await world.Requester.AntiforgeryTokenAsync(world.Path) };
        barrier.Arm();
        return await Task.WhenAll(answers.Select((fields, i) => world.Requester.PostWithTokenAsync(world.Path + handler, tokens[i], fields)));
    }

    /// <summary>Which of two answers was taken (redirected); the other was refused (400) with <paramref name="refusal"/>.</summary>
    private static async Task<int> OneWonAsync(HttpResponseMessage[] answers, string refusal)
    {
        answers.Count(a => a.StatusCode == HttpStatusCode.Redirect).ShouldBe(1);
        var won = answers[0].StatusCode == HttpStatusCode.Redirect ? 0 : 1;
        answers[1 - won].StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(answers[1 - won])).ShouldContain(refusal);
        return won;
    }

    private const string CoordinatorRequests = "/coordinate/requests";

    /// <summary>A conversation whose requester's message opened a safety concern (its id), and a coordinator signed in.</summary>
    private static async Task<(ConversationWorld World, HttpClient Coordinator, Guid Concern)> OpenConcernAsync(Engine engine, Action<IServiceCollection> services)
    {
        var world = await StartAsync(engine, services: services);
        await world.SendAsync(world.Requester, "I want to kill myself");
        var concern = (await world.DbAsync(db => db.Set<SafetyConcern>().Select(c => c.Id).ToListAsync())).ShouldHaveSingleItem();
        return (world, await world.Factory.SignInAsync(world.Org[Roles.Coordinator]), concern);
    }

    /// <summary>Holds <paramref name="first"/> at the gate inside the matching section, and lets <paramref name="second"/> go only once it has finished.</summary>
    private static Task<(TFirst, TSecond)> SecondWaitsForFirstAsync<TFirst, TSecond>(
        ConversationWorld world, QueryGate gate, Func<Task<TFirst>> first, Func<Task<TSecond>> second) =>
        HeldInProcess.SecondWaitsForFirstAsync(world.Factory, SupportOffers.MatchingSection, world.Org.Id, gate, first, second);

    private static Task<RetentionCounts> RetainAsync(ConversationWorld world) =>
        world.Factory.InScopeAsync(world.Org.Id, s => s.GetRequiredService<ConversationRetention>().RunAsync(CancellationToken.None));

    private static Task<int> SetCapAsync(ConversationWorld world, int cap, DateOnly? pausedUntil = null) => world.DbAsync(async db =>
    {
        var settings = SupporterSettings.For(world.Org.Id, world.Org[Roles.PeerSupporter].PersonId);
        settings.Apply(true, pausedUntil, cap, ["en"], [], world.Factory.Clock.GetUtcNow());
        db.Add(settings);
        return await db.SaveChangesAsync();
    });
}
