using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Demo;
using Upstander.Features.PeerSupport.Queue;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.People;
using Upstander.Platform;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Demo;

public sealed class DemoTests
{
    [Fact]
    public async Task Seed_demo_prints_one_working_sign_in_per_role_once_and_builds_a_believable_organisation()
    {
        await using var database = TestDatabase.Create(Engine.Sqlite);
        var seeded = await Cli.RunAsync(database, "seed-demo");
        seeded.ExitCode.ShouldBe(0, seeded.Error);
        var credentials = Regex.Matches(seeded.Output, @"^\s+(\w+)\s+(\S+@\S+)\s+(\S+)$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => (Email: m.Groups[2].Value, Password: m.Groups[3].Value));
        credentials.Keys.ShouldBe([.. Roles.All, DemoSeeder.Candidate], ignoreOrder: true);

        (await Cli.RunAsync(database, "seed-demo")).ExitCode.ShouldBe(1, "a second demo organisation is refused");

        await using var factory = new UpstanderFactory(database: database);
        var (people, departments, withoutManager, organisationIsDemo) = await factory.InScopeAsync(null, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var organisation = await db.Organisations.IgnoreQueryFilters().SingleAsync();
            var everyone = await db.People.IgnoreQueryFilters().ToListAsync();
            return (everyone.Count, await db.Departments.IgnoreQueryFilters().CountAsync(), everyone.Count(p => p.ManagerId is null), organisation.IsDemo);
        });
        people.ShouldBeInRange(35, 45);
        departments.ShouldBeGreaterThanOrEqualTo(5);
        withoutManager.ShouldBe(1, "only the chief executive has no manager");
        organisationIsDemo.ShouldBeTrue();

        var client = factory.Browser();
        var employee = credentials[Roles.Employee];
        var response = await client.PostFormAsync("/account/sign-in", new() { ["Email"] = employee.Email, ["Password"] = employee.Password });
        response.Headers.Location!.OriginalString.ShouldBe("/");
        (await client.GetStringAsync("/")).ShouldContain("Hello, Ruth");

        // The academy: a candidate part-way who can sign in, current and lapsed supporters, a request to sign off.
        var candidate = factory.Browser();
        var candidateSignIn = credentials[DemoSeeder.Candidate];
        (await candidate.PostFormAsync("/account/sign-in", new() { ["Email"] = candidateSignIn.Email, ["Password"] = candidateSignIn.Password }))
            .Headers.Location!.OriginalString.ShouldBe("/");
        var course = WebUtility.HtmlDecode(await candidate.GetStringAsync("/training/" + DemoTraining.CoreCourse));
        course.ShouldContain("Resume where you left off");
        Regex.Count(course, "Module complete").ShouldBe(4);
        PageText.Of(await candidate.GetStringAsync("/")).ShouldContain("Becoming a peer supporter : 4 of 10 modules complete");

        var supporter = factory.Browser();
        var supporterSignIn = credentials[Roles.PeerSupporter];
        await supporter.PostFormAsync("/account/sign-in", new() { ["Email"] = supporterSignIn.Email, ["Password"] = supporterSignIn.Password });
        WebUtility.HtmlDecode(await supporter.GetStringAsync("/training/certification")).ShouldContain("refresher");

        var organisationId = await factory.InScopeAsync(null, services => services.GetRequiredService<AppDbContext>().Organisations.IgnoreQueryFilters().Select(o => o.Id).SingleAsync());
        var (current, openRequests, offerable) = await factory.InScopeAsync(organisationId, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var certification = services.GetRequiredService<Upstander.Features.Training.SupporterCertification>();
            var inputs = await services.GetRequiredService<Upstander.Features.PeerSupport.Care.SupporterCare>().MatchingInputsAsync(CancellationToken.None);
            return ((await certification.CurrentSupporterIdsAsync(CancellationToken.None)).Count,
                await db.Set<Upstander.Features.Training.SignOffRequest>().CountAsync(r => r.Decision == null),
                inputs.Supporters.Count(s => s.Available && !s.Paused && s.RemainingCapacity > 0));
        });
        current.ShouldBe(DemoTraining.Supporters.Count() - 1, "every certified demo supporter is current but the one whose certificate lapsed");
        openRequests.ShouldBe(1);
        offerable.ShouldBe(current - 2, "one current supporter has paused and one is unavailable");

