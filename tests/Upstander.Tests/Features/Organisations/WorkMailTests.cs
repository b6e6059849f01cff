using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Cases;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Tests.Features.PeerSupport.Offers;
using Upstander.Tests.Features.SpeakUp.Cases;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.Organisations;

/// <summary>
/// When mail is on, the people work waits for are told by email (a supporter offered a request, a case manager given a
/// case, custodians asked to decide a reveal), with the link and nothing about who or what; with mail off nothing is queued.
/// </summary>
public sealed class WorkMailTests
{
    [Fact]
    public async Task A_supporter_offered_a_request_is_emailed_the_time_to_answer_by_and_nothing_about_who_asked_or_why()
    {
        await using var sink = new SmtpSink();
        await using var world = await OfferWorld.StartAsync(settings: sink.Settings());
        await world.SetModeAsync("Automatic");
        var supporter = await world.SupporterAsync("Sam Helper");
        var requester = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        var details = Canary.New("offer-mail");
        var id = await OfferWorld.AskAsync(requester, OfferWorld.Form(details: details));
        var offer = await world.PendingAsync(id);

        var mail = await sink.WaitForMailToAsync(supporter.Email);
        mail.Subject.ShouldBe("Offer Org: a request for peer support is waiting for your answer");
        var when = await world.Factory.InScopeAsync(world.Org.Id, s => Task.FromResult(s.GetRequiredService<OrganisationTime>().When(offer.AnswerBy)));
        var body = mail.TextBody ?? "";
        body.ShouldContain("Hello Sam Helper,");
        body.ShouldContain($"Please accept or decline it by {when}");
        // True in either mode: while requesters choose, a routine request goes back to its requester, not to another supporter.
        body.ShouldContain("If you cannot take it on, please say so, so that the person can be matched with someone else.");
        body.ShouldNotContain("another supporter");
        body.ShouldContain("/supporter/offers");
        var request = await world.RequestAsync(id);
        foreach (var secret in new[] { details, request.Pseudonym, $"Employee of {world.Org.Name}", "experiencing", id.ToString() })
        {
            (mail.Subject + body).ShouldNotContain(secret);
        }
        (await world.Factory.InScopeAsync(world.Org.Id, s => s.GetRequiredService<Upstander.Platform.Data.AppDbContext>().Set<OutgoingMail>()
            .CountAsync(m => m.Purpose == SupportOffers.OfferMailPurpose && m.About == offer.Id))).ShouldBe(1);
    }

    [Fact]
    public async Task With_mail_off_an_offer_queues_nothing()
    {
        await using var world = await OfferWorld.StartAsync();
        await world.SetModeAsync("Automatic");
        await world.SupporterAsync("Sam Helper");
        var id = await OfferWorld.AskAsync(await world.Factory.SignInAsync(world.Org[Roles.Employee]), OfferWorld.Form());
        (await world.RequestAsync(id)).Status.ShouldBe(Upstander.Features.PeerSupport.Requests.RequestStatus.Offered);
        (await world.Factory.InScopeAsync(world.Org.Id, s => s.GetRequiredService<Upstander.Platform.Data.AppDbContext>().Set<OutgoingMail>().CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task Custodians_who_may_decide_a_reveal_and_a_case_manager_given_a_case_are_emailed_without_the_report()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var named = await world.PersonAsync("Named Person", null);
        var account = Canary.New("case-mail");
        var id = await world.ReceiveAsync([named], account: account, held: true, assignee: world.CaseManager);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        Location(await PostAsync(manager, $"/cases/{id}?handler=Reveal", ("Reason", "needed-for-investigation")));

        var custodianMail = await sink.WaitForMailToAsync(world.Org[Roles.Custodian].Email);
        custodianMail.Subject.ShouldBe("Case Org: a decision is waiting for you as identity custodian");
        (custodianMail.TextBody ?? "").ShouldContain("/custodian");

        // A routing rule gives a new report to the case manager: they are told a case waits.
        Location(await PostAsync(manager, "/cases/routing?handler=Add", ("Category", "intimidation"), ("CaseManagerId", world.CaseManager.ToString())));
        var routed = await world.ReceiveAsync([], account: account, category: "intimidation", route: true);
        var managerMail = await sink.WaitForMailToAsync(world.Org[Roles.CaseManager].Email);
        managerMail.Subject.ShouldBe("Case Org: a case is waiting for you");
        (managerMail.TextBody ?? "").ShouldContain("/cases");

        foreach (var mail in new[] { custodianMail, managerMail })
        {
            var text = mail.Subject + mail.TextBody;
            foreach (var secret in new[] { account, "Blue Heron", "Named Person", $"Employee of {world.Org.Name}", "intimidation", "verbal", id.ToString(), routed.ToString() })
            {
                text.ShouldNotContain(secret);
            }
        }
    }

    [Fact]
    public async Task A_case_manager_handed_a_case_by_a_colleague_is_emailed_without_the_report_and_the_colleague_is_not()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var named = await world.PersonAsync("Named Person", null);
        var account = Canary.New("handover-mail");
        var id = await world.ReceiveAsync([named], account: account, category: "intimidation", assignee: world.CaseManager);
        var (colleague, colleagueEmail) = await world.CaseManagerAsync("Casey Colleague", "casey");
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);

        Location(await PostAsync(manager, $"/cases/{id}?handler=HandOver", ("Reason", "workload"), ("AssignTo", colleague.ToString())));
        (await world.ReportAsync(id)).AssigneeId.ShouldBe(colleague);
        // One email queued for the hand-over (the colleague's), none for the one who handed it over.
        (await world.InScopeAsync((_, db) => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == CaseNotices.AssignedPurpose && m.About == id))).ShouldBe(1);

        var mail = await sink.WaitForMailToAsync(colleagueEmail);
        mail.Subject.ShouldBe("Case Org: a case is waiting for you");
        var body = mail.TextBody ?? "";
        body.ShouldContain("Hello Casey Colleague,");
        body.ShouldContain("/cases");
        var text = mail.Subject + body;
        foreach (var secret in new[] { account, "Blue Heron", "Named Person", $"Employee of {world.Org.Name}", $"CaseManager of {world.Org.Name}",
            "intimidation", "workload", id.ToString() })
        {
            text.ShouldNotContain(secret);
        }
        sink.Received.ShouldNotContain(m => m.To.Mailboxes.Any(b => b.Address == world.Org[Roles.CaseManager].Email));
    }

    [Fact]
    public async Task A_custodian_conflicted_on_the_report_is_not_emailed_about_its_reveal()
    {
        await using var sink = new SmtpSink();
        await using var world = await CaseWorld.StartAsync(settings: sink.Settings());
        var named = await world.PersonAsync("Named Person", null);
        await world.ReportToAsync(world.Org[Roles.Custodian].PersonId, named);
        var id = await world.ReceiveAsync([named], held: true, assignee: world.CaseManager);
        var manager = await world.Factory.SignInAsync(world.Org[Roles.CaseManager]);
        Location(await PostAsync(manager, $"/cases/{id}?handler=Reveal", ("Reason", "needed-for-investigation")));
        (await world.InScopeAsync((_, db) => db.Set<OutgoingMail>().CountAsync(m => m.Purpose == CaseNotices.RevealPurpose))).ShouldBe(0);
        (await world.InScopeAsync((_, db) => db.Set<RevealRequest>().CountAsync())).ShouldBe(1);
    }
}
