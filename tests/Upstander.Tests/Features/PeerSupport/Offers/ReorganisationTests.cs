using System.Net;
using System.Net.Http.Json;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.People;
using Upstander.Platform.Security;
using Upstander.Tests.Features.People;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Offers;

/// <summary>
/// The management-chain hard rules after a re-organisation: an administrator edits someone's manager once a request is
/// offered or taken on, and the supporter ends up in the requester's line or in that of someone the requester named.
/// </summary>
public sealed class ReorganisationTests
{
    private const string Flag = "The supporter is now in the requester's management chain or that of someone they named";
    private const string Notice = "your supporter is now connected to your reporting line or to someone you named";
    private const string CannotReopen = "your supporter is now connected to your reporting line or to someone you named, so this conversation cannot be reopened";
    private const string Refused = "Something has changed since this request was offered to you, so you can no longer take it on.";

    [Fact]
    public async Task A_supporter_put_in_the_requesters_line_after_the_offer_cannot_accept_and_the_runner_expires_such_offers()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter", cap: 3);
        await w.SetModeAsync("Automatic");
        var first = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Employee]), OfferWorld.Form());
        var second = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Researcher]), OfferWorld.Form());
        var firstOffer = await w.PendingAsync(first);
        firstOffer.SupporterId.ShouldBe(ada.PersonId);
        (await w.PendingAsync(second)).SupporterId.ShouldBe(ada.PersonId);

        // The employee now reports to Ada: she cannot take on their request, and is told nothing about them.
        await ReportToAsync(w, w.Org[Roles.Employee].PersonId, ada.PersonId);
        var adaClient = await w.Factory.SignInAsync(ada);
        var refused = await PostAsync(adaClient, "/supporter/offers?handler=Accept", ("OfferId", firstOffer.Id.ToString()));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).ShouldContain(Refused);
        (await w.RequestAsync(first)).Status.ShouldBe(RequestStatus.Waiting, "nothing became active; nobody else can take it");
        (await w.OffersAsync(first)).ShouldHaveSingleItem().Outcome.ShouldBe(OfferOutcome.Expired);
        (await PostAsync(adaClient, "/supporter/offers?handler=Accept", ("OfferId", firstOffer.Id.ToString()))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // The researcher too, now: the next run expires that offer without waiting for Ada.
        (await w.RequestAsync(second)).Status.ShouldBe(RequestStatus.Offered);
        await ReportToAsync(w, w.Org[Roles.Researcher].PersonId, ada.PersonId);
        await w.RunAsync();
        (await w.OffersAsync(second)).ShouldHaveSingleItem().Outcome.ShouldBe(OfferOutcome.Expired);
        (await w.RequestAsync(second)).Status.ShouldBe(RequestStatus.Waiting);
        var expired = await w.Factory.AuditAsync(w.Org.Id, OfferAudit.Expired);
        expired.Select(e => e.Detail).ShouldBe(["reason=supporter-conflicted", "reason=supporter-conflicted"]);
        expired.ShouldAllBe(e => e.ActorId == null && e.ActorKind == Upstander.Platform.Security.CurrentActor.SystemKind);
    }

    [Fact]
    public async Task While_requesters_choose_the_runner_sends_a_request_whose_chosen_supporter_is_now_in_their_line_back_to_them()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        var ben = await w.SupporterAsync("Ben Supporter");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var id = await OfferWorld.AskAsync(requester, OfferWorld.Form());
        var tokens = OfferWorld.Tokens(await PageAsync(requester, $"/support/requests/{id}"));
        Location(await PostAsync(requester, $"/support/requests/{id}?handler=Choose", ("token", tokens[0])));
        var chosen = (await w.PendingAsync(id)).SupporterId;

        await ReportToAsync(w, chosen, w.Org[Roles.Employee].PersonId);
        await w.RunAsync();
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Waiting);
        var page = await PageAsync(requester, $"/support/requests/{id}");
        page.ShouldContain("Please choose a supporter again.");
        OfferWorld.Tokens(page).ShouldHaveSingleItem("only the other supporter is suggested");
        (await w.Factory.AuditAsync(w.Org.Id, OfferAudit.Expired)).ShouldHaveSingleItem().Detail.ShouldBe("reason=supporter-conflicted");
        new[] { ada.PersonId, ben.PersonId }.ShouldContain(chosen);
    }

    [Fact]
    public async Task An_active_conversation_whose_supporter_becomes_the_requesters_manager_is_flagged_and_the_requester_may_ask_for_another()
    {
        await using var w = await OfferWorld.StartAsync();
        var (ada, adaClient, requester, id) = await TakenOnByAdaAsync(w);

        await ReportToAsync(w, w.Org[Roles.Employee].PersonId, ada.PersonId);
        await w.RunAsync();
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Active, "a conversation is never ended for this");

        var coordinator = await w.Factory.SignInAsync(w.Org[Roles.Coordinator]);
        (await PageAsync(coordinator, "/coordinate/matching")).ShouldContain(Flag);
        var page = await PageAsync(requester, $"/support/requests/{id}");
        page.ShouldContain(Notice);
        page.ShouldContain("Ask for another supporter");
        page.ShouldContain("id=\"block-supporter\"");
        (await PageAsync(requester, $"/support/conversations/{id}")).ShouldContain(Notice);
        var supporterSide = await PageAsync(adaClient, $"/support/conversations/{id}");
        supporterSide.ShouldNotContain(Notice);
        supporterSide.ShouldNotContain("Ask for another supporter");

        Location(await PostAsync(requester, $"/support/requests/{id}?handler=BlockSupporter", ("Confirm", "true"))).ShouldBe($"/support/requests/{id}?blocked=true");
        var request = await w.RequestAsync(id);
        (request.Status, request.SupporterId).ShouldBe((RequestStatus.Waiting, (Guid?)null));
        (await PageAsync(coordinator, "/coordinate/matching")).ShouldNotContain(Flag);
    }

    [Fact]
    public async Task An_active_conversation_whose_supporter_moves_into_the_line_of_someone_the_requester_named_is_flagged()
    {
        await using var w = await OfferWorld.StartAsync();
        var (ada, _, requester, id) = await TakenOnByAdaAsync(w, ("Named", w.Org[Roles.Leader].PersonId.ToString()));
        var coordinator = await w.Factory.SignInAsync(w.Org[Roles.Coordinator]);
        (await PageAsync(coordinator, "/coordinate/matching")).ShouldNotContain(Flag);

        // Ada now reports to the person the requester named.
        await ReportToAsync(w, ada.PersonId, w.Org[Roles.Leader].PersonId);
        var list = await PageAsync(coordinator, "/coordinate/matching");
        list.ShouldContain(Flag);
        list.ShouldNotContain($"{Roles.Leader} of Offer Org", Case.Sensitive, "never who was named");
        (await PageAsync(requester, $"/support/requests/{id}")).ShouldContain(Notice);
    }

    [Fact]
    public async Task A_requester_who_shows_their_name_to_coordinators_is_not_flagged_for_the_line_of_someone_they_named_only_told_themselves()
    {
        await using var w = await OfferWorld.StartAsync();
        var (ada, _, requester, id) = await TakenOnByAdaAsync(w, ("ShowName", "name"), ("Named", w.Org[Roles.Leader].PersonId.ToString()));
        var coordinator = await w.Factory.SignInAsync(w.Org[Roles.Coordinator]);
        var requesterName = (await w.Factory.PeopleAsync(w.Org.Id)).Single(p => p.Id == w.Org[Roles.Employee].PersonId).Name;
        (await PageAsync(coordinator, "/coordinate/matching")).ShouldContain(requesterName);

        // Ada now reports to the person the requester named. Flagged beside the requester's name, it would tell a
        // coordinator who knows Ada is not in the requester's line that the requester named someone in hers.
        await ReportToAsync(w, ada.PersonId, w.Org[Roles.Leader].PersonId);
        (await PageAsync(coordinator, "/coordinate/matching")).ShouldNotContain(Flag);
        (await PageAsync(requester, $"/support/requests/{id}")).ShouldContain(Notice);

        // Their own line is flagged as for anyone: the coordinator could see that for themselves.
        await ReportToAsync(w, w.Org[Roles.Employee].PersonId, ada.PersonId);
        (await PageAsync(coordinator, "/coordinate/matching")).ShouldContain(Flag);
    }

    [Fact]
    public async Task A_closed_conversation_whose_supporter_is_now_in_the_requesters_line_cannot_be_reopened_and_the_requester_is_told_why()
    {
        await using var w = await OfferWorld.StartAsync();
        var (ada, adaClient, requester, id) = await TakenOnByAdaAsync(w);
        var conversation = $"/support/conversations/{id}";
        Location(await PostAsync(requester, conversation + "?handler=Close", ("Confirm", "true")));
        (await PageAsync(requester, conversation)).ShouldContain("Reopen the conversation");

        // The employee now reports to Ada: matching would never put them together, so neither does reopening.
        await ReportToAsync(w, w.Org[Roles.Employee].PersonId, ada.PersonId);
        var refused = await PostAsync(requester, conversation + "?handler=Reopen");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).ShouldContain(CannotReopen);
        (await w.RequestAsync(id)).Status.ShouldBe(RequestStatus.Closed);
        (await w.AuditCountAsync(Upstander.Features.PeerSupport.Conversations.ConversationAudit.Reopened)).ShouldBe(0);

        var page = WebUtility.HtmlDecode(await PageAsync(requester, conversation));
        page.ShouldNotContain("Reopen the conversation");
        page.ShouldContain(CannotReopen);
        page.ShouldContain("href=\"/support/talk\"");
        WebUtility.HtmlDecode(await PageAsync(adaClient, conversation)).ShouldNotContain(CannotReopen);
    }

    [Fact]
    public async Task A_reorganisation_that_breaks_no_chain_rule_flags_nothing_and_expires_nothing()
    {
        await using var w = await OfferWorld.StartAsync();
        var ada = await w.SupporterAsync("Ada Supporter");
        var ben = await w.SupporterAsync("Ben Supporter");
        await w.SetModeAsync("Automatic");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var active = await OfferWorld.AskAsync(requester, [.. OfferWorld.Form(), ("Named", w.Org[Roles.Leader].PersonId.ToString())]);
        var activeOffer = await w.PendingAsync(active);
        var holder = activeOffer.SupporterId == ada.PersonId ? ada : ben;
        Location(await PostAsync(await w.Factory.SignInAsync(holder), "/supporter/offers?handler=Accept", ("OfferId", activeOffer.Id.ToString())));
        var offered = await OfferWorld.AskAsync(await w.Factory.SignInAsync(w.Org[Roles.Researcher]), OfferWorld.Form());
        var pending = await w.PendingAsync(offered);

        // Both supporters move under the coordinator, who is in nobody's line here.
        await ReportToAsync(w, ada.PersonId, w.Org[Roles.Coordinator].PersonId);
        await ReportToAsync(w, ben.PersonId, w.Org[Roles.Coordinator].PersonId);
        await w.RunAsync();
        (await w.PendingAsync(offered)).Id.ShouldBe(pending.Id);
        (await w.AuditCountAsync(OfferAudit.Expired)).ShouldBe(0);
        (await PageAsync(await w.Factory.SignInAsync(w.Org[Roles.Coordinator]), "/coordinate/matching")).ShouldNotContain(Flag);
        (await PageAsync(requester, $"/support/requests/{active}")).ShouldNotContain(Notice);
        (await PageAsync(requester, $"/support/conversations/{active}")).ShouldNotContain(Notice);
        Location(await PostAsync(await w.Factory.SignInAsync(pending.SupporterId == ada.PersonId ? ada : ben), "/supporter/offers?handler=Accept",
            ("OfferId", pending.Id.ToString()))).ShouldBe($"/support/conversations/{offered}");

        // Closed, the conversation reopens as ever.
        var conversation = $"/support/conversations/{active}";
        Location(await PostAsync(requester, conversation + "?handler=Close", ("Confirm", "true")));
        (await PageAsync(requester, conversation)).ShouldNotContain(CannotReopen);
        Location(await PostAsync(requester, conversation + "?handler=Reopen")).ShouldContain("done=reopened");
        (await w.RequestAsync(active)).Status.ShouldBe(RequestStatus.Active);
    }

    /// <summary>
    /// In automatic mode with Ada the one supporter, the employee asks (with <paramref name="extra"/> fields on the form) and
    /// Ada accepts: the conversation is open.
    /// </summary>
    private static async Task<(TestAccount Ada, HttpClient AdaClient, HttpClient Requester, Guid Id)> TakenOnByAdaAsync(OfferWorld w, params (string, string)[] extra)
    {
        var ada = await w.SupporterAsync("Ada Supporter");
        await w.SetModeAsync("Automatic");
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var id = await OfferWorld.AskAsync(requester, [.. OfferWorld.Form().Where(f => !extra.Any(e => e.Item1 == f.Item1)), .. extra]);
        var adaClient = await w.Factory.SignInAsync(ada);
        Location(await PostAsync(adaClient, "/supporter/offers?handler=Accept", ("OfferId", (await w.PendingAsync(id)).Id.ToString())));
        return (ada, adaClient, requester, id);
    }

    /// <summary>An administrator makes <paramref name="managerId"/> the manager of <paramref name="personId"/> through the people API.</summary>
    private static async Task ReportToAsync(OfferWorld w, Guid personId, Guid managerId)
    {
        var api = await w.Factory.ApiClientAsync(w.Org, w.Org[Roles.Admin]);
        var manager = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{managerId}"))!;
        var p = (await api.GetFromJsonAsync<PersonView>($"/api/v1/people/{personId}"))!;
        var edit = await api.PutAsJsonAsync($"/api/v1/people/{personId}",
            new PersonEditRequest(p.Name, p.WorkEmail, p.EmployeeId, p.Department, p.Team, manager.EmployeeId, p.Location, p.PreferredLanguage, p.StartDate, p.LeaveDate));
        edit.StatusCode.ShouldBe(HttpStatusCode.OK, await edit.Content.ReadAsStringAsync());
    }
}
