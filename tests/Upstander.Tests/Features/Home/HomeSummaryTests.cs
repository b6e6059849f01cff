using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.Features.PeerSupport.Conversations;
using Upstander.Tests.Features.PeerSupport.Offers;
using Upstander.Tests.Features.SpeakUp.Reporting;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.Home;

/// <summary>
/// The home page shows what is waiting for each role the person holds (support, peer support, the programme, cases),
/// with counts and never a topic or a word, and explains what will show there while nothing does.
/// </summary>
public sealed class HomeSummaryTests
{
    private const string RequesterEmpty = "When you ask a peer supporter for help, your open requests and conversations show here.";
    private const string SupporterEmpty = "No request is offered to you and you have no open conversation.";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_requester_and_their_supporter_see_the_open_conversation_and_its_unread_messages_on_their_home_pages(Engine engine)
    {
        await using var world = await ConversationWorld.StartAsync(engine);
        var coordinator = await world.Factory.SignInAsync(world.Org[Roles.Coordinator]);
        var supporterName = $"PeerSupporter of {world.Org.Name}";

        var home = await PageAsync(world.Requester, "/");
        home.ShouldNotContain(RequesterEmpty);
        home.ShouldContain($"Your conversation with {supporterName}</a>:");
        home.ShouldContain("no new messages");
        home.ShouldContain($"href=\"{world.Path}\"");
        home.ShouldContain("Leave this page quickly", customMessage: "the home page now says the person is in peer support");
        var supporterHome = await PageAsync(world.Supporter, "/");
        supporterHome.ShouldContain("1 open conversation</a>");
        supporterHome.ShouldContain("no new messages");

        var canary = Canary.New("home");
        await world.SendAsync(world.Supporter, "Hello, I am here to listen " + canary);
        await world.SendAsync(world.Supporter, "Whenever you are ready " + canary);
        home = await PageAsync(world.Requester, "/");
        home.ShouldContain("2 new messages");
        home.ShouldNotContain(canary);

        await world.SendAsync(world.Requester, "Thank you " + canary);
        supporterHome = await PageAsync(world.Supporter, "/");
        supporterHome.ShouldContain("1 new message");
        supporterHome.ShouldNotContain(canary);
        supporterHome.ShouldNotContain("Safety concern in");
        (await PageAsync(world.Supporter, "/supporter")).ShouldContain("1 new message");

        (await PageAsync(world.Requester, world.Path)).ShouldContain(canary);
        (await PageAsync(world.Requester, "/")).ShouldContain("no new messages");

        var programme = await PageAsync(coordinator, "/");
        programme.ShouldContain("0 requests waiting for a supporter");
        programme.ShouldContain("1 open conversation");

        await world.SendAsync(world.Requester, "I want to kill myself");
        supporterHome = await PageAsync(world.Supporter, "/");
        supporterHome.ShouldContain("Safety concern in 1 conversation");
        supporterHome.ShouldNotContain("kill myself");

        await world.ChangeAsync(world.Id, r => r.Close(ClosedBy.Requester, world.Factory.Clock.GetUtcNow()));
        home = await PageAsync(world.Requester, "/");
        home.ShouldContain(RequesterEmpty);
        home.ShouldNotContain("Leave this page quickly");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_supporter_sees_a_request_offered_to_them_with_its_deadline_and_the_requester_sees_it_waiting(Engine engine)
    {
        await using var world = await OfferWorld.StartAsync(engine);
        await world.SetModeAsync("Automatic");
        var supporter = await world.Factory.SignInAsync(await world.SupporterAsync("Sam Helper"));
        var requester = await world.Factory.SignInAsync(world.Org[Roles.Employee]);
        (await PageAsync(supporter, "/")).ShouldContain(SupporterEmpty);
        (await PageAsync(supporter, "/supporter")).ShouldContain(SupporterEmpty);
        (await PageAsync(requester, "/")).ShouldContain(RequesterEmpty);

        var details = Canary.New("offer");
        var id = await OfferWorld.AskAsync(requester, OfferWorld.Form(details: details));
        (await world.RequestAsync(id)).Status.ShouldBe(RequestStatus.Offered);

        var answerBy = (await world.PendingAsync(id)).AnswerBy;
        var when = await world.Factory.InScopeAsync(world.Org.Id, s => Task.FromResult(s.GetRequiredService<OrganisationTime>().When(answerBy)));
        foreach (var path in new[] { "/", "/supporter" })
        {
            var page = await PageAsync(supporter, path);
            page.ShouldContain("1 request offered to you</a>:");
            page.ShouldContain($"please answer by {when}");
            page.ShouldNotContain(SupporterEmpty);
            page.ShouldNotContain(details);
        }
        var home = await PageAsync(requester, "/");
        home.ShouldContain("1 request waiting for a supporter");
        home.ShouldNotContain(details);
    }

    [Fact]
    public async Task A_supporter_who_cannot_be_offered_anything_is_told_why()
    {
        await using var world = await OfferWorld.StartAsync();
        var uncertified = await world.Factory.SignInAsync(world.Org[Roles.PeerSupporter]);
        var home = await PageAsync(uncertified, "/");
        home.ShouldContain("while you are not a certified peer supporter");
        home.ShouldNotContain(SupporterEmpty);

        var account = await world.SupporterAsync("Pat Paused");
        var paused = await world.Factory.SignInAsync(account);
        (await PageAsync(paused, "/")).ShouldContain(SupporterEmpty);
        await SettingsAsync(world, account.PersonId, s => s.Apply(true, DateOnly.FromDateTime(world.Factory.Clock.GetUtcNow().UtcDateTime).AddDays(3), 2, ["en"], [], world.Factory.Clock.GetUtcNow()));
        (await PageAsync(paused, "/supporter")).ShouldContain("You are paused until");
        await SettingsAsync(world, account.PersonId, s => s.Apply(false, null, 2, ["en"], [], world.Factory.Clock.GetUtcNow()));
        (await PageAsync(paused, "/")).ShouldContain("You have set yourself as not available");

        // Someone without the role sees no peer-support section at all.
        (await PageAsync(await world.Factory.SignInAsync(world.Org[Roles.Employee]), "/")).ShouldNotContain("Your peer support");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_case_manager_sees_how_many_reports_wait_and_how_many_cases_are_theirs(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine, ReportingKit.Settings());
        var org = await factory.CreateOrganisationAsync("Case Home Org");
        var caseManager = await factory.SignInAsync(org[Roles.CaseManager]);
        (await PageAsync(caseManager, "/")).ShouldContain("No report is waiting for a case manager and you have no open case.");

        var canary = Canary.New("case-home");
        await ReportingKit.SendNamedAsync(await factory.SignInAsync(org[Roles.Employee]), ReportingKit.Report("It happened again " + canary));
        var home = await PageAsync(caseManager, "/");
        home.ShouldContain("1 report waiting for a case manager");
        home.ShouldContain("0 open cases of yours");
        home.ShouldNotContain(canary);

        await ReportingKit.AssignToCaseManagerAsync(factory, org);
        home = await PageAsync(caseManager, "/");
        home.ShouldContain("0 reports waiting for a case manager");
        home.ShouldContain("1 open case of yours");

        // Only case managers get the section.
        (await PageAsync(await factory.SignInAsync(org[Roles.Leader]), "/")).ShouldNotContain("open cases of yours");
    }

    [Theory]
    [InlineData(Roles.Leader, "/insights", new[] { "/insights/speak-up" })]
    [InlineData(Roles.Researcher, "/research", new[] { "/coordinate/training/evaluation", "/insights/speak-up" })]
    public async Task Leaders_and_researchers_find_every_aggregate_page_their_role_opens_from_their_area(string role, string area, string[] pages)
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Insight Area Org");
        var client = await factory.SignInAsync(org[role]);
        var page = await PageAsync(client, area);
        page.ShouldNotContain("Nothing here yet");
        foreach (var path in pages)
        {
            page.ShouldContain($"href=\"{path}\"");
            await PageAsync(client, path);
        }
    }

    private static Task SettingsAsync(OfferWorld world, Guid personId, Action<SupporterSettings> change) => world.Factory.InScopeAsync(world.Org.Id, async s =>
    {
        var db = s.GetRequiredService<AppDbContext>();
        change(await db.Set<SupporterSettings>().SingleAsync(x => x.PersonId == personId));
        await db.SaveChangesAsync();
    });
}
