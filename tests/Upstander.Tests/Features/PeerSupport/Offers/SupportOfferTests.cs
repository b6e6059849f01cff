using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Offers;

/// <summary>The matching lifecycle through the real pages: settings, offers, accept, decline, expiry, the requester's choice, blocks and reassignment.</summary>
public sealed class SupportOfferTests
{
    private const string Words = "My manager reads my private messages aloud";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_offer_is_accepted_or_declined_only_by_its_supporter_and_a_decline_or_expiry_rematches_without_them(Engine engine)
    {
        await using var w = await OfferWorld.StartAsync(engine);
        var a = await w.SupporterAsync("Ada Supporter");
        var b = await w.SupporterAsync("Ben Supporter");
        await w.SetModeAsync("Automatic");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var id = await OfferWorld.AskAsync(requester, OfferWorld.Form(details: Words));

        var first = await w.PendingAsync(id);
        first.How.ShouldBe(OfferHow.Automatic);
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Offered);
        var (holder, other) = first.SupporterId == a.PersonId ? (a, b) : (b, a);
        var holderClient = await w.Factory.SignInAsync(holder);
        var otherClient = await w.Factory.SignInAsync(other);
        var offersPage = await PageAsync(holderClient, "/supporter/offers");
        offersPage.ShouldContain(first.Id.ToString());
        offersPage.ShouldContain("(made-up name)");
        offersPage.ShouldNotContain(Words);
        (await PageAsync(otherClient, "/supporter/offers")).ShouldNotContain(first.Id.ToString());
        (await PostAsync(otherClient, "/supporter/offers?handler=Accept", ("OfferId", first.Id.ToString()))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PostAsync(otherClient, "/supporter/offers?handler=Decline", ("OfferId", first.Id.ToString()))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PostAsync(holderClient, "/supporter/offers?handler=Decline", ("OfferId", first.Id.ToString()), ("Reason", "because I said so"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await w.PendingAsync(id)).Id.ShouldBe(first.Id);
        (await PageAsync(requester, $"/support/requests/{id}")).ShouldContain("We have asked a supporter; they have until");

        // Declined: offered to the other supporter, never to the one who declined.
        Location(await PostAsync(holderClient, "/supporter/offers?handler=Decline", ("OfferId", first.Id.ToString()), ("Reason", "no-capacity"))).ShouldBe("/supporter/offers?declined=true");
        var second = await w.PendingAsync(id);
        second.SupporterId.ShouldBe(other.PersonId);

        // The other lets it expire: nobody is left who has not declined or let it lapse, so it waits.
        w.Factory.Clock.Advance(TimeSpan.FromHours(MatchingSettings.DefaultOfferHours + 1));
        await w.RunAsync();
        (await w.OffersAsync(id)).Select(o => (o.SupporterId, o.Outcome)).ShouldBe([(holder.PersonId, OfferOutcome.Declined), (other.PersonId, OfferOutcome.Expired)]);
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);

        // A new supporter is matched; they accept and the conversation opens.
        var c = await w.SupporterAsync("Cleo Supporter");
        (await w.RunAsync()).ShouldBe(1);
        var third = await w.PendingAsync(id);
        third.SupporterId.ShouldBe(c.PersonId);
        var cClient = await w.Factory.SignInAsync(c);
        Location(await PostAsync(cClient, "/supporter/offers?handler=Accept", ("OfferId", third.Id.ToString()))).ShouldBe($"/support/conversations/{id}");
        var active = await w.RequestAsync(id);
        (active.Status, active.SupporterId).ShouldBe((RequestStatus.Active, c.PersonId));
        active.FirstAcceptedAt.ShouldNotBeNull();
        (await PostAsync(cClient, "/supporter/offers?handler=Accept", ("OfferId", third.Id.ToString()))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var requesterPage = await PageAsync(requester, $"/support/requests/{id}");
        requesterPage.ShouldContain("Why this supporter:");
        requesterPage.ShouldContain(third.RequesterText);
        PageText.ShouldNotName(requesterPage, "Cleo Supporter");

        (await w.AuditCountAsync(OfferAudit.Offered)).ShouldBe(3);
        (await w.AuditCountAsync(OfferAudit.Declined)).ShouldBe(1);
        (await w.AuditCountAsync(OfferAudit.Expired)).ShouldBe(1);
        (await w.AuditCountAsync(OfferAudit.Accepted)).ShouldBe(1);
        var details = await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents.Select(e => e.Detail).ToListAsync());
        details.ShouldAllBe(d => d == null || !d.Contains("manager"));
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Automatic_mode_assigns_the_whole_queue_optimally_and_concurrent_runs_never_exceed_a_cap(Engine engine)
    {
        await using var w = await OfferWorld.StartAsync(engine);
        // Ada shares the first requester's experience and alone speaks Welsh; Ben speaks only English.
        var ada = await w.SupporterAsync("Ada Supporter", cap: 1, languages: ["en", "cy"], tags: ["racism"]);
        var ben = await w.SupporterAsync("Ben Supporter", cap: 1);
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        // Requesters choose (the default): routine requests wait for a choice, so the queue builds up.
        var first = await OfferWorld.AskAsync(requester, OfferWorld.Form(tags: "racism"));
        var welsh = await OfferWorld.AskAsync(requester, OfferWorld.Form(language: "cy"));
        (await w.RequestAsync(first)).Status.ShouldBe(RequestStatus.Waiting);

        // Switching to automatic runs the queue: first come, first served would give Ada to the first request
        // and leave the Welsh one with nobody; the optimal assignment matches both.
        await w.SetModeAsync("Automatic");
        (await w.PendingAsync(first)).SupporterId.ShouldBe(ben.PersonId);
        (await w.PendingAsync(welsh)).SupporterId.ShouldBe(ada.PersonId);

        // More requests than room; several runners at once still respect every cap and one pending offer per request.
        var cleo = await w.SupporterAsync("Cleo Supporter", cap: 2);
        await w.SetModeAsync("RequesterChooses");
        var more = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            more.Add(await OfferWorld.AskAsync(requester, OfferWorld.Form()));
        }
        await w.Factory.InScopeAsync(w.Org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var settings = await db.Set<MatchingSettings>().SingleAsync();
            settings.Apply(settings.Options with { Mode = MatchingMode.Automatic }, 24, 2, w.Factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        var made = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(w.RunAsync)));
        made.Sum().ShouldBe(2);
        var open = await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().Set<SupportRequestRecord>()
            .Where(r => r.Status == RequestStatus.Offered).GroupBy(r => r.SupporterId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync());
        open.Single(o => o.Key == cleo.PersonId).Count.ShouldBe(2);
        open.Single(o => o.Key == ada.PersonId).Count.ShouldBe(1);
        open.Single(o => o.Key == ben.PersonId).Count.ShouldBe(1);
        foreach (var id in more)
        {
            (await w.OffersAsync(id)).Count(o => o.Outcome == OfferOutcome.Pending).ShouldBeLessThanOrEqualTo(1);
        }
    }

