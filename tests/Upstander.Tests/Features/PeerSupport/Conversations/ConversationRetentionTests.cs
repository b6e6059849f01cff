using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Upstander.Features.Demo;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Platform.Retention;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Conversations;

/// <summary>Retention: a closed conversation's content (and a withdrawn request's words) goes the configured time after closing, and nothing sooner.</summary>
public sealed class ConversationRetentionTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Content_goes_after_the_retention_time_and_not_before_and_a_reopened_conversation_keeps_its_content(Engine engine)
    {
        await using var world = await ConversationWorld.StartAsync(engine, details: "My words " + Canary.New("details"));
        var clock = world.Factory.Clock;
        await world.Factory.InScopeAsync(world.Org.Id, s => s.GetRequiredService<DemoResources>().SeedAsync(world.Org.Id, CancellationToken.None));
        var resource = await world.DbAsync(db => db.Set<SupportResource>().Select(r => r.Id).FirstAsync());
        var day = clock.GetUtcNow().UtcDateTime.Date.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The conversation retention should empty: a canary in every kind of content.
        await world.SendAsync(world.Requester, Canary.New("message"));
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Note", ("Note", Canary.New("note"))));
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Propose", ("Dates", day), ("Times", "10:00"), ("Duration", "30"), ("Mode", "in-person"), ("Place", Canary.New("place"))));
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Refer", ("ResourceId", resource.ToString()), ("ReferralNote", Canary.New("referral"))));
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true")));
        Location(await PostAsync(world.Requester, world.Path + "?handler=Feedback", ("FeltHeard", "4"), ("NextSteps", "4"), ("WouldRecommend", "5"), ("Comment", Canary.New("comment"))));

        // A second conversation, closed at the same time and then reopened: it has no close date, so it stays.
        var kept = await world.AskAsync(world.Requester);
        await world.AcceptAsync(kept, world.Org[Roles.PeerSupporter].PersonId);
        var keptMessage = Canary.New("kept");
        await world.ChangeAsync(kept, r => r.Close(ClosedBy.Supporter, clock.GetUtcNow()));
        // A withdrawn request's words go on the same timetable.
        var withdrawn = await world.AskAsync(world.Requester, "Withdrawn words " + Canary.New("withdrawn"));
        await world.ChangeAsync(withdrawn, r => r.Withdraw(clock.GetUtcNow()));

        var sealedValues = await SealedValuesAsync(world);
        sealedValues.Count.ShouldBe(7, "the words, message, note, place, referral note, comment and the withdrawn words");

        clock.Advance(TimeSpan.FromDays(10));
        await world.ChangeAsync(kept, r => r.Reopen());
        await world.Factory.InScopeAsync(world.Org.Id, async s =>
        {
            var db = s.GetRequiredService<Upstander.Platform.Data.AppDbContext>();
            var protector = s.GetRequiredService<Upstander.Platform.Protection.FieldProtector>();
            var message = ConversationMessage.Write(world.Org.Id, kept, 1, world.Org[Roles.Employee].PersonId, ConversationSide.Requester, MessageKind.Text, null, clock.GetUtcNow());
            message.SealBody(protector.Seal(keptMessage, ConversationMessage.BodyPurpose, message.Id));
            db.Add(message);
            await db.SaveChangesAsync();
        });

        // Before the deadline: nothing goes.
        clock.Advance(TimeSpan.FromDays(169));
        (await RunAsync(world)).ShouldBe(RetentionCounts.None);
        (await SealedValuesAsync(world)).Count.ShouldBe(8);

        // After it: every canary's row or sealed value is gone; timings and the feedback numbers stay.
        clock.Advance(TimeSpan.FromDays(2));
        // Run by the background job the timer drives; it logs the counts, never the content.
        var job = world.Factory.Services.GetServices<IHostedService>().OfType<RetentionJob>()
            .Single(j => j.Pass.Name == "conversations and requests");
        await job.RunOnceAsync(CancellationToken.None);
        world.Factory.Logs.All.ShouldContain(ConversationRetention.Outcome(new RetentionCounts(2, 2, 1, 1, 1)).Summary);
        world.Factory.Logs.All.ShouldNotContain("CANARY-");
        var left = await SealedValuesAsync(world);
        left.Count.ShouldBe(1, "only the reopened conversation's message");
        (await world.DbAsync(db => db.Set<ConversationMessage>().Select(m => m.RequestId).SingleAsync())).ShouldBe(kept);
        (await world.DbAsync(db => db.Set<SupporterNote>().CountAsync())).ShouldBe(0);
        (await world.DbAsync(db => db.Set<ConversationMeeting>().CountAsync())).ShouldBe(0);
        var feedback = await world.DbAsync(db => db.Set<SupportFeedbackRecord>().SingleAsync());
        (feedback.FeltHeard, feedback.NextSteps, feedback.WouldRecommend, feedback.CommentSealed).ShouldBe((4, 4, 5, (string?)null));
        var erased = await world.RecordAsync();
        (erased.DetailsSealed, erased.NamedPeople, erased.ContentErasedAt is null).ShouldBe((null, "", false));
        erased.FirstAcceptedAt.ShouldNotBeNull();
        erased.ClosedAt.ShouldNotBeNull();
        (await world.RecordAsync(withdrawn)).DetailsSealed.ShouldBeNull();
        (await world.RecordAsync(kept)).ContentErasedAt.ShouldBeNull();
        (await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == ConversationAudit.RetentionRun).Select(e => e.Detail).SingleAsync()))
            .ShouldBe("conversations=2;messages=2;notes=1;meetings=1;comments=1");

        // Nothing of the removed content is left in the database's bytes: not the ciphertexts, not the canaries.
        var removed = sealedValues.Where(v => !left.Contains(v)).ToList();
        removed.Count.ShouldBe(7);
        var raw = engine == Engine.Sqlite ? Canary.SqliteBytes(world.Factory.Database) : await Canary.PostgresDumpAsync(world.Factory.Database);
        foreach (var value in removed)
        {
            Canary.Contains(raw, value).ShouldBeFalse("a removed ciphertext is still in the database file");
        }
        Encoding.UTF8.GetString(raw).ShouldNotContain("CANARY-");

        // Running again finds nothing; the requester's page still opens, without the content.
        (await RunAsync(world)).ShouldBe(RetentionCounts.None);
        var requester = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var page = await PageAsync(requester, world.Path);
        page.ShouldContain("No messages yet.");
        page.ShouldNotContain("Reopen the conversation");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Once_retention_has_removed_a_conversation_nothing_more_is_written_to_it_and_its_forms_are_gone(Engine engine)
    {
        await using var world = await ClosedAsync(engine);
        (await PageAsync(world.Requester, world.Path)).ShouldContain("name=\"FeltHeard\"", Case.Sensitive, "the questions wait after closing");
        world.Factory.Clock.Advance(TimeSpan.FromDays(181));
        (await RunAsync(world)).Conversations.ShouldBe(1);
        // Months later both sign in again.
        var (requester, supporter) = await SignInAgainAsync(world);

        // The forms are gone: no questions for the requester, no notes or concern for the supporter.
        (await PageAsync(requester, world.Path)).ShouldNotContain("name=\"FeltHeard\"");
        var supporterPage = await PageAsync(supporter, world.Path);
        supporterPage.ShouldNotContain("name=\"Note\"");
        supporterPage.ShouldNotContain("Tell a coordinator");

        // Posting anyway answers 400, says why, and stores nothing: a comment, a note or a concern written now would never go.
        const string Removed = "The messages of this conversation have been removed";
        var before = await RowCounts.TakeAsync(world.Factory.Database);
        var feedback = await PostAsync(requester, world.Path + "?handler=Feedback", RiskyFeedback);
        feedback.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ConversationWorld.BodyAsync(feedback)).ShouldContain(Removed);
        var note = await PostAsync(supporter, world.Path + "?handler=Note", ("Note", Canary.New("late-note")));
        note.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ConversationWorld.BodyAsync(note)).ShouldContain(Removed);
        (await PostAsync(supporter, world.Path + "?handler=Concern", ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();
        (await SealedValuesAsync(world)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_concern_raised_just_before_retention_keeps_the_conversation_until_its_follow_up_and_then_it_goes(Engine engine)
    {
        await using var world = await ClosedAsync(engine);
        // A risky comment the day before the content is due to go.
        world.Factory.Clock.Advance(TimeSpan.FromDays(179));
        var (requester, _) = await SignInAgainAsync(world);
        Location(await PostAsync(requester, world.Path + "?handler=Feedback", RiskyFeedback)).ShouldBe(world.Path + "?done=feedback#help-now");
        var concern = await world.DbAsync(db => db.Set<SafetyConcern>().AsNoTracking().SingleAsync());

        // Past the deadline the concern is still open, so the conversation is kept whole.
        world.Factory.Clock.Advance(TimeSpan.FromDays(2));
        (await RunAsync(world)).ShouldBe(RetentionCounts.None);
        (await world.DbAsync(db => db.Set<SafetyConcern>().AsNoTracking().SingleAsync())).IsOpen.ShouldBeTrue("a concern stays open until the follow-up");
        (await world.RecordAsync()).ContentErasedAt.ShouldBeNull();
        var coordinator = await world.Factory.SignInAsync(world.Org[Roles.Coordinator]);
        (await PageAsync(coordinator, "/")).ShouldContain("1 safety concern in a conversation needs following up");

        // A coordinator records the follow-up: the next pass removes the content and the concern with it.
        Location(await PostAsync(coordinator, "/coordinate/requests?handler=FollowUp", ("ConcernId", concern.Id.ToString()), ("Confirm", "true")));
        (await RunAsync(world)).ShouldBe(new RetentionCounts(1, 0, 0, 0, 1));
        (await world.DbAsync(db => db.Set<SafetyConcern>().CountAsync())).ShouldBe(0);
        (await world.RecordAsync()).ContentErasedAt.ShouldNotBeNull();
        (await SealedValuesAsync(world)).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_cli_verb_runs_retention_and_prints_counts_only()
    {
        await using var world = await ConversationWorld.StartAsync();
        await world.SendAsync(world.Requester, "Hello");
        var result = await Cli.RunAsync(world.Factory.Database, "retention", "run");
        result.ExitCode.ShouldBe(0, result.Error);
        result.Output.ShouldContain("Retention removed the content of 0 conversations or requests: 0 messages, 0 notes, 0 meetings, 0 feedback comments.");
        (await world.DbAsync(db => db.Set<ConversationMessage>().CountAsync())).ShouldBe(1);
    }

    /// <summary>Answers to the feedback questions whose comment the safety screen finds risk in.</summary>
    private static readonly (string, string)[] RiskyFeedback =
        [("FeltHeard", "2"), ("NextSteps", "1"), ("WouldRecommend", "2"), ("Comment", "Nothing helps. I don't want to be here anymore.")];

    /// <summary>A conversation its requester has closed.</summary>
    private static async Task<ConversationWorld> ClosedAsync(Engine engine)
    {
        var world = await ConversationWorld.StartAsync(engine);
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldEndWith("?done=closed");
        return world;
    }

    private static async Task<(HttpClient Requester, HttpClient Supporter)> SignInAgainAsync(ConversationWorld world) =>
        (await world.Factory.SignInAsync(world.Org[Roles.Employee]), await world.Factory.SignInAsync(world.Org[Roles.PeerSupporter]));

    private static async Task<RetentionCounts> RunAsync(ConversationWorld world)
    {
        var sum = await ConversationRetention.RunEverywhereAsync(world.Factory.Services.GetRequiredService<IServiceScopeFactory>(), CancellationToken.None);
        sum.Failures.ShouldBeEmpty();
        return sum.Total;
    }

    /// <summary>Every sealed value the conversations and requests hold.</summary>
    private static Task<List<string>> SealedValuesAsync(ConversationWorld world) => world.DbAsync(async db =>
    {
        var values = new List<string?>();
        values.AddRange(await db.Set<SupportRequestRecord>().Select(r => r.DetailsSealed).ToListAsync());
        values.AddRange(await db.Set<ConversationMessage>().Select(m => m.BodySealed).ToListAsync());
        values.AddRange(await db.Set<SupporterNote>().Select(n => n.NoteSealed).ToListAsync());
        values.AddRange(await db.Set<ConversationMeeting>().Select(m => m.PlaceSealed).ToListAsync());
        values.AddRange(await db.Set<SupportFeedbackRecord>().Select(f => f.CommentSealed).ToListAsync());
        return values.OfType<string>().ToList();
    });
}