        // The support queue: a request in every state, the demo employee talking with the demo peer supporter.
        var (requests, queue, chart, directory) = await factory.InScopeAsync(organisationId, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            return (await db.Set<SupportRequestRecord>().ToListAsync(),
                await services.GetRequiredService<SupportQueue>().ViewAsync(QueuePeriods.Default, CancellationToken.None),
                await services.GetRequiredService<OrgChartCache>().ForAsync(db, CancellationToken.None),
                await db.People.ToDictionaryAsync(p => p.WorkEmail, p => p.Id));
        });
        var kwame = directory[supporterSignIn.Email];
        var ruth = directory[employee.Email];
        requests.Count(r => r.Status == RequestStatus.Waiting).ShouldBeGreaterThanOrEqualTo(3);
        var urgent = requests.Where(r => r.Status == RequestStatus.Waiting && r.Priority == QueuePriority.Urgent).ShouldHaveSingleItem();
        (urgent.RiskLevel, urgent.RiskCategories).ShouldBe((RiskLevel.High, "selfHarm"), "the safety screen decided it");
        requests.Where(r => r.Status == RequestStatus.Offered).ShouldHaveSingleItem().SupporterId.ShouldBe(kwame);
        var active = requests.Where(r => r.Status == RequestStatus.Active).ShouldHaveSingleItem();
        (active.PersonId, active.SupporterId).ShouldBe((ruth, (Guid?)kwame));
        active.DetailsSealed.ShouldNotBeNull();
        requests.Count(r => r.Status == RequestStatus.Closed).ShouldBeGreaterThanOrEqualTo(5);
        requests.Count(r => r.Status == RequestStatus.Withdrawn).ShouldBe(1);
        requests.Where(r => r.SupporterId is not null)
            .ShouldAllBe(r => r.SupporterId != r.PersonId && !chart.InSameLine(r.PersonId, r.SupporterId!.Value), "no supporter is in the requester's management chain");
        queue.Feedback[0].Means.Hidden.ShouldBeFalse("enough feedback in the last complete month to pass the minimum group size");
        queue.Now.Unmatched.ShouldBeGreaterThanOrEqualTo(1);
        queue.Now.UrgentOpen.ShouldBe(2);
        WebUtility.HtmlDecode(await client.GetStringAsync("/support/requests/" + active.Id)).ShouldContain(DemoSupport.EmployeeWords);
    }

    [Fact]
    public async Task With_demo_data_present_the_server_refuses_to_listen_beyond_loopback()
    {
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Demo"] = "true", ["urls"] = "http://0.0.0.0:5099" });
        var error = Should.Throw<InvalidOperationException>(() => factory.Server);
        error.Message.ShouldContain("listens only on loopback");
    }

    [Fact]
    public async Task The_demo_starts_on_first_run_with_the_demo_flag()
    {
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Demo"] = "true", ["urls"] = "http://127.0.0.1:5099" });
        var organisations = await factory.InScopeAsync(null, services =>
            services.GetRequiredService<AppDbContext>().Organisations.IgnoreQueryFilters().Select(o => o.Name).ToListAsync());
        organisations.ShouldBe([DemoSeeder.OrganisationName]);
    }

    [Theory]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.8.9.10:80", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://192.168.1.20:5080", false)]
    [InlineData("http://upstander.example.org", false)]
    [InlineData("not a url", false)]
    public void Only_loopback_addresses_count_as_loopback(string url, bool loopback) =>
        Startup.IsLoopback(url).ShouldBe(loopback);
}
