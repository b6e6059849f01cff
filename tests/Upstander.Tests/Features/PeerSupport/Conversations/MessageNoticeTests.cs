using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MimeKit;
using Upstander.Features.Accounts;
using Upstander.Features.PeerSupport.Conversations;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Auditing;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.PeerSupport.Conversations.ConversationWorld;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Conversations;

/// <summary>
/// Email notices of new messages (<see cref="MessageNotices"/>): the supporter is told once a message from the requester
/// has waited unread for the delay, once per run of unread messages; the requester only after turning it on; nobody in a
/// closed conversation or with a stopped account; and the email says that there is a new message and nothing else.
/// </summary>
public sealed class MessageNoticeTests
{
    private const string Subject = "Talk Org: a new message is waiting for you";
    private static readonly TimeSpan Delay = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_supporter_is_emailed_once_after_the_delay_and_again_only_after_reading_and_a_new_message(Engine engine)
    {
        await using var sink = new SmtpSink();
        var details = Canary.New("notice-details");
        await using var world = await StartAsync(engine, details: details, showName: "name", settings: sink.Settings());
        var canary = Canary.New("notice-message");
        await world.SendAsync(world.Requester, "Something happened again today. " + canary);
        await world.SendAsync(world.Requester, "Are you there?");

        world.Factory.Clock.Advance(Delay - TimeSpan.FromMinutes(1));
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(0, "not before the delay");

        world.Factory.Clock.Advance(TimeSpan.FromMinutes(2));
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(1);
        var mail = await sink.WaitForMailToAsync(world.Org[Roles.PeerSupporter].Email);
        mail.Subject.ShouldBe(Subject);
        var body = mail.TextBody ?? "";
        body.ShouldContain("Hello PeerSupporter of Talk Org,");
        body.ShouldContain("There is a new message for you in a peer support conversation.");
        body.ShouldContain(MessageNotices.SupporterPath);
        body.ShouldNotContain(world.Path, Case.Sensitive, "the link goes to the list, not to the conversation");
        body.ShouldContain("says nothing about who wrote or what, on purpose");
        var record = await world.RecordAsync();
        ShouldSayNothingOf(mail, canary, "Something happened", "Are you there", details, "Employee of Talk Org", record.Pseudonym, "experiencing", "bullying", world.Id.ToString(), "2 ");

        // Another message while the first are still unread, and the delay again: no second email.
        await world.SendAsync(world.Requester, "Hello?");
        world.Factory.Clock.Advance(Delay * 2);
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(1, "one email per run of unread messages");

        // Reading ends the run; nothing is sent for what has been read.
        await PageAsync(world.Supporter, world.Path);
        world.Factory.Clock.Advance(Delay * 2);
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(1);

        // A new message after reading starts a new run.
        await world.SendAsync(world.Requester, "One more thing.");
        world.Factory.Clock.Advance(Delay + TimeSpan.FromMinutes(1));
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(2);
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(2, "a second pass finds nothing more");
    }

