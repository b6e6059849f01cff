using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Demo;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Requests;

/// <summary>The "talk to someone" flow through the real pages: validation, the safety screen's consequences, sealing, the coordinators' list, withdrawal and who sees what.</summary>
public sealed class SupportRequestTests
{
    private const string RiskyText = "I don't want to be here anymore";
    private const string OrdinaryText = "My manager keeps moving my deadlines and shouting in meetings";

    private static async Task<(UpstanderFactory Factory, TestOrganisation Org)> StartAsync(Engine engine = Engine.Sqlite)
    {
        var factory = new UpstanderFactory(engine);
        return (factory, await factory.CreateOrganisationAsync("Request Org"));
    }

    private static (string, string)[] Form(string? details = null, string showName = "pseudonym", string selfHarm = "no", string topic = "experiencing") =>
    [
        ("Topic", topic), ("Timing", "this-week"), ("Channel", "messages"), ("OutsideDepartment", "true"), ("Language", "pl"),
        ("Tags", "racism"), ("ShowName", showName), ("Details", details ?? ""),
        ("answer-safe-now", "yes"), ("answer-self-harm", selfHarm), ("answer-harm-others", "no"),
    ];

    private static async Task<Guid> AskAsync(HttpClient client, params (string, string)[] form)
    {
        var location = Location(await PostAsync(client, "/support/talk", form));
        location.ShouldStartWith("/support/requests/");
        return Guid.Parse(location["/support/requests/".Length..].Split('?')[0]);
    }