    [Fact]
    public async Task Two_servers_on_one_PostgreSQL_database_run_the_queue_one_at_a_time_and_keep_each_cap()
    {
        await using var w = await OfferWorld.StartAsync(Engine.Postgres);
        await using var second = new UpstanderFactory(Engine.Postgres, database: w.Factory.Database);
        var ada = await w.SupporterAsync("Ada Supporter", cap: 1);
        await w.SetModeAsync("RequesterChooses");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var asked = new[] { await OfferWorld.AskAsync(requester, OfferWorld.Form()), await OfferWorld.AskAsync(requester, OfferWorld.Form()) };
        await w.Factory.InScopeAsync(w.Org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var settings = await db.Set<MatchingSettings>().SingleAsync();
            settings.Apply(settings.Options with { Mode = MatchingMode.Automatic }, 24, 2, w.Factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });

        // Both servers' runners start while a third process holds the queue: each waits on the database lock, as
        // its own process's lock is free. Once it is let go, the first run offers Ada one request (her cap is one)
        // and the second, reading her caseload after that, offers nothing.
        await using var held = await HeldSection.TakeAsync(w.Factory.Database, SupportOffers.MatchingSection, w.Org.Id);
        var runs = new[]
        {
            w.RunAsync(),
            second.InScopeAsync(w.Org.Id, s => s.GetRequiredService<SupportOffers>().RunAsync(CancellationToken.None)),
        };
        await held.WaitedForByAsync(w.Factory, second);
        await held.ReleaseAsync();
        (await Task.WhenAll(runs)).ShouldBe([1, 0], ignoreOrder: true);
        var offered = new List<SupportOffer>();
        foreach (var id in asked)
        {
            offered.AddRange((await w.OffersAsync(id)).Where(o => o.Outcome == OfferOutcome.Pending));
        }
        offered.ShouldHaveSingleItem().SupporterId.ShouldBe(ada.PersonId);
    }