    [Fact]
    public async Task The_requester_is_emailed_only_after_turning_it_on_and_not_after_turning_it_off()
    {
        await using var sink = new SmtpSink();
        await using var world = await StartAsync(settings: sink.Settings());
        var page = await PageAsync(world.Requester, world.Path);
        page.ShouldContain("Upstander does not email you about new messages in this conversation.");
        page.ShouldContain("could learn from it that you are talking to a peer supporter");
        page.ShouldContain("Email me about new messages");

        await world.SendAsync(world.Supporter, "Hello, I am here to listen.");
        world.Factory.Clock.Advance(Delay * 2);
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(0, "off for the requester unless they turn it on");

        Location(await PostAsync(world.Requester, world.Path + "?handler=Notices", ("Notices", "on"))).ShouldBe(world.Path + "?done=notices-on#notices");
        var on = await PageAsync(world.Requester, world.Path);
        on.ShouldContain("Upstander emails your work address when your supporter has written and you have not read it for 10 minutes.");
        on.ShouldContain("Stop emailing me about new messages");
        var canary = Canary.New("notice-reply");
        await world.SendAsync(world.Supporter, "How are you today? " + canary);
        world.Factory.Clock.Advance(Delay + TimeSpan.FromMinutes(1));
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(1);
        var mail = await sink.WaitForMailToAsync(world.Org[Roles.Employee].Email);
        mail.Subject.ShouldBe(Subject);
        var body = mail.TextBody ?? "";
        body.ShouldContain("Hello Employee of Talk Org,");
        body.ShouldContain("There is a new message for you in a peer support conversation.");
        body.ShouldContain(MessageNotices.RequesterPath);
        ShouldSayNothingOf(mail, canary, "How are you", "PeerSupporter of Talk Org", "experiencing", world.Id.ToString(), "/supporter");

        // The choice is audited without the requester's account and without content.
        var changed = await world.DbAsync(db => db.AuditEvents.Where(e => e.Action == ConversationAudit.NoticesChanged).ToListAsync());
        changed.ShouldHaveSingleItem().ActorKind.ShouldBe(AuditLog.HiddenRequester);
        changed[0].ActorId.ShouldBeNull();
        changed[0].Detail.ShouldBe("notices=on");

        Location(await PostAsync(world.Requester, world.Path + "?handler=Notices", ("Notices", "off"))).ShouldBe(world.Path + "?done=notices-off#notices");
        (await PageAsync(world.Requester, world.Path)).ShouldContain("Upstander does not email you about new messages in this conversation.");
        await world.SendAsync(world.Supporter, "Still here if you need me.");
        world.Factory.Clock.Advance(Delay * 2);
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(1, "turned off again");
    }

    [Fact]
    public async Task Without_a_public_url_a_notice_sent_by_the_background_job_links_to_the_address_upstander_listens_on()
    {
        await using var sink = new SmtpSink();
        var settings = sink.Settings();
        settings["PublicUrl"] = "";
        settings["urls"] = "http://0.0.0.0:5099";
        await using var world = await StartAsync(settings: settings);
        await world.SendAsync(world.Requester, "Hello?");
        world.Factory.Clock.Advance(Delay * 2);
        await RunAsync(world);
        var mail = await sink.WaitForMailToAsync(world.Org[Roles.PeerSupporter].Email);
        (mail.TextBody ?? "").ShouldContain("http://localhost:5099" + MessageNotices.SupporterPath, Case.Sensitive,
            "no request to take the address from: the port Upstander was started on, not the default one");
    }

    [Fact]
    public async Task A_supporter_who_turns_notices_off_for_a_conversation_is_not_emailed_about_it()
    {
        await using var sink = new SmtpSink();
        await using var world = await StartAsync(settings: sink.Settings());
        (await PageAsync(world.Supporter, world.Path)).ShouldContain("You are emailed at your work address when they have written and you have not read it for 10 minutes.");
        Location(await PostAsync(world.Supporter, world.Path + "?handler=Notices", ("Notices", "off")));
        (await PageAsync(world.Supporter, world.Path)).ShouldContain("You are not emailed about new messages in this conversation.");
        (await world.DbAsync(db => db.AuditEvents.SingleAsync(e => e.Action == ConversationAudit.NoticesChanged))).ActorId
            .ShouldBe(world.Org[Roles.PeerSupporter].AccountId);

        await world.SendAsync(world.Requester, "Hello?");
        world.Factory.Clock.Advance(Delay * 2);
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(0);
    }