    private static Task<SupportRequestRecord> RecordAsync(UpstanderFactory factory, TestOrganisation org, Guid id) =>
        factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().Set<SupportRequestRecord>().SingleAsync(r => r.Id == id));

    private static Task<string?> RawDetailsAsync(UpstanderFactory factory, TestOrganisation org, Guid id) =>
        factory.InScopeAsync(org.Id, async s => await s.GetRequiredService<AppDbContext>().Database
            .SqlQueryRaw<string?>("SELECT \"DetailsSealed\" AS \"Value\" FROM support_requests").SingleAsync());

    [Fact]
    public async Task Invalid_requests_answer_400_with_the_problems_and_store_nothing()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var client = await factory.SignInAsync(org[Roles.Employee]);
        (await PageAsync(client, "/support/talk")).ShouldContain("Are you safe right now?");
        var before = await RowCounts.TakeAsync(factory.Database);

        var cases = new (string Why, (string, string)[] Form, string Message)[]
        {
            ("unknown topic", Form(topic: "gossip"), "Choose what it is about."),
            ("overlong text", Form(details: new string('a', SupportRequestRecord.DetailsMaxLength + 1)), "What you wrote is longer than 2000 characters."),
            ("unknown answer", [.. Form().Where(f => f.Item1 != "answer-self-harm"), ("answer-self-harm", "maybe")], "Choose one of the answers to each question."),
            ("unknown tag", [.. Form().Where(f => f.Item1 != "Tags"), ("Tags", "not-a-tag")], "Choose experience from the list."),
            ("bad language", [.. Form().Where(f => f.Item1 != "Language"), ("Language", "english")], "Choose a language from the list."),
            ("missing choices", [("Details", RiskyText)], "Choose how you would like to talk."),
        };
        foreach (var (why, form, message) in cases)
        {
            var response = await PostAsync(client, "/support/talk", form);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, why);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            html.ShouldContain("Nothing was saved", customMessage: why);
            html.ShouldContain(message, customMessage: why);
        }
        var missing = WebUtility.HtmlDecode(await (await PostAsync(client, "/support/talk", ("Details", "x"))).Content.ReadAsStringAsync());
        missing.ShouldContain("Choose how soon you would like to talk.");
        missing.ShouldContain("Choose whether your supporter may see your name.");
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_risky_request_shows_crisis_resources_first_is_urgent_and_alerts_coordinators_without_the_text_or_name(Engine engine)
    {
        var (factory, org) = await StartAsync(engine);
        await using var _ = factory;
        await factory.InScopeAsync(org.Id, s => s.GetRequiredService<DemoResources>().SeedAsync(org.Id, CancellationToken.None));
        var employee = org[Roles.Employee];
        var client = await factory.SignInAsync(employee);

        var id = await AskAsync(client, Form(RiskyText));
        var page = await PageAsync(client, $"/support/requests/{id}?sent=true");
        var crisis = page.IndexOf("You do not have to wait", StringComparison.Ordinal);
        crisis.ShouldBeGreaterThan(0);
        page.IndexOf("<h1", StringComparison.Ordinal).ShouldBeLessThan(crisis, "the crisis section is the page's first heading");
        page.IndexOf("Samaritans", StringComparison.Ordinal).ShouldBeGreaterThan(crisis);
        page.IndexOf("Samaritans", StringComparison.Ordinal).ShouldBeLessThan(page.IndexOf("Waiting for a supporter", StringComparison.Ordinal));
        page.ShouldContain("call your local emergency number");
        page.ShouldContain(RiskyText, customMessage: "the requester sees their own words");

        var record = await RecordAsync(factory, org, id);
        (record.Priority, record.RiskLevel, record.Status, record.ShowName).ShouldBe((QueuePriority.Urgent, RiskLevel.High, RequestStatus.Waiting, false));
        record.RiskCategories.ShouldContain("selfHarm");
        (record.Topic, record.Channel, record.Language, record.OutsideDepartment, record.Tags).ShouldBe(("experiencing", "messages", "pl", true, "racism"));
        var raw = await RawDetailsAsync(factory, org, id);
        raw.ShouldNotBeNull();
        raw.ShouldNotContain("want to be here");

        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        var list = await PageAsync(coordinator, "/coordinate/requests");
        list.ShouldContain("Urgent");
        list.ShouldContain(record.Pseudonym + " (made-up name)");
        list.ShouldNotContain(RiskyText);
        list.ShouldNotContain("want to be here");
        var name = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().People.Where(p => p.Id == employee.PersonId).Select(p => p.Name).SingleAsync());
        list.ShouldNotContain(name);
        (await coordinator.GetAsync($"/support/requests/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "a coordinator cannot open the request or its text");

        // The audit trail says a request was made and how urgent, never the words.
        var audit = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == RequestAudit.Made).Select(e => e.Detail).ToListAsync());
        audit.ShouldHaveSingleItem().ShouldBe("priority=Urgent;level=High;details=written");
    }

    [Fact]
    public async Task Coordinators_are_emailed_at_once_about_a_raised_or_urgent_request_with_nothing_that_names_or_quotes_it()
    {
        await using var sink = new SmtpSink();
        await using var factory = new UpstanderFactory(Engine.Sqlite, sink.Settings());
        var org = await factory.CreateOrganisationAsync("Request Org");
        var employee = org[Roles.Employee];
        var client = await factory.SignInAsync(employee);
        Task<int> AlertsAsync() => factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>()
            .Set<Upstander.Platform.Mail.OutgoingMail>().CountAsync(m => m.Purpose == SupportRequests.AtRiskMailPurpose));

        await AskAsync(client, Form(OrdinaryText));
        (await AlertsAsync()).ShouldBe(0, "a routine request alerts nobody");

        var canary = Canary.New("at-risk");
        var id = await AskAsync(client, Form(RiskyText + " " + canary, showName: "name"));
        var mail = await sink.WaitForMailToAsync(org[Roles.Coordinator].Email);
        mail.Subject.ShouldBe("Request Org: someone asking for peer support may be at risk");
        var body = mail.TextBody ?? "";
        body.ShouldContain("Please make sure someone follows it up today");
        body.ShouldContain("http://localhost" + SupportRequests.CoordinatorPath);
        var record = await RecordAsync(factory, org, id);
        var name = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().People.Where(p => p.Id == employee.PersonId).Select(p => p.Name).SingleAsync());
        foreach (var secret in new[] { canary, "want to be here", record.Pseudonym, name, "self-harm", "Urgent", id.ToString() })
        {
            (mail.Subject + body).ShouldNotContain(secret, Case.Sensitive, "nothing that names, quotes or grades it: the list shows that to those allowed to see it");
        }
        (await AlertsAsync()).ShouldBe(1, "one coordinator, one email, saved with the request");

        await AskAsync(client, Form(OrdinaryText, selfHarm: "rather-not-say"));
        (await AlertsAsync()).ShouldBe(2, "not saying is possible risk: raised, and alerted too");

        // A coordinator who asks is emailed like every other (the email names nobody): leaving them out would let the number
        // of alerts for a request say that a coordinator asked, and here, as the only coordinator, nobody would be told.
        await AskAsync(await factory.SignInAsync(org[Roles.Coordinator]), Form(RiskyText));
        (await AlertsAsync()).ShouldBe(3, "the one coordinator, who asked, is told too");
    }

    [Theory]
    [InlineData("yes", QueuePriority.Urgent)]
    [InlineData("rather-not-say", QueuePriority.Raised)]
    [InlineData("", QueuePriority.Raised)]
    public async Task A_risk_answer_or_not_saying_raises_the_request_and_shows_crisis_resources(string selfHarm, QueuePriority expected)
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var client = await factory.SignInAsync(org[Roles.Employee]);
        var id = await AskAsync(client, Form(OrdinaryText, selfHarm: selfHarm));
        (await RecordAsync(factory, org, id)).Priority.ShouldBe(expected);
        (await PageAsync(client, $"/support/requests/{id}?sent=true")).ShouldContain("You do not have to wait");
        (await PageAsync(await factory.SignInAsync(org[Roles.Coordinator]), "/coordinate/requests")).ShouldContain(expected == QueuePriority.Urgent ? "Urgent" : "Raised");
    }

    [Fact]
    public async Task An_ordinary_request_is_routine_and_not_listed_for_coordinators_and_a_name_shows_only_when_allowed()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var employee = org[Roles.Employee];
        var client = await factory.SignInAsync(employee);
        var id = await AskAsync(client, Form(OrdinaryText, showName: "name"));
        var page = await PageAsync(client, $"/support/requests/{id}?sent=true");
        page.ShouldNotContain("You do not have to wait");
        page.ShouldContain("Your request has been sent");
        (await RecordAsync(factory, org, id)).Priority.ShouldBe(QueuePriority.Routine);
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        (await PageAsync(coordinator, "/coordinate/requests")).ShouldContain("No request has been raised.");
        (await PageAsync(coordinator, "/")).ShouldNotContain("may be at risk", customMessage: "a routine request raises no alert");

        // A raised request with the name allowed shows the name, and still no text; coordinators are alerted
        // on their home and programme pages until a supporter accepts it. Nobody else is.
        await AskAsync(client, Form(RiskyText, showName: "name"));
        (await PageAsync(coordinator, "/")).ShouldContain("1 request where someone may be at risk has no supporter yet");
        (await PageAsync(coordinator, "/coordinate")).ShouldContain("1 request where someone may be at risk has no supporter yet");
        (await PageAsync(client, "/")).ShouldNotContain("may be at risk");
        var name = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().People.Where(p => p.Id == employee.PersonId).Select(p => p.Name).SingleAsync());
        var list = await PageAsync(coordinator, "/coordinate/requests");
        list.ShouldContain(name);
        list.ShouldNotContain(RiskyText);
        (await PageAsync(client, "/support/requests")).ShouldContain("Waiting for a supporter");
    }

    [Fact]
    public async Task Only_the_requester_sees_and_withdraws_a_request_with_confirmation_and_the_withdrawal_is_audited()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var client = await factory.SignInAsync(org[Roles.Employee]);
        var id = await AskAsync(client, Form(OrdinaryText));
        var url = $"/support/requests/{id}";

        var other = await factory.SignInAsync(org[Roles.PeerSupporter]);
        (await other.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PageAsync(other, "/support/requests")).ShouldNotContain(id.ToString());
        var before = await RowCounts.TakeAsync(factory.Database);
        (await PostAsync(other, url + "?handler=Withdraw", ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var unconfirmed = await PostAsync(client, url + "?handler=Withdraw");
        unconfirmed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unconfirmed.Content.ReadAsStringAsync()).ShouldContain("Tick the box");
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();
        (await RecordAsync(factory, org, id)).Status.ShouldBe(RequestStatus.Waiting);

        Location(await PostAsync(client, url + "?handler=Withdraw", ("Confirm", "true"))).ShouldBe(url);
        var record = await RecordAsync(factory, org, id);
        record.Status.ShouldBe(RequestStatus.Withdrawn);
        record.WithdrawnAt.ShouldNotBeNull();
        (await PageAsync(client, url)).ShouldContain("Withdrawn");
        (await PostAsync(client, url + "?handler=Withdraw", ("Confirm", "true"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var events = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
            .Where(e => e.Action == RequestAudit.Withdrawn).Select(e => new { e.TargetId, e.Detail }).ToListAsync());
        events.ShouldHaveSingleItem().TargetId.ShouldBe(id.ToString("N"));
    }

    [Fact]
    public async Task The_requester_finds_and_names_people_by_id_and_nobody_else_sees_them()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var theirs = await factory.CreateOrganisationAsync("Elsewhere Org");
        var client = await factory.SignInAsync(org[Roles.Employee]);
        var leader = org[Roles.Leader];
        var leaderName = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().People.Where(p => p.Id == leader.PersonId).Select(p => p.Name).SingleAsync());

        // The search keeps the rest of the form and stores nothing; too short a search is refused.
        var before = await RowCounts.TakeAsync(factory.Database);
        var found = await PostAsync(client, "/support/talk?handler=Find", [.. Form(OrdinaryText), ("HarmSearch", leaderName)]);
        found.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = WebUtility.HtmlDecode(await found.Content.ReadAsStringAsync());
        html.ShouldContain($"value=\"{leader.PersonId}\"");
        html.ShouldContain($"<label for=\"named-{leader.PersonId}\">{leaderName}");
        html.ShouldContain(OrdinaryText);
        (await PostAsync(client, "/support/talk?handler=Find", ("HarmSearch", "x"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();

        // Someone who is not in this organisation's directory, or the requester themself, cannot be named.
        foreach (var bad in new[] { theirs[Roles.Employee].PersonId.ToString(), org[Roles.Employee].PersonId.ToString(), "not-an-id" })
        {
            (await PostAsync(client, "/support/talk", [.. Form(OrdinaryText), ("Named", bad)])).StatusCode.ShouldBe(HttpStatusCode.BadRequest, bad);
        }
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();

        var id = await AskAsync(client, [.. Form(RiskyText), ("Named", leader.PersonId.ToString())]);
        (await RecordAsync(factory, org, id)).NamedPeopleIds.ShouldBe([leader.PersonId]);
        (await PageAsync(client, $"/support/requests/{id}")).ShouldContain(leaderName);
        (await PageAsync(await factory.SignInAsync(org[Roles.Coordinator]), "/coordinate/requests")).ShouldNotContain(leaderName);
    }

    [Fact]
    public async Task After_a_directory_search_asking_for_support_sends_the_request()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var client = await factory.SignInAsync(org[Roles.Employee]);
        var leader = org[Roles.Leader];
        var leaderName = await factory.InScopeAsync(org.Id, s => s.GetRequiredService<AppDbContext>().People.Where(p => p.Id == leader.PersonId).Select(p => p.Name).SingleAsync());

        // The search re-shows the form at the search's own address; pressing "Ask for support" there sends the request.
        const string searched = "/support/talk?handler=Find";
        var found = await PostAsync(client, searched, [.. Form(OrdinaryText), ("HarmSearch", leaderName)]);
        found.StatusCode.ShouldBe(HttpStatusCode.OK);
        var target = FormTarget.Of(WebUtility.HtmlDecode(await found.Content.ReadAsStringAsync()), searched, "Ask for support");
        var location = Location(await PostAsync(client, target, [.. Form(OrdinaryText), ("Named", leader.PersonId.ToString()), ("HarmSearch", leaderName)]));
        location.ShouldStartWith("/support/requests/");
        (await RecordAsync(factory, org, Guid.Parse(location["/support/requests/".Length..].Split('?')[0]))).NamedPeopleIds.ShouldBe([leader.PersonId]);
    }

    [Fact]
    public async Task Another_organisation_never_sees_a_request()
    {
        var (factory, org) = await StartAsync();
        await using var _ = factory;
        var theirs = await factory.CreateOrganisationAsync("Elsewhere Org");
        var id = await AskAsync(await factory.SignInAsync(org[Roles.Employee]), Form(RiskyText));
        var pseudonym = (await RecordAsync(factory, org, id)).Pseudonym;

        (await PageAsync(await factory.SignInAsync(org[Roles.Coordinator]), "/coordinate/requests")).ShouldContain(pseudonym);
        (await PageAsync(await factory.SignInAsync(theirs[Roles.Coordinator]), "/coordinate/requests")).ShouldContain("No request has been raised.");
        foreach (var role in new[] { Roles.Employee, Roles.Coordinator })
        {
            (await (await factory.SignInAsync(theirs[role])).GetAsync($"/support/requests/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
    }
}
