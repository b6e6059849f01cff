using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.Features.PeerSupport.Conversations;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Offers;

/// <summary>
/// While requesters choose, a routine request waits for its requester's choice and the runner never offers it. When the
/// supporter who had it cannot take it on (a decline, an expiry, the role or account taken away, a conversation handed
/// back, a coordinator's return), it comes back to the requester: they are told in the same save, by their request's page
/// and, with mail on and only if they turned it on for the request (off by default, as for message notices: an email tells
/// whoever reads their work mailbox that they asked for support), by one email that says only that they need to choose
/// again. Raised and urgent requests, and every request in automatic mode, are offered to someone else instead, and the
/// page promises what really happens.
/// </summary>
public sealed class ChooseAgainTests
{
    /// <summary>Subjects show in inbox lists and on lock screens: never "peer support".</summary>
    private const string Subject = "Offer Org: your request needs your choice";
    private const string NeedsChoice = "Your request needs you to choose a supporter again.";
    private const string PageSaysChooseAgain = "Please choose a supporter again.";
    private const string LetYouKnow = "If they cannot, we will let you know so you can choose someone else.";
    private const string AskSomeoneElse = "we will ask someone else";
    private const string TurnOn = "Email me if I need to choose again";
    private const string TurnOff = "Stop emailing me about choosing again";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_chosen_supporter_who_declines_sends_the_request_back_to_its_requester_with_one_email_and_fresh_suggestions(Engine engine)
    {
        await using var c = await Chosen.StartAsync(engine, email: true);
        var (w, sink, requester, id, offer, holder, other) = (c.World, c.Sink!, c.Requester, c.Id, c.Offer, c.Holder, c.Other);

        // The page promises what happens: back to them, not to someone else.
        var offered = await RequestPageAsync(requester, id);
        offered.ShouldContain("We have asked a supporter; they have until");
        offered.ShouldContain(LetYouKnow);
        offered.ShouldNotContain(AskSomeoneElse);

        var holderClient = await w.Factory.SignInAsync(holder);
        Location(await PostAsync(holderClient, "/supporter/offers?handler=Decline", ("OfferId", offer.Id.ToString()), ("Reason", "conflict")))
            .ShouldBe("/supporter/offers?declined=true");

        // Not offered to anyone else: it waits for its requester, who is told.
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        (await w.OffersAsync(id)).ShouldHaveSingleItem().Outcome.ShouldBe(OfferOutcome.Declined);
        var mail = await sink.WaitForMailToAsync(w.Org[Roles.Employee].Email);
        ShouldBeTheNotice(mail, id, holder.Email, "Ada", "Ben", "declin", "conflict", "too close", "I may know");

        var page = await RequestPageAsync(requester, id);
        page.ShouldContain(PageSaysChooseAgain);
        page.ShouldContain("Choose this supporter");
        OfferWorld.Tokens(page).ShouldHaveSingleItem("the supporter who declined is not suggested again");
        PageText.ShouldNotName(page, "Ada Supporter");
        PageText.ShouldNotName(page, "Ben Supporter");

        // Later runs and sweeps find nothing more to send back: one email for one return.
        await w.RunAsync();
        await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<SupportOffers>().SweepAsync(CancellationToken.None));
        await w.RunAsync();
        (await NoticesAsync(w, id)).ShouldBe(1);

