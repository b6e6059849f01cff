using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Training;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.Training;

public sealed partial class TrainingJourneyTests : IAsyncLifetime
{
    private const string Course = "/training/sample-course";
    private const string Module = Course + "/01-listening";
    private readonly TrainingContentFixture _content = new();
    private UpstanderFactory _factory = null!;
    private TestOrganisation _org = null!;

    public async Task InitializeAsync()
    {
        _factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Training:ContentPath"] = _content.Root });
        _org = await _factory.CreateOrganisationAsync("Training Org");
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _content.Dispose();
    }


    private static string OptionOrder(string html) => string.Join(' ', OptionRegex().Matches(html).Select(m => m.Groups[1].Value + m.Groups[2].Value));

    [Fact]
    public async Task A_learner_goes_through_a_module_and_their_progress_survives_signing_in_again()
    {
        var learner = _org[Roles.PeerSupporter];
        var client = await _factory.SignInAsync(learner);
        (await PageAsync(client, "/training")).ShouldContain("Sample supporter course");
        (await PageAsync(client, Course)).ShouldContain("Start the course");
        (await PageAsync(client, "/")).ShouldNotContain("Your training", customMessage: "nothing under way yet");

        Location(await PostAsync(client, Course + "?handler=Start")).ShouldBe(Course + "/self-assessment/before", "the before self-assessment is offered first; it can be skipped");
        var lesson = await PageAsync(client, Module + "/lessons/1");
        lesson.ShouldContain("Why listening matters");
        lesson.ShouldContain("<strong>listening first</strong>");
        lesson.ShouldContain("rel=\"noopener noreferrer\"");
        lesson.ShouldContain($"href=\"{Module}/lessons/2\"");
        (await PageAsync(client, Module + "/lessons/2")).ShouldContain($"href=\"{Module}/check\"");

        // A new sign-in resumes where the learner left off.
        var again = await _factory.SignInAsync(learner);
        var overview = await PageAsync(again, Course);
        overview.ShouldContain("Resume where you left off");
        overview.ShouldContain($"href=\"{Module}/lessons/2\"");
        // So does the home page, which says how far they are.
        var home = await PageAsync(again, "/");
        home.ShouldContain("Your training");
        home.ShouldContain("<strong>Sample supporter course</strong>: 0 of 1 module complete");
        home.ShouldContain($"href=\"{Module}/lessons/2\"");

        // The check keeps its shuffled order on reload; an unanswered question is refused with 400.
        var check = await PageAsync(again, Module + "/check");
        OptionOrder(await PageAsync(again, Module + "/check")).ShouldBe(OptionOrder(check));
        (await PostAsync(again, Module + "/check", ("q.q1", "a"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(again, Module + "/check", ("q.q1", "zz"), ("q.q2", "a"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var failed = Location(await PostAsync(again, Module + "/check", ("q.q1", "b"), ("q.q2", "a")));
        failed.ShouldStartWith(Module + "/check/");
        var feedback = await PageAsync(again, failed);
        feedback.ShouldContain("Not passed yet: 0 of 2 right.");
        feedback.ShouldContain("Reporting is their choice, and it may come later.");
        feedback.ShouldContain("Yes. Listening first helps them feel heard.", customMessage: "feedback is shown on every option");
        feedback.ShouldContain("Try again");
        (await PageAsync(again, Course)).ShouldNotContain("Module complete");

        await PageAsync(again, Module + "/check");
        var passed = Location(await PostAsync(again, Module + "/check", ("q.q1", "a"), ("q.q2", "a"), ("q.q2", "c")));
        passed.ShouldNotBe(failed);
        (await PageAsync(again, passed)).ShouldContain("Passed: 2 of 2 right.");

        // The scenario: one turn per page, the reason shown after each choice, the profile at the end.
        const string scenario = Module + "/scenarios/quiet-word";
        (await PageAsync(again, scenario)).ShouldContain("Have you got a minute? It's about my manager.");
        (await PostAsync(again, scenario, ("ResponseId", "nope"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var afterFirst = Location(await PostAsync(again, scenario, ("ResponseId", "r1")));
        afterFirst.ShouldBe(scenario + "?feedback=true");
        (await PageAsync(again, afterFirst)).ShouldContain("An open question and no pressure give Sam room to start.");
        (await PageAsync(again, scenario)).ShouldContain("Sometimes I don't want to go on.");
        Location(await PostAsync(again, scenario, ("ResponseId", "r1")));
        (await PageAsync(again, scenario + "?feedback=true")).ShouldContain("asked about safety directly and calmly");
        var end = await PageAsync(again, scenario);
        end.ShouldContain("Sam felt heard and safe enough");
        end.ShouldContain("Your skill profile");
        Regex.Replace(end, "\\s+", "").ShouldContain("<thscope=\"row\">Checkingsafety</th><td>2</td><td>2</td>");
        Regex.Replace(end, "\\s+", "").ShouldContain("<thscope=\"row\">Total</th><td>7</td><td>7</td>");
        end.ShouldContain("<svg class=\"skill-chart\"");

        var done = await PageAsync(await _factory.SignInAsync(learner), Course);
        done.ShouldContain("Module complete");
        done.ShouldContain("You have completed this course.");
        (await PageAsync(again, "/")).ShouldNotContain("Your training", customMessage: "a finished course leaves the home page");
        var certificate = await PageAsync(again, Course + "/certificate");
        certificate.ShouldContain($"PeerSupporter of {_org.Name}");
        certificate.ShouldContain("Sample supporter course");
    }

    [Fact]
    public async Task A_learner_part_way_through_keeps_the_version_they_started_when_the_content_changes()
    {
        var client = await _factory.SignInAsync(_org[Roles.PeerSupporter]);
        Location(await PostAsync(client, Course + "?handler=Start"));
        (await PageAsync(client, Module + "/lessons/1")).ShouldContain("helps them feel heard");

        var lessonFile = _content.ModuleFile("01-why-listen.md");
        File.WriteAllText(lessonFile, File.ReadAllText(lessonFile).Replace("helps them feel heard", "shows you care", StringComparison.Ordinal));
        _content.EditJson(Path.Combine(_content.SampleCourse, "course.json"), n => n["version"] = 2);
        await _factory.Services.GetRequiredService<TrainingLibrary>().LoadAsync(_content.Root, CancellationToken.None);

        var lesson = await PageAsync(client, Module + "/lessons/1");
        lesson.ShouldContain("helps them feel heard");
        lesson.ShouldNotContain("shows you care");

        // Someone starting now gets the new version.
        var coordinator = _org[Roles.Coordinator];
        await Enrol(coordinator.PersonId);
        var newcomer = await _factory.SignInAsync(coordinator);
        Location(await PostAsync(newcomer, Course + "?handler=Start"));
        (await PageAsync(newcomer, Module + "/lessons/1")).ShouldContain("shows you care");

        var versions = await _factory.InScopeAsync(null, services =>
            services.GetRequiredService<AppDbContext>().Set<CourseVersion>().Where(v => v.Slug == "sample-course").Select(v => v.Version).OrderBy(v => v).ToListAsync());
        versions.ShouldBe([1, 2]);

        // Loading unchanged content again adds no version.
        await _factory.Services.GetRequiredService<TrainingLibrary>().LoadAsync(_content.Root, CancellationToken.None);
        (await _factory.InScopeAsync(null, services => services.GetRequiredService<AppDbContext>().Set<CourseVersion>().CountAsync())).ShouldBe(3);
    }

    [Fact]
    public async Task A_course_for_candidates_is_closed_to_an_employee_until_a_coordinator_enrols_them()
    {
        var employee = _org[Roles.Employee];
        var client = await _factory.SignInAsync(employee);
        var catalogue = await PageAsync(client, "/training");
        catalogue.ShouldContain("Sample open course");
        catalogue.ShouldNotContain("Sample supporter course");
        (await client.GetAsync(Course)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync(Module + "/lessons/1")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PostAsync(client, Course + "?handler=Start", [])).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PostAsync(client, "/training/open-course?handler=Start", [])).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        await Enrol(employee.PersonId);
        (await PageAsync(client, "/training")).ShouldContain("Sample supporter course");
        (await client.GetAsync(Course)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Someone_not_signed_in_is_sent_to_sign_in()
    {
        var anonymous = _factory.Browser();
        foreach (var url in new[] { "/training", Course, Module + "/lessons/1", Module + "/check", Course + "/certificate" })
        {
            var response = await anonymous.GetAsync(url);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, url);
            response.Headers.Location!.OriginalString.ShouldContain("/account/sign-in");
        }
    }

    [Fact]
    public async Task The_certificate_is_not_there_before_the_course_is_complete()
    {
        var client = await _factory.SignInAsync(_org[Roles.PeerSupporter]);
        (await client.GetAsync(Course + "/certificate")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        Location(await PostAsync(client, Course + "?handler=Start"));
        (await client.GetAsync(Course + "/certificate")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private Task Enrol(Guid personId) => _factory.InScopeAsync(_org.Id, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        db.Set<CourseEnrolment>().Add(CourseEnrolment.Enrol(_org.Id, personId, "sample-course", null, DateTimeOffset.UtcNow));
        await db.SaveChangesAsync();
    });

    [GeneratedRegex("name=\"q\\.(\\w+)\" value=\"(\\w+)\"")]
    private static partial Regex OptionRegex();
}