    [Fact]
    public async Task Nobody_is_emailed_about_a_closed_conversation_or_with_a_stopped_account()
    {
        await using var sink = new SmtpSink();
        await using var world = await StartAsync(settings: sink.Settings());

        // The supporter, on by default: a message left unread in a conversation that then closed is not notified (while
        // another conversation in the organisation is active, so the pass does look).
        var (second, _) = await world.SecondSupporterAsync();
        await world.AcceptAsync(await world.AskAsync(world.Requester), second.PersonId);
        await world.SendAsync(world.Requester, "Thank you, that is all.");
        await world.ChangeAsync(world.Id, r => r.Close(ClosedBy.Requester, world.Factory.Clock.GetUtcNow()));
        world.Factory.Clock.Advance(Delay * 2);
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(0, "only active conversations");

        // Reopened (and read), the requester turns notices on, and then their account is stopped: the conversation stays,
        // the email does not go.
        await PageAsync(world.Supporter, world.Path);
        await world.ChangeAsync(world.Id, r => r.Reopen());
        Location(await PostAsync(world.Requester, world.Path + "?handler=Notices", ("Notices", "on")));
        await world.SendAsync(world.Supporter, "Hello again, I am here.");
        await world.Factory.InScopeAsync(world.Org.Id, s => s.GetRequiredService<AccountLifecycle>().DeactivateAsync(world.Org[Roles.Employee].PersonId, CancellationToken.None));
        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Active);
        world.Factory.Clock.Advance(Delay * 2);
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(0, "a stopped account is not emailed");
    }

    [Fact]
    public async Task A_safety_concern_still_alerts_the_supporter_at_once_and_the_notice_comes_as_well()
    {
        await using var sink = new SmtpSink();
        await using var world = await StartAsync(settings: sink.Settings());
        await world.SendAsync(world.Requester, "I want to end my life");
        (await world.DbAsync(db => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == SafetyConcerns.MailPurpose))).ShouldBe(2, "at once, without waiting for any notice");
        (await NoticesAsync(world)).ShouldBe(0);
        world.Factory.Clock.Advance(Delay + TimeSpan.FromMinutes(1));
        await RunAsync(world);
        (await NoticesAsync(world)).ShouldBe(1);
    }

    [Fact]
    public async Task Bad_input_to_the_notices_form_answers_400_and_changes_nothing()
    {
        await using var sink = new SmtpSink();
        await using var world = await StartAsync(settings: sink.Settings());
        var before = await RowCounts.TakeAsync(world.Factory.Database);
        foreach (var fields in new[] { new[] { ("Notices", "maybe") }, [("Notices", "")], [("Notices", "ON")], [("Notices", new string('o', 10_000))], [] })
        {
            var response = await PostAsync(world.Requester, world.Path + "?handler=Notices", fields);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await BodyAsync(response)).ShouldContain("Choose whether to be emailed about new messages.");
        }
        RowCounts.Differences(before, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();

        await world.ChangeAsync(world.Id, r => r.Close(ClosedBy.Supporter, world.Factory.Clock.GetUtcNow()));
        var closed = await RowCounts.TakeAsync(world.Factory.Database);
        var late = await PostAsync(world.Requester, world.Path + "?handler=Notices", ("Notices", "on"));
        late.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(late)).ShouldContain("This conversation is closed.");
        RowCounts.Differences(closed, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();

        // Someone who cannot open the conversation gets 404 and changes nothing.
        var (_, second) = await world.SecondSupporterAsync();
        var outsider = await RowCounts.TakeAsync(world.Factory.Database);
        (await PostAsOutsiderAsync(second, world.Path + "?handler=Notices", ("Notices", "on"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        RowCounts.Differences(outsider, await RowCounts.TakeAsync(world.Factory.Database)).ShouldBeEmpty();
        (await world.DbAsync(db => db.Set<ConversationRead>().AnyAsync(r => r.EmailNotices != null))).ShouldBeFalse();
    }

    /// <summary>One pass of the job, as the timer runs it.</summary>
    private static Task RunAsync(ConversationWorld world) =>
        world.Factory.Services.GetServices<IHostedService>().OfType<MessageNoticeJob>().Single().RunOnceAsync(CancellationToken.None);

    private static Task<int> NoticesAsync(ConversationWorld world) =>
        world.DbAsync(db => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == MessageNotices.MailPurpose));

    private static void ShouldSayNothingOf(MimeMessage mail, params string[] secrets)
    {
        var text = mail.Subject + "\n" + mail.TextBody;
        foreach (var secret in secrets)
        {
            text.ShouldNotContain(secret, Case.Sensitive);
        }
    }
}
