using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Demo;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.PeerSupport.Conversations.ConversationWorld;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Conversations;

/// <summary>Conversations through the real pages: who can open them, sealing, read state, notes, reassignment, closing, feedback, reopening, meetings and referrals.</summary>
public sealed class ConversationTests
{
    [Fact]
    public async Task A_supporter_whose_role_is_taken_away_hands_their_conversation_back_as_a_deactivated_one_does_and_hears_no_more_of_it()
    {
        await using var sink = new SmtpSink();
        await using var world = await StartAsync(settings: sink.Settings());
        var supporter = world.Org[Roles.PeerSupporter];
        await world.SendAsync(world.Requester, "Hello");
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);

        (await api.PutAsJsonAsync($"/api/v1/people/{supporter.PersonId}/roles", new RolesRequest([Roles.Employee]))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Back in the queue, as when a supporter's account is deactivated: nobody else can take it here, so it waits.
        var record = await world.RecordAsync();
        (record.Status, record.SupporterId).ShouldBe((RequestStatus.Waiting, (Guid?)null));
        (await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == OfferAudit.ReturnedToQueue).Select(e => e.Detail).SingleAsync()))
            .ShouldBe("reason=supporter-role-removed");
        (await PageAsync(world.Requester, world.Path)).ShouldContain("This conversation is waiting for a new supporter.");
        (await PageAsync(world.Requester, "/support/conversations")).ShouldNotContain("PeerSupporter of Talk Org", Case.Sensitive, "the list no longer names them");

        // The requester is not left writing to nobody, and nothing about it is emailed to the former supporter.
        (await PostAsync(world.Requester, world.Path, ("Body", "I want to end my life"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await world.DbAsync(db => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == SafetyConcerns.MailPurpose || m.Purpose == MessageNotices.MailPurpose))).ShouldBe(0);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_two_participants_talk_sealed_at_rest_and_nobody_else_can_open_any_part(Engine engine)
    {
        await using var world = await StartAsync(engine);
        var canary = Canary.New("message");
        var record = await world.RecordAsync();

        await world.SendAsync(world.Requester, "Hello, thank you for taking this on. " + canary);
        (await world.RecordAsync()).FirstReplyAt.ShouldBeNull("only a supporter's message is a reply");
        world.Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await world.SendAsync(world.Supporter, "Hello, I am here to listen.");
        (await world.RecordAsync()).FirstReplyAt.ShouldNotBeNull();

        // The requester sees "You" and the supporter's name; the supporter sees "You" and the made-up name.
        var readsBefore = await ReadsAsync(world);
        var requesterPage = await PageAsync(world.Requester, world.Path);
        (await ReadsAsync(world)).ShouldBe(readsBefore + 1, "one audited read per page view, the participant's own included");
        requesterPage.ShouldContain(canary);
        requesterPage.ShouldContain("PeerSupporter of Talk Org");
        requesterPage.IndexOf(canary, StringComparison.Ordinal).ShouldBeLessThan(requesterPage.IndexOf("I am here to listen", StringComparison.Ordinal), "newest at the bottom");
        var supporterPage = await PageAsync(world.Supporter, world.Path);
        supporterPage.ShouldContain(canary);
        supporterPage.ShouldContain(record.Pseudonym);
        supporterPage.ShouldNotContain("Employee of Talk Org");
        supporterPage.ShouldContain("Check for new messages");
        supporterPage.ShouldContain("/js/conversation.js");

        // The live view's JSON returns only what came after the number asked for.
        var json = JsonDocument.Parse(await world.Supporter.GetStringAsync(world.Path + "/messages?after=1")).RootElement;
        var messages = json.GetProperty("messages");
        messages.GetArrayLength().ShouldBe(1);
        messages[0].GetProperty("text").GetString().ShouldBe("Hello, I am here to listen.");
        messages[0].GetProperty("author").GetString().ShouldBe("You");

        // Every read of content is audited, participants included; the audit never holds content.
        (await ReadsAsync(world)).ShouldBe(readsBefore + 3, "the two page views and the poll");
        await world.Supporter.GetStringAsync(world.Path + "/messages?after=2");
        (await ReadsAsync(world)).ShouldBe(readsBefore + 3, "a poll that returns nothing reads nothing");
        (await world.DbAsync(db => db.AuditEvents.Select(e => e.Detail).ToListAsync())).ShouldAllBe(d => d == null || !d.Contains(canary));

        // Sealed at rest: the canary is not in the database's bytes.
        var raw = engine == Engine.Sqlite ? Canary.SqliteBytes(world.Factory.Database) : await Canary.PostgresDumpAsync(world.Factory.Database);
        Canary.Contains(raw, canary).ShouldBeFalse();
        (await world.DbAsync(db => db.Set<ConversationMessage>().Select(m => m.BodySealed).ToListAsync())).ShouldAllBe(b => b != null && !b.Contains("Hello"));

        // Nobody else: another supporter, a coordinator, an admin, another requester. Page, JSON, calendar and every post: 404.
        var (_, second) = await world.SecondSupporterAsync();
        var others = new[] { second, await world.Factory.SignInAsync(world.Org[Roles.Coordinator]), await world.Factory.SignInAsync(world.Org[Roles.Admin]), await world.Factory.SignInAsync(world.Org[Roles.Leader]) };
        var before = await RowCounts.TakeAsync(world.Factory.Database);
        foreach (var other in others)
        {
            foreach (var url in new[] { world.Path, world.Path + "/messages?after=0", $"{world.Path}/meetings/{Guid.NewGuid()}.ics" })
            {
                (await other.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound, url);
            }
            foreach (var handler in new[] { "", "Close", "Note", "Propose", "Refer", "Feedback", "Reopen", "Notices" })
            {
                var response = await PostAsOutsiderAsync(other, world.Path + (handler.Length > 0 ? "?handler=" + handler : ""),
                    ("Body", "intrusion"), ("Confirm", "true"), ("Note", "intrusion"), ("FeltHeard", "5"), ("NextSteps", "5"), ("WouldRecommend", "5"), ("Notices", "on"));
                response.StatusCode.ShouldBe(HttpStatusCode.NotFound, handler);
            }
        }
        RowCounts.Differences(before, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();
        (await others[3].GetStringAsync("/support/conversations")).ShouldNotContain(world.Id.ToString());
    }

    [Fact]
    public async Task Unread_counts_follow_what_each_side_has_read()
    {
        await using var world = await StartAsync(showName: "name");
        await world.SendAsync(world.Requester, "First");
        await world.SendAsync(world.Requester, "Second");
        var list = await PageAsync(world.Supporter, "/supporter/conversations");
        list.ShouldContain("2 unread");
        list.ShouldContain("Employee of Talk Org", customMessage: "the requester allowed their name");
        (await PageAsync(world.Requester, "/support/conversations")).ShouldContain("None");

        await PageAsync(world.Supporter, world.Path);
        var read = await PageAsync(world.Supporter, "/supporter/conversations");
        read.ShouldNotContain("2 unread");
        read.ShouldContain("None");
        await world.SendAsync(world.Supporter, "Reply");
        (await PageAsync(world.Requester, "/support/conversations")).ShouldContain("1 unread");
        (await PageAsync(world.Requester, $"/support/requests/{world.Id}")).ShouldContain(world.Path);
        (await PageAsync(world.Supporter, "/supporter")).ShouldContain("/supporter/conversations");
    }

    [Fact]
    public async Task Bad_messages_answer_400_and_store_nothing()
    {
        await using var world = await StartAsync();
        var before = await RowCounts.TakeAsync(world.Factory.Database);
        foreach (var (body, message) in new[] { ("", "Write a message first."), ("   ", "Write a message first."), (new string('a', ConversationMessage.BodyMaxLength + 1), "The message is too long.") })
        {
            var response = await PostAsync(world.Requester, world.Path, ("Body", body));
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await BodyAsync(response)).ShouldContain(message);
        }
        await world.ChangeAsync(world.Id, r => r.Close(ClosedBy.Supporter, world.Factory.Clock.GetUtcNow()));
        var before2 = await RowCounts.TakeAsync(world.Factory.Database);
        RowCounts.Differences(before, before2).ShouldBeEmpty();
        var closed = await PostAsync(world.Requester, world.Path, ("Body", "Are you still there?"));
        closed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(closed)).ShouldContain("This conversation is closed.");
        RowCounts.Differences(before2, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Notes_are_the_supporters_alone_and_a_new_supporter_sees_only_what_came_after_they_accepted()
    {
        await using var world = await StartAsync();
        var note = Canary.New("note");
        var early = Canary.New("early");
        await world.SendAsync(world.Requester, early);
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Note", ("Note", note))).ShouldContain("done=note");
        (await PageAsync(world.Supporter, world.Path)).ShouldContain(note);
        var requesterPage = await PageAsync(world.Requester, world.Path);
        requesterPage.ShouldNotContain(note);
        requesterPage.ShouldNotContain("Your private notes");
        (await world.DbAsync(db => db.Set<SupporterNote>().Select(n => n.NoteSealed).SingleAsync())).ShouldNotContain(note);
        (await PostAsync(world.Requester, world.Path + "?handler=Note", ("Note", "mine"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // Reassigned: the first supporter loses access; the second sees neither the earlier messages nor the note.
        var (second, client) = await world.SecondSupporterAsync();
        world.Factory.Clock.Advance(TimeSpan.FromHours(1));
        await world.ChangeAsync(world.Id, r => r.ReturnToQueue());
        await world.AcceptAsync(world.Id, second.PersonId);
        world.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var late = Canary.New("late");
        await world.SendAsync(world.Requester, late);
        var page = await PageAsync(client, world.Path);
        page.ShouldContain(late);
        page.ShouldNotContain(early);
        page.ShouldNotContain(note);
        (await client.GetStringAsync(world.Path + "/messages?after=0")).ShouldNotContain(early);
        (await world.Supporter.GetAsync(world.Path)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var history = await PageAsync(world.Requester, world.Path);
        history.ShouldContain(early, customMessage: "the requester keeps their whole history");
        history.ShouldContain(late);
    }

    [Theory]
    [InlineData(ClosedBy.Requester)]
    [InlineData(ClosedBy.Supporter)]
    public async Task Either_side_closes_the_requester_answers_and_can_reopen_within_the_window(string by)
    {
        await using var world = await StartAsync();
        var closer = by == ClosedBy.Requester ? world.Requester : world.Supporter;
        (await PostAsync(closer, world.Path + "?handler=Close")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "the tick is needed");
        Location(await PostAsync(closer, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldContain("done=closed");
        var record = await world.RecordAsync();
        (record.Status, record.ClosedBy).ShouldBe((RequestStatus.Closed, by));
        (await world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == ConversationAudit.Closed && e.Detail == "by=" + by))).ShouldBe(1);

        var supporterPage = await PageAsync(world.Supporter, world.Path);
        supporterPage.ShouldContain(SupporterCare_CheckIn(world.Id));
        supporterPage.ShouldNotContain("How was it?");
        var requesterPage = await PageAsync(world.Requester, world.Path);
        requesterPage.ShouldContain("I felt heard.");
        requesterPage.ShouldNotContain("name=\"Body\"", customMessage: "a closed conversation is read-only");

        // Feedback: every answer needed, 1 to 5; comment length checked; nothing stored otherwise.
        var before = await RowCounts.TakeAsync(world.Factory.Database);
        foreach (var form in new[]
        {
            new[] { ("FeltHeard", "5"), ("NextSteps", "4") },
            new[] { ("FeltHeard", "6"), ("NextSteps", "4"), ("WouldRecommend", "3") },
            new[] { ("FeltHeard", "5"), ("NextSteps", "4"), ("WouldRecommend", "3"), ("Comment", new string('c', SupportFeedbackRecord.CommentMaxLength + 1)) },
        })
        {
            (await PostAsync(world.Requester, world.Path + "?handler=Feedback", form)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        (await PostAsync(world.Supporter, world.Path + "?handler=Feedback", ("FeltHeard", "5"), ("NextSteps", "5"), ("WouldRecommend", "5"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();
        var comment = Canary.New("comment");
        Location(await PostAsync(world.Requester, world.Path + "?handler=Feedback", ("FeltHeard", "5"), ("NextSteps", "4"), ("WouldRecommend", "3"), ("Comment", comment))).ShouldContain("done=feedback");
        var feedback = await world.DbAsync(db => db.Set<SupportFeedbackRecord>().SingleAsync());
        (feedback.FeltHeard, feedback.NextSteps, feedback.WouldRecommend, feedback.SupporterId).ShouldBe((5, 4, 3, world.Org[Roles.PeerSupporter].PersonId));
        feedback.CommentSealed.ShouldNotBeNull().ShouldNotContain(comment);
        (await PageAsync(world.Requester, world.Path)).ShouldNotContain("I felt heard.", customMessage: "answered once per closing");

        // Reopen: the supporter cannot; the requester can within the window.
        (await PostAsync(world.Supporter, world.Path + "?handler=Reopen")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // (Sessions last hours, so after moving the clock by weeks both sides sign in again.)
        world.Factory.Clock.Advance(TimeSpan.FromDays(29));
        var requester = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var supporter = await world.Factory.SignInAsync(world.Org[Roles.PeerSupporter]);
        Location(await PostAsync(requester, world.Path + "?handler=Reopen")).ShouldContain("done=reopened");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Active);
        await world.SendAsync(supporter, "Welcome back");

        // Closed again, and past the window: no reopening.
        Location(await PostAsync(supporter, world.Path + "?handler=Close", ("Confirm", "true")));
        world.Factory.Clock.Advance(TimeSpan.FromDays(31));
        requester = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var late = await PostAsync(requester, world.Path + "?handler=Reopen");
        late.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(late)).ShouldContain("can no longer be reopened");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Closed);
    }

    private static Task<int> ReadsAsync(ConversationWorld world) =>
        world.DbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.ProtectedRead && e.TargetType == ConversationAudit.Target));

    private static string SupporterCare_CheckIn(Guid id) => Upstander.Features.PeerSupport.Care.SupporterCare.CheckInPath(id);

    [Fact]
    public async Task A_meeting_is_proposed_accepted_and_downloaded_as_a_valid_calendar_file()
    {
        await using var world = await StartAsync();
        var day = world.Factory.Clock.GetUtcNow().UtcDateTime.Date.AddDays(3);
        var date = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var place = "Room 4; floor 2, east wing " + Canary.New("place");

        var past = await PostAsync(world.Supporter, world.Path + "?handler=Propose", ("Dates", "2000-01-01"), ("Times", "10:00"), ("Duration", "30"), ("Mode", "call"));
        past.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(past)).ShouldContain("Each time must be in the future.");
        foreach (var far in new[] { "9999-12-31", world.Factory.Clock.GetUtcNow().UtcDateTime.Date.AddYears(1).AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })
        {
            var tooFar = await PostAsync(world.Supporter, world.Path + "?handler=Propose", ("Dates", far), ("Times", "23:30"), ("Duration", "60"), ("Mode", "call"));
            tooFar.StatusCode.ShouldBe(HttpStatusCode.BadRequest, far);
            (await BodyAsync(tooFar)).ShouldContain("Each time must be within the next year.");
        }
        (await PostAsync(world.Supporter, world.Path + "?handler=Propose", ("Dates", date), ("Times", "10:00"), ("Duration", "17"), ("Mode", "call"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await world.DbAsync(db => db.Set<ConversationMeeting>().CountAsync())).ShouldBe(0);

        Location(await PostAsync(world.Supporter, world.Path + "?handler=Propose",
            ("Dates", date), ("Times", "09:30"), ("Dates", date), ("Times", "14:00"), ("Dates", ""), ("Times", ""),
            ("Duration", "45"), ("Mode", "in-person"), ("Place", place))).ShouldContain("done=proposed");
        var meeting = await world.DbAsync(db => db.Set<ConversationMeeting>().SingleAsync());
        meeting.Options.Count.ShouldBe(2);
        meeting.PlaceSealed.ShouldNotBeNull().ShouldNotContain("Room 4");
        (await world.Supporter.GetAsync($"{world.Path}/meetings/{meeting.Id}.ics")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "not agreed yet");
        (await PostAsync(world.Supporter, world.Path + "?handler=Meeting", ("MeetingId", meeting.Id.ToString()), ("Choice", "0"))).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest, "the proposer does not answer their own suggestion");
        (await PostAsync(world.Requester, world.Path + "?handler=Meeting", ("MeetingId", meeting.Id.ToString()), ("Choice", "2"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        Location(await PostAsync(world.Requester, world.Path + "?handler=Meeting", ("MeetingId", meeting.Id.ToString()), ("Choice", "1")));
        (await PageAsync(world.Requester, world.Path)).ShouldContain($"{day:d MMMM yyyy}, 14:00 UTC");

        var readsBefore = await ReadsAsync(world);
        var response = await world.Requester.GetAsync($"{world.Path}/meetings/{meeting.Id}.ics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadsAsync(world)).ShouldBe(readsBefore + 1, "a calendar file with the place is an audited read");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/calendar");
        var ics = await response.Content.ReadAsStringAsync();
        ics.ShouldStartWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
        ics.ShouldEndWith("END:VEVENT\r\nEND:VCALENDAR\r\n");
        ics.Replace("\r\n", "", StringComparison.Ordinal).ShouldNotContain("\n", customMessage: "every line ends with CRLF");
        ics.ShouldContain($"UID:{meeting.Id:D}@upstander\r\n");
        ics.ShouldContain("\r\nDTSTAMP:");
        ics.ShouldContain($"DTSTART:{day:yyyyMMdd}T140000Z\r\n");
        ics.ShouldContain($"DTEND:{day:yyyyMMdd}T144500Z\r\n");
        ics.ShouldContain("SUMMARY:Peer support conversation\r\n");
        ics.Replace("\r\n ", "", StringComparison.Ordinal).ShouldContain("LOCATION:Room 4\\; floor 2\\, east wing CANARY-place-");
        ics.Split("\r\n").ShouldAllBe(line => System.Text.Encoding.UTF8.GetByteCount(line) <= 75);
        ics.ShouldNotContain("Employee of Talk Org");
        ics.ShouldNotContain("PeerSupporter of Talk Org");

        var (_, second) = await world.SecondSupporterAsync();
        (await second.GetAsync($"{world.Path}/meetings/{meeting.Id}.ics")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_request_page_reloaded_after_sending_no_longer_says_a_supporter_is_being_found_once_one_has()
    {
        await using var world = await StartAsync();
        var page = await PageAsync(world.Requester, $"/support/requests/{world.Id}?sent=true");
        page.ShouldContain("Talking with a supporter");
        page.ShouldNotContain("We will let you know here when a supporter is found.");
    }

    [Fact]
    public async Task After_a_refused_suggestion_a_message_sent_from_the_page_shown_again_is_sent()
    {
        await using var world = await StartAsync();
        var refusedAt = world.Path + "?handler=Propose";
        var refused = await PostAsync(world.Supporter, refusedAt, ("Dates", "2000-01-01"), ("Times", "10:00"), ("Duration", "30"), ("Mode", "call"));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // The page shown again has the refused handler in its address; "Send" there posts the message, not the suggestion.
        var target = FormTarget.Of(await BodyAsync(refused), refusedAt, "Send");
        var body = "Sorry, that time was wrong. " + Canary.New("after-refusal");
        Location(await PostAsync(world.Supporter, target, ("Body", body))).ShouldStartWith(world.Path);
        (await PageAsync(world.Requester, world.Path)).ShouldContain(body);
    }

    [Fact]
    public async Task Meeting_times_are_entered_and_shown_in_the_organisations_zone_and_a_time_the_clocks_skip_is_refused()
    {
        await using var world = await StartAsync();
        await world.DbAsync(async db =>
        {
            (await db.Organisations.SingleAsync(o => o.Id == world.Org.Id)).SetTimeZone("Europe/London");
            return await db.SaveChangesAsync();
        });
        world.Factory.Clock.Advance(TimeSpan.FromMinutes(1)); // past the minute a zone is kept

        var form = await PageAsync(world.Supporter, world.Path);
        form.ShouldContain("Give one to three times, in London time.");
        form.ShouldContain("Time 1 (London time)");

        // 01:30 on the next day the clocks go forward (the last Sunday of March) does not exist in London: refused, nothing
        // stored, and the page says why. Times are taken within the next year, as the form requires.
        var tomorrow = DateOnly.FromDateTime(world.Factory.Clock.GetUtcNow().UtcDateTime).AddDays(1);
        var forward = Next(tomorrow, year => LastSunday(new DateOnly(year, 3, 31)));
        var skipped = await PostAsync(world.Supporter, world.Path + "?handler=Propose", ("Dates", Field(forward)), ("Times", "01:30"), ("Duration", "30"), ("Mode", "call"));
        skipped.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(skipped)).ShouldContain($"01:30 on {forward:d MMMM yyyy} does not happen in London time: the clocks go forward then. Choose another time.");
        (await world.DbAsync(db => db.Set<ConversationMeeting>().CountAsync())).ShouldBe(0);

        // 14:00 on 1 July is British Summer Time: 13:00 UTC, shown back as 14:00 London time and written so to the calendar file.
        var july = Next(tomorrow, year => new DateOnly(year, 7, 1));
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Propose", ("Dates", Field(july)), ("Times", "14:00"), ("Duration", "30"), ("Mode", "call")));
        var meeting = await world.DbAsync(db => db.Set<ConversationMeeting>().SingleAsync());
        meeting.Options.ShouldHaveSingleItem().ShouldBe(new DateTimeOffset(july.Year, 7, 1, 13, 0, 0, TimeSpan.Zero));
        (await PageAsync(world.Requester, world.Path)).ShouldContain($"1 July {july.Year}, 14:00 London time");
        Location(await PostAsync(world.Requester, world.Path + "?handler=Meeting", ("MeetingId", meeting.Id.ToString()), ("Choice", "0")));
        (await world.Requester.GetStringAsync($"{world.Path}/meetings/{meeting.Id}.ics")).ShouldContain($"DTSTART:{july.Year}0701T130000Z\r\n");
    }

    /// <summary>The first of the yearly dates <paramref name="inYear"/> gives that falls on or after <paramref name="from"/>.</summary>
    private static DateOnly Next(DateOnly from, Func<int, DateOnly> inYear) => inYear(from.Year) >= from ? inYear(from.Year) : inYear(from.Year + 1);

    private static DateOnly LastSunday(DateOnly onOrBefore) => onOrBefore.AddDays(-(int)onOrBefore.DayOfWeek);

    private static string Field(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void The_calendar_file_escapes_text_and_folds_long_lines_between_characters()
    {
        var start = new DateTimeOffset(2030, 5, 6, 7, 8, 0, TimeSpan.FromHours(2));
        var ics = CalendarFile.For(Guid.Empty, start, start.AddMinutes(30), start, "Peer support conversation", null, "a\\b;c,d\ne " + new string('é', 60));
        ics.ShouldContain("DTSTART:20300506T050800Z\r\n");
        ics.ShouldContain("LOCATION:a\\\\b\\;c\\,d\\ne ");
        ics.Split("\r\n").ShouldAllBe(line => System.Text.Encoding.UTF8.GetByteCount(line) <= 75);
        ics.Replace("\r\n ", "", StringComparison.Ordinal).ShouldContain(new string('é', 60));
    }

    [Fact]
    public async Task A_referral_shows_the_card_and_a_handover_shows_contact_details_only_after_consent()
    {
        await using var world = await StartAsync();
        await world.Factory.InScopeAsync(world.Org.Id, s => s.GetRequiredService<DemoResources>().SeedAsync(world.Org.Id, CancellationToken.None));
        var resources = await world.DbAsync(db => db.Set<SupportResource>().Where(r => r.Phone != null && !r.IsEmergency).OrderBy(r => r.Name).Take(2).ToListAsync());
        var (card, handover) = (resources[0], resources[1]);

        (await PostAsync(world.Requester, world.Path + "?handler=Refer", ("ResourceId", card.Id.ToString()))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(world.Supporter, world.Path + "?handler=Refer", ("ResourceId", Guid.NewGuid().ToString()))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Refer", ("ResourceId", card.Id.ToString()), ("ReferralNote", "They are good with this")));
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Refer", ("ResourceId", handover.Id.ToString()), ("Handover", "true")));

        var page = await PageAsync(world.Requester, world.Path);
        page.ShouldContain(card.Phone!);
        page.ShouldContain("They are good with this");
        page.ShouldContain($"Proposed a handover to {handover.Name}.");
        page.ShouldNotContain(handover.Phone!, customMessage: "contact details only after consent");
        page.ShouldContain("Do you agree to this handover?");

        var message = await world.DbAsync(db => db.Set<ConversationMessage>().SingleAsync(m => m.Kind == MessageKind.Handover));
        (await PostAsync(world.Supporter, world.Path + "?handler=Consent", ("MessageId", message.Id.ToString()), ("Consent", "given"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(world.Requester, world.Path + "?handler=Consent", ("MessageId", message.Id.ToString()), ("Consent", "maybe"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Location(await PostAsync(world.Requester, world.Path + "?handler=Consent", ("MessageId", message.Id.ToString()), ("Consent", "given")));
        var after = await PageAsync(world.Requester, world.Path);
        after.ShouldContain(handover.Phone!);
        after.ShouldContain("Nothing has been sent to the service");
        (await world.DbAsync(db => db.Set<ConversationMessage>().SingleAsync(m => m.Id == message.Id))).Consent.ShouldBe(HandoverConsent.Given);
        (await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == ConversationAudit.HandoverAnswered).Select(e => e.Detail).SingleAsync())).ShouldBe("message=2;consent=given");
        (await PostAsync(world.Requester, world.Path + "?handler=Consent", ("MessageId", message.Id.ToString()), ("Consent", "declined"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "answered once");
    }

    [Fact]
    public async Task The_requesters_list_names_a_supporter_only_once_they_have_accepted_never_one_who_is_only_offered_it()
    {
        await using var w = await Offers.OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Kowalski");
        var ben = await w.SupporterAsync("Ben Okafor");
        await w.SetModeAsync("Automatic");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var id = await Offers.OfferWorld.AskAsync(requester, Offers.OfferWorld.Form());
        var first = await w.PendingAsync(id);
        var (holder, holderName, next, nextName) = first.SupporterId == ada.PersonId
            ? (ada, "Ada Kowalski", ben, "Ben Okafor") : (ben, "Ben Okafor", ada, "Ada Kowalski");
        Location(await PostAsync(await w.Factory.SignInAsync(holder), "/supporter/offers?handler=Accept", ("OfferId", first.Id.ToString())));
        (await PageAsync(requester, "/support/conversations")).ShouldContain(holderName);

        // "Don't match me with this supporter again": the request is offered to the other supporter, who has not accepted.
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=BlockSupporter", ("Confirm", "true")));
        var second = await w.PendingAsync(id);
        second.SupporterId.ShouldBe(next.PersonId);
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Offered);
        var list = await PageAsync(requester, "/support/conversations");
        list.ShouldContain("Waiting for a supporter");
        PageText.ShouldNotName(list, nextName);
        PageText.ShouldNotName(list, holderName);

        Location(await PostAsync(await w.Factory.SignInAsync(next), "/supporter/offers?handler=Accept", ("OfferId", second.Id.ToString())));
        (await PageAsync(requester, "/support/conversations")).ShouldContain(nextName);
    }

    [Fact]
    public async Task A_conversation_taken_on_before_offers_were_recorded_still_lets_its_requester_ask_never_to_be_matched_with_that_supporter_again()
    {
        await using var world = await StartAsync();
        var supporterId = world.Org[Roles.PeerSupporter].PersonId;
        (await world.DbAsync(db => db.Set<SupportOffer>().CountAsync())).ShouldBe(0, "taken on with no offer row, as before offers were recorded");
        var request = $"/support/requests/{world.Id}";
        (await PageAsync(world.Requester, request)).ShouldContain("id=\"block-supporter\"");

        Location(await PostAsync(world.Requester, request + "?handler=BlockSupporter", ("Confirm", "true"))).ShouldBe(request + "?blocked=true");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Waiting);
        (await world.DbAsync(db => db.Set<SupporterBlock>().CountAsync(b => b.RequesterId == world.Org[Roles.Employee].PersonId && b.BlockedPersonId == supporterId)))
            .ShouldBe(1);
    }

    [Fact]
    public async Task The_requester_cannot_reopen_a_conversation_to_a_supporter_who_is_no_longer_current()
    {
        await using var world = await StartAsync();
        Location(await PostAsync(world.Requester, world.Path + "?handler=Close", ("Confirm", "true"))).ShouldContain("done=closed");
        (await PageAsync(world.Requester, world.Path)).ShouldContain("Reopen the conversation");

        await Offers.OfferWorld.LapseCertificateAsync(world.Factory, world.Org.Id, world.Org[Roles.PeerSupporter].PersonId);
        (await PageAsync(world.Requester, world.Path)).ShouldNotContain("Reopen the conversation");
        var refused = await PostAsync(world.Requester, world.Path + "?handler=Reopen");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(refused)).ShouldContain("can no longer be reopened");
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Closed);
    }
}