        // Audited as the system, like the return: the requester's account is nowhere in the log.
        var events = await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.OrderBy(e => e.Sequence).ToListAsync());
        var told = events.Where(e => e.Action == OfferAudit.ChooseAgain).ShouldHaveSingleItem();
        (told.ActorKind, told.ActorId, told.TargetId, told.Detail).ShouldBe((CurrentActor.SystemKind, (Guid?)null, id.ToString("N"), "email=queued"));
        events.Where(e => e.ActorId == w.Org[Roles.Employee].AccountId).ShouldAllBe(e => e.Action.StartsWith("account.", StringComparison.Ordinal));

        // Coordinators see it waiting in their queue, as every waiting request.
        var record = await w.RequestAsync(id);
        var queue = WebUtility.HtmlDecode(await PageAsync(await w.Factory.SignInAsync(w.Org[Roles.Coordinator]), "/coordinate/support"));
        queue.ShouldContain($"{record.Pseudonym} (made-up name)");

        // Choosing again offers it to the other supporter.
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=Choose", ("token", OfferWorld.Tokens(page)[0])))
            .ShouldBe($"/support/requests/{id}?chosen=true");
        (await w.PendingAsync(id)).SupporterId.ShouldBe(other.PersonId);
        (await RequestPageAsync(requester, id)).ShouldNotContain(PageSaysChooseAgain);
    }

    [Fact]
    public async Task A_chosen_supporter_who_lets_the_offer_expire_sends_the_request_back_with_one_email()
    {
        await using var c = await Chosen.StartAsync(email: true);
        var (w, sink, requester, id, holder) = (c.World, c.Sink!, c.Requester, c.Id, c.Holder);

        w.Factory.Clock.Advance(TimeSpan.FromHours(MatchingSettings.DefaultOfferHours + 1));
        await w.RunAsync();
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        (await w.OffersAsync(id)).ShouldHaveSingleItem().Outcome.ShouldBe(OfferOutcome.Expired);
        ShouldBeTheNotice(await sink.WaitForMailToAsync(w.Org[Roles.Employee].Email), id, holder.Email, "Ada", "Ben", "expire", "time");
        requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var page = await RequestPageAsync(requester, id);
        page.ShouldContain(PageSaysChooseAgain);
        OfferWorld.Tokens(page).ShouldHaveSingleItem();

        await w.RunAsync();
        (await NoticesAsync(w, id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_chosen_supporter_whose_role_is_taken_away_sends_the_request_back_with_one_email_however_often_the_sweep_runs()
    {
        await using var c = await Chosen.StartAsync(email: true);
        var (w, sink, requester, id, holder) = (c.World, c.Sink!, c.Requester, c.Id, c.Holder);

        var api = await w.Factory.ApiClientAsync(w.Org, w.Org[Roles.Admin]);
        (await api.PutAsJsonAsync($"/api/v1/people/{holder.PersonId}/roles", new RolesRequest([Roles.Employee]))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        ShouldBeTheNotice(await sink.WaitForMailToAsync(w.Org[Roles.Employee].Email), id, holder.Email, "Ada", "Ben", "role");
        var page = await RequestPageAsync(requester, id);
        page.ShouldContain(PageSaysChooseAgain);
        OfferWorld.Tokens(page).ShouldHaveSingleItem();

        for (var i = 0; i < 2; i++)
        {
            await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<SupportOffers>().SweepAsync(CancellationToken.None));
            await w.RunAsync();
        }
        (await NoticesAsync(w, id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_coordinator_taking_back_a_stuck_offer_sends_the_request_back_to_its_requester_with_one_email()
    {
        await using var c = await Chosen.StartAsync(email: true);
        var (w, sink, requester, id, holder) = (c.World, c.Sink!, c.Requester, c.Id, c.Holder);

        var coordinator = await w.Factory.SignInAsync(w.Org[Roles.Coordinator]);
        Location(await PostAsync(coordinator, "/coordinate/support?handler=Return", ("RequestId", id.ToString())))
            .ShouldBe("/coordinate/support?period=30&done=returned");
        (await w.OffersAsync(id)).ShouldHaveSingleItem().Outcome.ShouldBe(OfferOutcome.Reassigned);
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        ShouldBeTheNotice(await sink.WaitForMailToAsync(w.Org[Roles.Employee].Email), id, holder.Email, "Ada", "Ben", "coordinator");
        var page = await RequestPageAsync(requester, id);
        page.ShouldContain(PageSaysChooseAgain);
        OfferWorld.Tokens(page).ShouldHaveSingleItem("the supporter it was taken from is not suggested again");
        await w.RunAsync();
        (await NoticesAsync(w, id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_conversation_handed_back_when_the_supporter_loses_the_role_tells_its_requester_to_choose_again()
    {
        await using var sink = new SmtpSink();
        await using var world = await ConversationWorld.StartAsync(settings: sink.Settings());
        var supporter = world.Org[Roles.PeerSupporter];
        await TurnOnAsync(world.Requester, world.Id);
        var api = await world.Factory.ApiClientAsync(world.Org, world.Org[Roles.Admin]);
        (await api.PutAsJsonAsync($"/api/v1/people/{supporter.PersonId}/roles", new RolesRequest([Roles.Employee]))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await world.RecordAsync()).Status.ShouldBe(RequestStatus.Waiting);
        var mail = await sink.WaitForMailToAsync(world.Org[Roles.Employee].Email);
        mail.Subject.ShouldBe("Talk Org: your request needs your choice");
        (mail.TextBody ?? "").ShouldContain($"http://localhost/support/requests/{world.Id}");
        (mail.Subject + mail.TextBody).ShouldNotContain("PeerSupporter of Talk Org");
        (await world.DbAsync(db => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == SupportOffers.ChooseAgainMailPurpose))).ShouldBe(1);

        // Nobody else can take it here: the request's page says so, and the conversation's page leads there.
        (await ConversationWorld.BodyAsync(await world.Requester.GetAsync($"/support/requests/{world.Id}")))
            .ShouldContain("The supporter who had your request cannot take it on now.");
        var conversation = await ConversationWorld.BodyAsync(await world.Requester.GetAsync(world.Path));
        conversation.ShouldContain("This conversation is waiting for a new supporter.");
        conversation.ShouldContain($"href=\"/support/requests/{world.Id}\"");
    }

    [Fact]
    public async Task A_requester_who_blocks_their_supporter_is_not_told_to_choose_again_as_if_the_supporter_could_not_take_it_on()
    {
        await using var c = await Chosen.StartAsync(mail: false);
        var (w, requester, id, offer, holder, other) = (c.World, c.Requester, c.Id, c.Offer, c.Holder, c.Other);
        Location(await PostAsync(await w.Factory.SignInAsync(holder), "/supporter/offers?handler=Accept", ("OfferId", offer.Id.ToString())));

        // "Don't match me with this supporter again" (where "Ask for another supporter" leads): their own doing.
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=BlockSupporter", ("Confirm", "true"))).ShouldBe($"/support/requests/{id}?blocked=true");
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        var page = WebUtility.HtmlDecode(await PageAsync(requester, $"/support/requests/{id}?blocked=true"));
        page.ShouldContain("You will not be matched with that supporter again.");
        page.ShouldNotContain(PageSaysChooseAgain);
        page.ShouldNotContain("cannot take it on now");
        OfferWorld.Tokens(page).ShouldHaveSingleItem("only the other supporter is suggested");
        (await w.AuditCountAsync(OfferAudit.ChooseAgain)).ShouldBe(0);

        // Chosen again, the other supporter declines: not their doing, so the page says the supporter cannot take it on.
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=Choose", ("token", OfferWorld.Tokens(page).Single())))
            .ShouldBe($"/support/requests/{id}?chosen=true");
        var second = await w.PendingAsync(id);
        second.SupporterId.ShouldBe(other.PersonId);
        Location(await PostAsync(await w.Factory.SignInAsync(other), "/supporter/offers?handler=Decline", ("OfferId", second.Id.ToString())));
        (await RequestPageAsync(requester, id)).ShouldContain("The supporter who had your request cannot take it on now.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_requester_who_blocks_their_supporter_and_then_unblocks_them_is_still_not_told_to_choose_again(bool accepted)
    {
        await using var c = await Chosen.StartAsync(mail: false);
        var (w, requester, id, offer, holder) = (c.World, c.Requester, c.Id, c.Offer, c.Holder);
        if (accepted)
        {
            Location(await PostAsync(await w.Factory.SignInAsync(holder), "/supporter/offers?handler=Accept", ("OfferId", offer.Id.ToString())));
            (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Active);
        }

        // Blocked from their list while the offer is pending or the conversation open: the request comes back by their own doing.
        Location(await PostAsync(requester, "/support/blocked?handler=Add", ("PersonId", holder.PersonId.ToString()))).ShouldBe("/support/blocked?saved=true");
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        (await RequestPageAsync(requester, id)).ShouldNotContain(PageSaysChooseAgain);

        // Removing the block changes nothing about what happened: nobody became unable to take it on.
        Location(await PostAsync(requester, "/support/blocked?handler=Remove", ("PersonId", holder.PersonId.ToString()))).ShouldBe("/support/blocked?saved=true");
        (await PageAsync(requester, "/support/blocked")).ShouldContain("Nobody yet.");
        var page = await RequestPageAsync(requester, id);
        page.ShouldNotContain(PageSaysChooseAgain);
        page.ShouldNotContain("cannot take it on now");
        OfferWorld.Tokens(page).Count.ShouldBe(2, "the unblocked supporter may be chosen again");
        (await w.AuditCountAsync(OfferAudit.ChooseAgain)).ShouldBe(0);
    }

    [Fact]
    public async Task An_urgent_request_is_offered_to_someone_else_while_a_routine_one_declined_beside_it_comes_back_to_its_requester()
    {
        await using var c = await Chosen.StartAsync(email: true);
        var (w, sink, requester, routine, routineOffer, routineHolder) = (c.World, c.Sink!, c.Requester, c.Id, c.Offer, c.Holder);

        // The same person's urgent request is matched at once, and its page promises someone else.
        var urgent = await OfferWorld.AskAsync(requester, OfferWorld.Form(selfHarm: "yes"));
        var urgentOffer = await w.PendingAsync(urgent);
        urgentOffer.How.ShouldBe(OfferHow.Automatic);
        var urgentHolder = urgentOffer.SupporterId == c.Holder.PersonId ? c.Holder : c.Other;
        var urgentPage = await RequestPageAsync(requester, urgent);
        urgentPage.ShouldContain("If they cannot, we will ask someone else.");
        urgentPage.ShouldNotContain(LetYouKnow);
        urgentPage.ShouldNotContain(TurnOn); // an urgent request never comes back to its requester

        // Both are declined: the urgent one goes straight to the other supporter, the routine one back to its requester.
        Location(await PostAsync(await w.Factory.SignInAsync(urgentHolder), "/supporter/offers?handler=Decline", ("OfferId", urgentOffer.Id.ToString())))
            .ShouldBe("/supporter/offers?declined=true");
        (await w.PendingAsync(urgent)).SupporterId.ShouldNotBe(urgentHolder.PersonId);
        Location(await PostAsync(await w.Factory.SignInAsync(routineHolder), "/supporter/offers?handler=Decline", ("OfferId", routineOffer.Id.ToString())))
            .ShouldBe("/supporter/offers?declined=true");
        (await w.RequestAsync(routine)).Status.ShouldBe(RequestStatus.Waiting);

        ShouldBeTheNotice(await sink.WaitForMailToAsync(w.Org[Roles.Employee].Email), routine, routineHolder.Email, "Ada", "Ben");
        (await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().Set<OutgoingMail>()
            .Where(m => m.Purpose == SupportOffers.ChooseAgainMailPurpose).Select(m => m.About).ToListAsync())).ShouldBe([routine], "nothing about the urgent one");
        (await RequestPageAsync(requester, urgent)).ShouldNotContain(PageSaysChooseAgain);
    }

    [Fact]
    public async Task In_automatic_mode_the_page_still_promises_someone_else_and_a_decline_emails_nobody_about_choosing()
    {
        await using var sink = new SmtpSink();
        await using var w = await OfferWorld.StartAsync(settings: sink.Settings());
        var ada = await w.SupporterAsync("Ada Supporter");
        var ben = await w.SupporterAsync("Ben Supporter");
        await w.SetModeAsync("Automatic");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var id = await OfferWorld.AskAsync(requester, OfferWorld.Form());
        var first = await w.PendingAsync(id);
        var page = await RequestPageAsync(requester, id);
        page.ShouldContain("If they cannot, we will ask someone else.");
        page.ShouldNotContain(LetYouKnow);

        var holder = first.SupporterId == ada.PersonId ? ada : ben;
        Location(await PostAsync(await w.Factory.SignInAsync(holder), "/supporter/offers?handler=Decline", ("OfferId", first.Id.ToString())))
            .ShouldBe("/supporter/offers?declined=true");
        (await w.PendingAsync(id)).SupporterId.ShouldNotBe(holder.PersonId);
        (await NoticesAsync(w, id)).ShouldBe(0);
        (await w.AuditCountAsync(OfferAudit.ChooseAgain)).ShouldBe(0);
    }

    [Fact]
    public async Task With_mail_off_the_page_alone_says_to_choose_again_and_nothing_is_queued()
    {
        await using var c = await Chosen.StartAsync(mail: false);
        var (w, requester, id, offer, holder) = (c.World, c.Requester, c.Id, c.Offer, c.Holder);
        Location(await PostAsync(await w.Factory.SignInAsync(holder), "/supporter/offers?handler=Decline", ("OfferId", offer.Id.ToString())));

        var page = await RequestPageAsync(requester, id);
        page.ShouldContain(PageSaysChooseAgain);
        page.ShouldNotContain(TurnOn); // without mail the page offers no email
        (await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().Set<OutgoingMail>().CountAsync())).ShouldBe(0);
        (await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == OfferAudit.ChooseAgain).Select(e => e.Detail).SingleAsync())).ShouldBe("email=none");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task By_default_a_request_sent_back_emails_nobody_and_the_page_alone_says_to_choose_again(Engine engine)
    {
        await using var c = await Chosen.StartAsync(engine);
        var (w, sink, requester, id, offer, holder) = (c.World, c.Sink!, c.Requester, c.Id, c.Offer, c.Holder);

        // Off until they turn it on, and the page says what the email would say and who could see it.
        var offered = await RequestPageAsync(requester, id);
        offered.ShouldContain("Upstander does not email you about this request.");
        offered.ShouldContain("could learn from it that you asked for support");
        offered.ShouldContain(TurnOn);
        (await w.RequestAsync(id)).ChooseAgainEmail.ShouldBeFalse();

        Location(await PostAsync(await w.Factory.SignInAsync(holder), "/supporter/offers?handler=Decline", ("OfferId", offer.Id.ToString())))
            .ShouldBe("/supporter/offers?declined=true");
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        var page = await RequestPageAsync(requester, id);
        page.ShouldContain(PageSaysChooseAgain);
        OfferWorld.Tokens(page).ShouldHaveSingleItem();

        // Mail works (the supporter was emailed the offer), yet nothing about choosing again is queued.
        await sink.WaitForMailToAsync(holder.Email);
        await w.RunAsync();
        (await NoticesAsync(w, id)).ShouldBe(0, "the requester did not turn the email on");
        (await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == OfferAudit.ChooseAgain).Select(e => e.Detail).SingleAsync())).ShouldBe("email=none");
    }

    [Fact]
    public async Task Turned_on_the_requester_is_emailed_once_per_return_and_turned_off_no_more()
    {
        await using var c = await Chosen.StartAsync(email: true);
        var (w, sink, requester, id, offer, holder, other) = (c.World, c.Sink!, c.Requester, c.Id, c.Offer, c.Holder, c.Other);

        var on = await PageAsync(requester, $"/support/requests/{id}?email=on");
        on.ShouldContain("You will be emailed if you need to choose a supporter again.");
        on.ShouldContain("Upstander emails your work address if the supporter you chose cannot take your request on");
        on.ShouldContain(TurnOff);
        // Audited as the requester's own choice, without their account, with nothing but on or off.
        var changed = await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == OfferAudit.ChooseAgainEmailChanged).ToListAsync());
        (changed.ShouldHaveSingleItem().ActorKind, changed[0].ActorId, changed[0].TargetId, changed[0].Detail)
            .ShouldBe((AuditLog.HiddenRequester, (Guid?)null, id.ToString("N"), "email=on"));

        Location(await PostAsync(await w.Factory.SignInAsync(holder), "/supporter/offers?handler=Decline", ("OfferId", offer.Id.ToString())));
        ShouldBeTheNotice(await sink.WaitForMailToAsync(w.Org[Roles.Employee].Email), id, holder.Email, "Ada", "Ben");
        (await NoticesAsync(w, id)).ShouldBe(1);

        // Chosen again, then turned off: the second supporter's decline emails nobody.
        var page = await RequestPageAsync(requester, id);
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=Choose", ("token", OfferWorld.Tokens(page).Single())))
            .ShouldBe($"/support/requests/{id}?chosen=true");
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=ChooseAgainEmail", ("ChooseAgainEmail", "off")))
            .ShouldBe($"/support/requests/{id}?email=off#choose-again-email");
        (await w.RequestAsync(id)).ChooseAgainEmail.ShouldBeFalse();
        (await RequestPageAsync(requester, id)).ShouldContain(TurnOn);
        var second = await w.PendingAsync(id);
        second.SupporterId.ShouldBe(other.PersonId);
        Location(await PostAsync(await w.Factory.SignInAsync(other), "/supporter/offers?handler=Decline", ("OfferId", second.Id.ToString())));
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        (await RequestPageAsync(requester, id)).ShouldContain("The supporter who had your request cannot take it on now.");
        await w.RunAsync();
        (await NoticesAsync(w, id)).ShouldBe(1, "turned off before the second return");
        (await w.AuditCountAsync(OfferAudit.ChooseAgainEmailChanged)).ShouldBe(2);
    }

    [Fact]
    public async Task A_bad_value_or_someone_elses_request_is_refused_and_changes_nothing()
    {
        await using var c = await Chosen.StartAsync();
        var (w, requester, id) = (c.World, c.Requester, c.Id);
        var path = $"/support/requests/{id}?handler=ChooseAgainEmail";

        foreach (var bad in new[] { "yes", "", "ON" })
        {
            var refused = await PostAsync(requester, path, ("ChooseAgainEmail", bad));
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
            WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).ShouldContain("Choose whether to be emailed if you need to choose a supporter again.");
        }

        // Anyone else, even a coordinator, gets 404 as for the page itself (the token comes from their own page).
        foreach (var role in new[] { Roles.Coordinator, Roles.Admin })
        {
            var someone = await w.Factory.SignInAsync(w.Org[role]);
            (await someone.GetAsync($"/support/requests/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            var token = await someone.AntiforgeryTokenAsync("/");
            (await someone.PostWithTokenAsync(path, token, ("ChooseAgainEmail", "on"))).StatusCode.ShouldBe(HttpStatusCode.NotFound, role);
        }

        (await w.RequestAsync(id)).ChooseAgainEmail.ShouldBeFalse();
        (await w.AuditCountAsync(OfferAudit.ChooseAgainEmailChanged)).ShouldBe(0);
    }

    [Fact]
    public async Task A_request_that_can_no_longer_come_back_refuses_the_email_and_changes_nothing()
    {
        await using var c = await Chosen.StartAsync();
        var (w, requester, routine) = (c.World, c.Requester, c.Id);

        // An urgent request is matched by the runner, never sent back to its requester: its page offers no email, nor does the post.
        var urgent = await OfferWorld.AskAsync(requester, OfferWorld.Form(selfHarm: "yes"));
        (await RequestPageAsync(requester, urgent)).ShouldNotContain(TurnOn);
        await ShouldRefuseEmailAsync(requester, urgent, "on");

        // Nor can a withdrawn one come back.
        Location(await PostAsync(requester, $"/support/requests/{routine}?handler=Withdraw", ("Confirm", "true"))).ShouldBe($"/support/requests/{routine}");
        (await w.RequestAsync(routine)).Status.ShouldBe(RequestStatus.Withdrawn);
        (await RequestPageAsync(requester, routine)).ShouldNotContain(TurnOn);
        await ShouldRefuseEmailAsync(requester, routine, "on");

        (await w.RequestAsync(urgent)).ChooseAgainEmail.ShouldBeFalse();
        (await w.RequestAsync(routine)).ChooseAgainEmail.ShouldBeFalse();
        (await w.AuditCountAsync(OfferAudit.ChooseAgainEmailChanged)).ShouldBe(0);
    }

    [Fact]
    public async Task With_mail_off_the_email_is_refused_as_the_page_never_offers_it_and_nothing_changes()
    {
        await using var c = await Chosen.StartAsync(mail: false);
        var (w, requester, id) = (c.World, c.Requester, c.Id);

        // A routine request while requesters choose could come back, but without mail there is nothing to email.
        (await RequestPageAsync(requester, id)).ShouldNotContain(TurnOn);
        foreach (var value in new[] { "on", "off" })
        {
            // The request could still come back: what stands in the way is that no email is sent, and the answer says so.
            await ShouldRefuseEmailAsync(requester, id, value, "Upstander does not send email here, so it cannot email you about this.");
        }
        (await w.RequestAsync(id)).ChooseAgainEmail.ShouldBeFalse();
        (await w.AuditCountAsync(OfferAudit.ChooseAgainEmailChanged)).ShouldBe(0);
    }

    private const string CannotComeBack = "This request can no longer come back to you to choose a supporter, so there is nothing to email you about.";

    /// <summary>The requester's post of the email choice for a request whose page does not offer it: 400, saying why.</summary>
    private static async Task ShouldRefuseEmailAsync(HttpClient requester, Guid id, string value, string why = CannotComeBack)
    {
        var refused = await PostAsync(requester, $"/support/requests/{id}?handler=ChooseAgainEmail", ("ChooseAgainEmail", value));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, value);
        WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).ShouldContain(why);
    }

    /// <summary>The requester turns the email about choosing again on through the form on their request's page.</summary>
    private static async Task TurnOnAsync(HttpClient requester, Guid id)
    {
        (await RequestPageAsync(requester, id)).ShouldContain(TurnOn);
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=ChooseAgainEmail", ("ChooseAgainEmail", "on")))
            .ShouldBe($"/support/requests/{id}?email=on#choose-again-email");
    }

    /// <summary>
    /// An organisation (mail on unless asked otherwise) with two supporters, Ada and Ben, and the employee's routine request,
    /// offered to the one behind the first suggestion they chose: <see cref="Holder"/>; the other is <see cref="Other"/>. With
    /// <c>email</c>, the requester has turned on the email about choosing again through their request's page.
    /// </summary>
    private sealed record Chosen(OfferWorld World, SmtpSink? Sink, HttpClient Requester, Guid Id, SupportOffer Offer, TestAccount Holder, TestAccount Other)
        : IAsyncDisposable
    {
        public static async Task<Chosen> StartAsync(Engine engine = Engine.Sqlite, bool mail = true, bool email = false)
        {
            var sink = mail ? new SmtpSink() : null;
            var w = await OfferWorld.StartAsync(engine, sink?.Settings());
            var ada = await w.SupporterAsync("Ada Supporter");
            var ben = await w.SupporterAsync("Ben Supporter");
            var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
            var id = await OfferWorld.AskAsync(requester, OfferWorld.Form());
            var tokens = OfferWorld.Tokens(await PageAsync(requester, $"/support/requests/{id}"));
            tokens.Count.ShouldBe(2);
            Location(await PostAsync(requester, $"/support/requests/{id}?handler=Choose", ("token", tokens[0]))).ShouldBe($"/support/requests/{id}?chosen=true");
            var offer = await w.PendingAsync(id);
            offer.How.ShouldBe(OfferHow.RequesterChose);
            var (holder, other) = offer.SupporterId == ada.PersonId ? (ada, ben) : (ben, ada);
            if (email)
            {
                await TurnOnAsync(requester, id);
            }
            return new Chosen(w, sink, requester, id, offer, holder, other);
        }

        public async ValueTask DisposeAsync()
        {
            await World.DisposeAsync();
            if (Sink is not null)
            {
                await Sink.DisposeAsync();
            }
        }
    }

    private static async Task<string> RequestPageAsync(HttpClient requester, Guid id) =>
        WebUtility.HtmlDecode(await PageAsync(requester, $"/support/requests/{id}"));

    private static Task<int> NoticesAsync(OfferWorld w, Guid id) =>
        w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().Set<OutgoingMail>()
            .CountAsync(m => m.Purpose == SupportOffers.ChooseAgainMailPurpose && m.About == id));

    /// <summary>The requester's email: that they need to choose again and the link to the request, nothing of who had it or why.</summary>
    private static void ShouldBeTheNotice(MimeMessage mail, Guid id, string holderEmail, params string[] never)
    {
        mail.Subject.ShouldBe(Subject);
        var body = mail.TextBody ?? "";
        body.ShouldContain("Hello Employee of Offer Org,");
        body.ShouldContain(NeedsChoice);
        var link = $"http://localhost/support/requests/{id}";
        body.ShouldContain(link);
        // Without the link: the request's id is hex, where a short secret such as "Ada" may turn up by chance.
        var words = mail.Subject + body.Replace(link, "", StringComparison.Ordinal);
        foreach (var secret in never.Append(holderEmail))
        {
            words.ShouldNotContain(secret, Case.Insensitive);
        }
    }
}