    [Fact]
    public async Task Urgent_requests_are_matched_at_once_when_requesters_choose_and_routine_ones_get_suggestions_without_names()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var urgent = await OfferWorld.AskAsync(requester, OfferWorld.Form(selfHarm: "yes"));
        var offer = await w.PendingAsync(urgent);
        (offer.SupporterId, offer.How).ShouldBe((ada.PersonId, OfferHow.Automatic));
        (offer.AnswerBy - offer.OfferedAt).ShouldBe(TimeSpan.FromHours(MatchingSettings.DefaultUrgentOfferHours));
        // Offered is not helped: the person still sees crisis resources first until a supporter accepts.
        var urgentPage = await PageAsync(requester, $"/support/requests/{urgent}?sent=true");
        urgentPage.IndexOf("You do not have to wait", StringComparison.Ordinal).ShouldBeGreaterThan(0);
        urgentPage.IndexOf("<h1", StringComparison.Ordinal).ShouldBeLessThan(urgentPage.IndexOf("You do not have to wait", StringComparison.Ordinal));
        urgentPage.ShouldContain("call your local emergency number");

        var routine = await OfferWorld.AskAsync(requester, OfferWorld.Form());
        (await w.RequestAsync(routine)).Status.ShouldBe(RequestStatus.Waiting);
        var page = await PageAsync(requester, $"/support/requests/{routine}");
        page.ShouldContain("Choose this supporter");
        page.ShouldContain("A trained peer supporter");
        PageText.ShouldNotName(page, "Ada Supporter");
        page.ShouldNotContain(ada.PersonId.ToString());
        page.ShouldNotContain(ada.PersonId.ToString("N"));
    }

    [Fact]
    public async Task A_request_whose_first_matching_fails_is_still_shown_as_sent_and_the_runner_offers_it_later()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        // Offers cannot be written right after the request was stored.
        Guid urgent;
        await using (await w.Factory.Database.RefuseInsertsAsync("support_offers"))
        {
            urgent = await OfferWorld.AskAsync(requester, OfferWorld.Form(selfHarm: "yes"));
            (await w.RequestAsync(urgent)).Status.ShouldBe(RequestStatus.Waiting);
            (await w.OffersAsync(urgent)).ShouldBeEmpty();
            var page = await PageAsync(requester, $"/support/requests/{urgent}?sent=true");
            page.IndexOf("You do not have to wait", StringComparison.Ordinal).ShouldBeGreaterThan(0, "the person sees crisis resources, not an error page");
            w.Factory.Logs.All.ShouldContain("the matching runner will try again");
        }

        await w.RunAsync();
        (await w.PendingAsync(urgent)).SupporterId.ShouldBe(ada.PersonId);
        (await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().Set<SupportRequestRecord>().CountAsync())).ShouldBe(1, "sent once");
    }

    [Fact]
    public async Task The_requesters_choice_is_checked_again_and_refused_when_the_rules_no_longer_hold()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter", cap: 1);
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var id = await OfferWorld.AskAsync(requester, OfferWorld.Form());
        var token = OfferWorld.Tokens(await PageAsync(requester, $"/support/requests/{id}")).ShouldHaveSingleItem();

        // Meanwhile Ada fills up with an urgent request.
        var other = await w.Factory.SignInAsync(w.Org[Roles.Leader]);
        var urgent = await OfferWorld.AskAsync(other, OfferWorld.Form(selfHarm: "yes"));
        (await w.PendingAsync(urgent)).SupporterId.ShouldBe(ada.PersonId);

        var refused = await PostAsync(requester, $"/support/requests/{id}?handler=Choose", ("token", token));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("That supporter can no longer take your request");
        (await PostAsync(requester, $"/support/requests/{id}?handler=Choose", ("token", "forged"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await w.OffersAsync(id)).ShouldBeEmpty();

        // Room again: the same choice now goes through, and the page says who has until when.
        var ada1 = await w.Factory.SignInAsync(ada);
        Location(await PostAsync(ada1, "/supporter/offers?handler=Accept", ("OfferId", (await w.PendingAsync(urgent)).Id.ToString())));
        await w.Factory.InScopeAsync(w.Org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var settings = await db.Set<Upstander.Features.PeerSupport.Care.SupporterSettings>().SingleAsync(x => x.PersonId == ada.PersonId);
            settings.Apply(true, null, 2, ["en"], [], w.Factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=Choose", ("token", token))).ShouldBe($"/support/requests/{id}?chosen=true");
        var chosen = await w.PendingAsync(id);
        (chosen.SupporterId, chosen.How).ShouldBe((ada.PersonId, OfferHow.RequesterChose));
        (await PageAsync(requester, $"/support/requests/{id}")).ShouldContain("We have asked a supporter; they have until");

        // Withdrawn while offered: the pending offer ends as withdrawn.
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=Withdraw", ("Confirm", "true")));
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Withdrawn);
        (await w.OffersAsync(id)).Single().Outcome.ShouldBe(OfferOutcome.Withdrawn);
    }

    [Fact]
    public async Task A_blocked_person_is_never_offered_and_blocking_mid_offer_or_after_accepting_moves_the_request()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        var ben = await w.SupporterAsync("Ben Supporter");
        var cleo = await w.SupporterAsync("Cleo Supporter");
        await w.SetModeAsync("Automatic");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);

        // The directory search shows everyone alike; blocking someone from another organisation or oneself is refused.
        var search = await PageAsync(requester, "/support/blocked?search=Supporter");
        search.ShouldContain("Ada Supporter");
        var before = await RowCounts.TakeAsync(w.Factory.Database);
        (await PostAsync(requester, "/support/blocked?handler=Add", ("PersonId", w.Org[Roles.Employee].PersonId.ToString()))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(requester, "/support/blocked?handler=Add", ("PersonId", Guid.NewGuid().ToString()))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(w.Factory.Database)).ShouldBeEmpty();

        Location(await PostAsync(requester, "/support/blocked?handler=Add", ("PersonId", ada.PersonId.ToString()))).ShouldBe("/support/blocked?saved=true");
        var id = await OfferWorld.AskAsync(requester, OfferWorld.Form());
        var offer = await w.PendingAsync(id);
        offer.SupporterId.ShouldNotBe(ada.PersonId);

        // Blocking the supporter who has the offer: it goes back and to the one left.
        Location(await PostAsync(requester, "/support/blocked?handler=Add", ("PersonId", offer.SupporterId.ToString())));
        var next = await w.PendingAsync(id);
        var last = next.SupporterId;
        new[] { ada.PersonId, offer.SupporterId }.ShouldNotContain(last);
        (await w.OffersAsync(id)).First().Outcome.ShouldBe(OfferOutcome.Withdrawn);

        // After accepting: "don't match me with this supporter again" needs the tick, then returns it to the queue.
        var lastClient = await w.Factory.SignInAsync(new[] { ben, cleo }.Single(s => s.PersonId == last));
        Location(await PostAsync(lastClient, "/supporter/offers?handler=Accept", ("OfferId", next.Id.ToString())));
        (await PostAsync(requester, $"/support/requests/{id}?handler=BlockSupporter")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=BlockSupporter", ("Confirm", "true"))).ShouldBe($"/support/requests/{id}?blocked=true");
        var request = await w.RequestAsync(id);
        (request.Status, request.SupporterId).ShouldBe((RequestStatus.Waiting, (Guid?)null));
        (await w.OffersAsync(id)).Count(o => o.Outcome == OfferOutcome.Pending).ShouldBe(0);
        (await PageAsync(requester, "/support/blocked")).ShouldContain(last == ben.PersonId ? "Ben Supporter" : "Cleo Supporter");
        (await w.AuditCountAsync(OfferAudit.Blocked)).ShouldBe(3);
    }

    [Fact]
    public async Task A_named_source_of_harm_and_their_management_chain_are_never_matched_through_the_web_flow()
    {
        await using var w = await OfferWorld.StartAsync();
        var leader = w.Org[Roles.Leader];
        var reportsToLeader = await w.SupporterAsync("Ada Supporter", managerId: leader.PersonId);
        var named = await w.SupporterAsync("Ben Supporter");
        await w.SetModeAsync("Automatic");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);

        var id = await OfferWorld.AskAsync(requester, [.. OfferWorld.Form(), ("Named", leader.PersonId.ToString()), ("Named", named.PersonId.ToString())]);
        (await w.OffersAsync(id)).ShouldBeEmpty();
        var page = await PageAsync(requester, $"/support/requests/{id}");
        page.ShouldContain("A coordinator can see that your request is waiting");

        // A supporter with no connection is matched.
        var cleo = await w.SupporterAsync("Cleo Supporter");
        await w.RunAsync();
        (await w.PendingAsync(id)).SupporterId.ShouldBe(cleo.PersonId);
        reportsToLeader.PersonId.ShouldNotBe(cleo.PersonId);
    }

    [Fact]
    public async Task Coordinator_settings_are_validated_and_a_bad_submission_changes_nothing()
    {
        await using var w = await OfferWorld.StartAsync();
        var coordinator = await w.Factory.SignInAsync(w.Org[Roles.Coordinator]);
        var page = await PageAsync(coordinator, "/coordinate/matching");
        page.ShouldContain("value=\"0.5\"");
        var before = await RowCounts.TakeAsync(w.Factory.Database);
        (string, string)[] Form(string weight = "1", string mode = "Automatic", string hours = "24", string urgent = "2") =>
            [("Mode", mode), ("OutsideDepartmentWeight", weight), ("SharedExperienceWeight", "1"), ("LoadBalanceWeight", "0.5"), ("FeedbackWeight", "0.5"), ("OfferHours", hours), ("UrgentOfferHours", urgent)];
        foreach (var (why, form) in new[] { ("negative", Form(weight: "-1")), ("too big", Form(weight: "101")), ("not a number", Form(weight: "NaN")), ("mode", Form(mode: "1")),
            ("hours", Form(hours: "0")), ("urgent longer", Form(urgent: "48")) })
        {
            var response = await PostAsync(coordinator, "/coordinate/matching", form);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, why);
            (await response.Content.ReadAsStringAsync()).ShouldContain("Nothing was saved", customMessage: why);
        }
        RowCounts.Differences(before, await RowCounts.TakeAsync(w.Factory.Database)).ShouldBeEmpty();
        Location(await PostAsync(coordinator, "/coordinate/matching", Form(weight: "80", hours: "12", urgent: "1"))).ShouldBe("/coordinate/matching?saved=true");
        var saved = await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().Set<MatchingSettings>().SingleAsync());
        (saved.OutsideDepartmentWeight, saved.Mode, saved.OfferHours, saved.UrgentOfferHours).ShouldBe((80.0, MatchingMode.Automatic, 12, 1));
        (await w.AuditCountAsync(OfferAudit.SettingsChanged)).ShouldBe(1);
        var employee = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        Location(await employee.GetAsync("/coordinate/matching")).ShouldContain("/account/access-denied");
    }

    [Fact]
    public async Task A_coordinator_reassigns_an_active_request_to_an_eligible_alternative_without_seeing_the_words()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        await w.SetModeAsync("Automatic");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var id = await OfferWorld.AskAsync(requester, OfferWorld.Form(details: Words));
        var offer = await w.PendingAsync(id);
        Location(await PostAsync(await w.Factory.SignInAsync(ada), "/supporter/offers?handler=Accept", ("OfferId", offer.Id.ToString())));
        var ben = await w.SupporterAsync("Ben Supporter");

        var coordinator = await w.Factory.SignInAsync(w.Org[Roles.Coordinator]);
        (await PageAsync(coordinator, "/coordinate/matching")).ShouldContain($"/coordinate/support/requests/{id}/reassign");
        var page = await PageAsync(coordinator, $"/coordinate/support/requests/{id}/reassign");
        page.ShouldContain("Ada Supporter");
        page.ShouldContain("Ben Supporter");
        page.ShouldContain(offer.CoordinatorSummary);
        page.ShouldNotContain(Words);
        page.ShouldNotContain(ada.PersonId.ToString());

        // Ada is not an alternative to herself; someone from another organisation or nobody answers 400.
        (await PostAsync(coordinator, $"/coordinate/support/requests/{id}/reassign", ("SupporterId", ada.PersonId.ToString()))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(coordinator, $"/coordinate/support/requests/{id}/reassign", ("SupporterId", Guid.NewGuid().ToString()))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await coordinator.GetAsync($"/coordinate/support/requests/{Guid.NewGuid()}/reassign")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        Location(await PostAsync(coordinator, $"/coordinate/support/requests/{id}/reassign", ("SupporterId", ben.PersonId.ToString()))).ShouldBe("/coordinate/matching?saved=true");
        var offers = await w.OffersAsync(id);
        offers.Select(o => (o.SupporterId, o.Outcome, o.How)).ShouldBe([(ada.PersonId, OfferOutcome.Reassigned, OfferHow.Automatic), (ben.PersonId, OfferOutcome.Pending, OfferHow.Coordinator)]);
        var request = await w.RequestAsync(id);
        (request.Status, request.SupporterId).ShouldBe((RequestStatus.Offered, ben.PersonId));
        (await w.AuditCountAsync(OfferAudit.Reassigned)).ShouldBe(1);
        (await PageAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), $"/support/requests/{id}")).ShouldContain("We have asked a supporter");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_coordinator_returning_an_offered_request_ends_its_offer_and_the_next_run_offers_it_and_the_rest_of_the_queue(Engine engine)
    {
        await using var w = await OfferWorld.StartAsync(engine);
        var ada = await w.SupporterAsync("Ada Supporter");
        var ben = await w.SupporterAsync("Ben Supporter");
        await w.SetModeAsync("Automatic");
        var returned = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), OfferWorld.Form());
        var stuck = await w.PendingAsync(returned);
        var (holder, other) = stuck.SupporterId == ada.PersonId ? (ada, ben) : (ben, ada);

        // Another request waits for the same run: asked while requesters choose, then the mode is switched without a run.
        await w.SetModeAsync("RequesterChooses");
        var waiting = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Leader]), OfferWorld.Form());
        (await w.RequestAsync(waiting)).Status.ShouldBe(RequestStatus.Waiting);
        await w.Factory.InScopeAsync(w.Org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var settings = await db.Set<MatchingSettings>().SingleAsync();
            settings.Apply(settings.Options with { Mode = MatchingMode.Automatic }, 24, 2, w.Factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });

        var coordinator = await w.Factory.SignInAsync(w.Org[Roles.Coordinator]);
        Location(await PostAsync(coordinator, "/coordinate/support?handler=Return", ("RequestId", returned.ToString())))
            .ShouldBe("/coordinate/support?period=30&done=returned");
        (await w.RequestAsync(returned)).Status.ShouldBe(RequestStatus.Waiting);
        (await w.OffersAsync(returned)).ShouldHaveSingleItem().Outcome.ShouldBe(OfferOutcome.Reassigned);
        var holderClient = await w.Factory.SignInAsync(holder);
        (await PageAsync(holderClient, "/supporter/offers")).ShouldNotContain(stuck.Id.ToString());
        (await PostAsync(holderClient, "/supporter/offers?handler=Accept", ("OfferId", stuck.Id.ToString()))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The next run offers both: the returned request to someone other than the supporter it was taken from.
        (await w.RunAsync()).ShouldBe(2);
        (await w.PendingAsync(returned)).SupporterId.ShouldBe(other.PersonId);
        (await w.RequestAsync(returned)).Status.ShouldBe(RequestStatus.Offered);
        (await w.PendingAsync(waiting)).SupporterId.ShouldBeOneOf(ada.PersonId, ben.PersonId);
        (await PageAsync(holderClient, "/supporter/offers")).ShouldNotContain(stuck.Id.ToString());
    }

    [Fact]
    public async Task A_supporter_whose_certificate_lapsed_after_the_offer_cannot_accept_and_the_request_is_matched_again()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        var ben = await w.SupporterAsync("Ben Supporter");
        await w.SetModeAsync("Automatic");
        var id = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), OfferWorld.Form());
        var offer = await w.PendingAsync(id);
        var (holder, other) = offer.SupporterId == ada.PersonId ? (ada, ben) : (ben, ada);
        var holderClient = await w.Factory.SignInAsync(holder);

        await OfferWorld.LapseCertificateAsync(w.Factory, w.Org.Id, holder.PersonId);
        var refused = await PostAsync(holderClient, "/supporter/offers?handler=Accept", ("OfferId", offer.Id.ToString()));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        System.Net.WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).ShouldContain("certification is no longer current");

        // The offer lapsed as if its time had passed; the request went to the other supporter, never back to the holder.
        var offers = await w.OffersAsync(id);
        offers.Select(o => (o.SupporterId, o.Outcome)).ShouldBe([(holder.PersonId, OfferOutcome.Expired), (other.PersonId, OfferOutcome.Pending)]);
        (await w.RequestAsync(id)).SupporterId.ShouldBe(other.PersonId);
        (await PostAsync(holderClient, "/supporter/offers?handler=Accept", ("OfferId", offer.Id.ToString()))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Location(await PostAsync(await w.Factory.SignInAsync(other), "/supporter/offers?handler=Accept", ("OfferId", offers[1].Id.ToString())))
            .ShouldBe($"/support/conversations/{id}");
    }

    [Fact]
    public async Task A_supporter_whose_certificate_lapses_loses_every_pending_offer_at_the_next_run_not_when_each_runs_out()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter", cap: 3);
        await w.SetModeAsync("Automatic");
        var first = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), OfferWorld.Form());
        var second = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Researcher]), OfferWorld.Form());
        (await w.PendingAsync(first)).SupporterId.ShouldBe(ada.PersonId);
        (await w.PendingAsync(second)).SupporterId.ShouldBe(ada.PersonId);
        var ben = await w.SupporterAsync("Ben Supporter", cap: 3);

        await OfferWorld.LapseCertificateAsync(w.Factory, w.Org.Id, ada.PersonId);
        (await w.RunAsync()).ShouldBe(2, "both requests are offered again at once, long before the answer time");
        foreach (var id in new[] { first, second })
        {
            (await w.OffersAsync(id)).Select(o => (o.SupporterId, o.Outcome)).ShouldBe([(ada.PersonId, OfferOutcome.Expired), (ben.PersonId, OfferOutcome.Pending)]);
        }
        (await ExpiredDetailsAsync(w)).ShouldBe(["reason=supporter-not-current", "reason=supporter-not-current"]);
    }

    [Fact]
    public async Task Taking_away_the_supporter_role_expires_their_pending_offer_at_once_and_a_lapsed_supporters_decline_is_no_decline()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        var cy = await w.SupporterAsync("Cy Supporter");
        await w.SetModeAsync("Automatic");
        var first = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), OfferWorld.Form());
        var second = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Researcher]), OfferWorld.Form());
        var offers = new[] { await w.PendingAsync(first), await w.PendingAsync(second) };
        offers.Select(o => o.SupporterId).ShouldBe([ada.PersonId, cy.PersonId], ignoreOrder: true, "the load is spread");
        var adas = offers.Single(o => o.SupporterId == ada.PersonId);
        var cys = offers.Single(o => o.SupporterId == cy.PersonId);
        var ben = await w.SupporterAsync("Ben Supporter");

        // An administrator takes away Ada's PeerSupporter role: her offer expires in the same request, and goes to Ben.
        var api = await w.Factory.ApiClientAsync(w.Org, w.Org[Roles.Admin]);
        (await api.PutAsJsonAsync($"/api/v1/people/{ada.PersonId}/roles", new RolesRequest([Roles.Employee]))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await w.OffersAsync(adas.RequestId)).Select(o => (o.SupporterId, o.Outcome)).ShouldBe([(ada.PersonId, OfferOutcome.Expired), (ben.PersonId, OfferOutcome.Pending)]);

        // Cy's certificate lapses; before the next run she declines with a reason. It is not recorded as her decline.
        await OfferWorld.LapseCertificateAsync(w.Factory, w.Org.Id, cy.PersonId);
        var cyClient = await w.Factory.SignInAsync(cy);
        Location(await PostAsync(cyClient, "/supporter/offers?handler=Decline", ("OfferId", cys.Id.ToString()), ("Reason", "no-capacity")))
            .ShouldBe("/supporter/offers?declined=true");
        var after = await w.OffersAsync(cys.RequestId);
        after.Select(o => (o.SupporterId, o.Outcome, o.DeclineReason)).ShouldBe([(cy.PersonId, OfferOutcome.Expired, (string?)null), (ben.PersonId, OfferOutcome.Pending, null)]);
        (await w.AuditCountAsync(OfferAudit.Declined)).ShouldBe(0);
        (await ExpiredDetailsAsync(w)).ShouldBe(["reason=supporter-not-current", "reason=supporter-not-current"]);
    }

    [Fact]
    public async Task A_supporter_whose_account_is_deactivated_has_their_pending_offer_expire_and_is_not_offered_that_request_again_when_reactivated()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        await w.SetModeAsync("Automatic");
        var id = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), OfferWorld.Form());
        (await w.PendingAsync(id)).SupporterId.ShouldBe(ada.PersonId);

        // Ada's account is stopped: her offer ends as any supporter's who stops being current, an expiry and no decline.
        var api = await w.Factory.ApiClientAsync(w.Org, w.Org[Roles.Admin]);
        (await api.PostAsync($"/api/v1/people/{ada.PersonId}/account/deactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await w.OffersAsync(id)).Select(o => (o.SupporterId, o.Outcome)).ShouldBe([(ada.PersonId, OfferOutcome.Expired)]);
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting, "nobody else can take it yet");
        (await ExpiredDetailsAsync(w)).ShouldBe(["reason=supporter-not-current"]);

        // Back again, she is a current supporter, but that request is not offered to her again: it waits for someone else.
        (await api.PostAsync($"/api/v1/people/{ada.PersonId}/account/reactivate", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<Upstander.Features.Training.SupporterCertification>().IsCurrentAsync(ada.PersonId, CancellationToken.None)))
            .ShouldBeTrue();
        (await w.RunAsync()).ShouldBe(0);
        var ben = await w.SupporterAsync("Ben Supporter");
        (await w.RunAsync()).ShouldBe(1);
        (await w.PendingAsync(id)).SupporterId.ShouldBe(ben.PersonId);
    }

    [Fact]
    public async Task Fewer_ratings_than_the_minimum_group_size_count_as_none_so_a_coordinator_cannot_read_one_back()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        var earlier = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), OfferWorld.Form());

        Task RateAsync(int count, int rating) => w.Factory.InScopeAsync(w.Org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            for (var i = 0; i < count; i++)
            {
                w.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
                db.Add(SupportFeedbackRecord.Answer(w.Org.Id, earlier, ada.PersonId, rating, rating, rating, w.Factory.Clock.GetUtcNow()));
            }
            await db.SaveChangesAsync();
        });
        Task<FeedbackStats> FeedbackAsync() => w.Factory.InScopeAsync(w.Org.Id, async s =>
            (await s.GetRequiredService<MatchingPoolSource>().PoolAsync(CancellationToken.None)).Supporters.Single(p => p.PersonId == ada.PersonId).Feedback);

        await RateAsync(1, 1);
        (await FeedbackAsync()).ShouldBe(FeedbackStats.None, "one rating is fewer than the minimum group size of five");
        await w.SetModeAsync("Automatic");
        var summary = (await w.PendingAsync(earlier)).CoordinatorSummary;
        summary.ShouldContain("Past feedback too few ratings to show (neutral) × weight 0.5 = 0.25");

        // Four more make a group of five: its mean counts. A sixth waits for a whole second group.
        await RateAsync(4, 5);
        (await FeedbackAsync()).ShouldBe(new FeedbackStats(5, 4.2));
        await RateAsync(1, 1);
        (await FeedbackAsync()).ShouldBe(new FeedbackStats(5, 4.2), "a mean of six beside the mean of five would give the sixth rating");
    }

    private static Task<List<string?>> ExpiredDetailsAsync(OfferWorld w) =>
        w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == OfferAudit.Expired).Select(e => e.Detail).ToListAsync());

    [Fact]
    public async Task Closing_a_conversation_frees_the_supporters_place_and_the_waiting_request_is_offered_at_once()
    {
        await using var w = await OfferWorld.StartAsync();
        await w.SetModeAsync("Automatic");
        var solo = await w.SupporterAsync("Solo Supporter", cap: 1);
        var soloClient = await w.Factory.SignInAsync(solo);
        var first = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), OfferWorld.Form());
        var offer = await w.PendingAsync(first);
        Location(await PostAsync(soloClient, "/supporter/offers?handler=Accept", ("OfferId", offer.Id.ToString()))).ShouldBe($"/support/conversations/{first}");

        // Their one place is taken: the next request waits.
        var second = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Leader]), OfferWorld.Form());
        (await w.RequestAsync(second)).Status.ShouldBe(RequestStatus.Waiting);

        // Closing frees it, and the waiting request is offered in the same request, not at the next background run.
        Location(await PostAsync(soloClient, $"/support/conversations/{first}?handler=Close", ("Confirm", "true"))).ShouldContain("done=closed");
        (await w.RequestAsync(second)).Status.ShouldBe(RequestStatus.Offered);
        (await w.PendingAsync(second)).SupporterId.ShouldBe(solo.PersonId);
    }
}
