using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Training;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Training;

/// <summary>Coordinators author their organisation's versions of courses; learners keep the version they started.</summary>
public sealed class CourseAuthoringTests
{
    private const string Core = "becoming-a-peer-supporter";
    private const string Editor = "/coordinate/training/courses";
    private const string Module1 = "01-role-and-boundaries";

    private static async Task<string> PageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> RedirectAsync(HttpClient client, string url, Dictionary<string, string> fields, string? tokenFrom = null)
    {
        var response = await client.PostFormAsync(url, fields, tokenFrom);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"POST {url}");
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>Every field of the check editor's form for <paramref name="check"/>, as a browser would send it.</summary>
    private static Dictionary<string, string> CheckForm(KnowledgeCheck check)
    {
        var fields = new Dictionary<string, string> { ["Input.PassPercent"] = ((int)Math.Round(check.PassMark * 100)).ToString(CultureInfo.InvariantCulture), ["command"] = "save" };
        for (var i = 0; i < check.Questions.Count; i++)
        {
            var q = check.Questions[i];
            (fields[$"Input.Questions[{i}].Id"], fields[$"Input.Questions[{i}].Kind"], fields[$"Input.Questions[{i}].Prompt"]) = (q.Id, q.Kind, q.Prompt);
            for (var j = 0; j < q.Options.Count; j++)
            {
                var o = q.Options[j];
                var name = $"Input.Questions[{i}].Options[{j}]";
                (fields[name + ".Id"], fields[name + ".Text"], fields[name + ".Feedback"]) = (o.Id, o.Text, o.Feedback);
                if (o.Correct)
                {
                    fields[name + ".Correct"] = "true";
                }
            }
        }
        return fields;
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_coordinator_edits_a_published_module_and_a_learner_part_way_through_keeps_the_old_version(Engine engine)
    {
        await using var factory = new UpstanderFactory(engine);
        var org = await factory.CreateOrganisationAsync("Authoring Org");
        var shipped = factory.Services.GetRequiredService<TrainingLibrary>().Shipped.Single(c => c.Course.Slug == Core).Course;
        var oldLesson = shipped.Modules[0].Lessons[0];
        var oldQuestion = shipped.Modules[0].Check!.Questions[0];

        // A learner starts the shipped core course and reads the first lesson of module 1.
        var learner = await factory.SignInAsync(org[Roles.PeerSupporter]);
        await RedirectAsync(learner, $"/training/{Core}?handler=Start", [], $"/training/{Core}");
        (await PageAsync(learner, $"/training/{Core}/{Module1}/lessons/1")).ShouldContain(oldLesson.Title);

        // The coordinator makes a draft, edits the lesson and a question, and publishes.
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        (await PageAsync(coordinator, Editor)).ShouldContain("Shipped");
        (await RedirectAsync(coordinator, $"{Editor}/{Core}?handler=Edit", [], Editor)).ShouldBe($"{Editor}/{Core}");
        var lessonEditor = $"{Editor}/{Core}/modules/{Module1}/lessons/1";
        (await PageAsync(coordinator, lessonEditor)).ShouldContain(oldLesson.Title);
        await RedirectAsync(coordinator, lessonEditor, new() { ["Title"] = "A peer supporter, rewritten", ["Markdown"] = "Our **new** wording for the first lesson.", ["command"] = "save" });
        var edited = shipped.Modules[0].Check! with
        {
            Questions = [oldQuestion with { Prompt = "What does a peer supporter do here?" }, .. shipped.Modules[0].Check!.Questions.Skip(1)],
        };
        await RedirectAsync(coordinator, $"{Editor}/{Core}/modules/{Module1}/check", CheckForm(edited));
        (await PageAsync(learner, $"/training/{Core}/{Module1}/lessons/1")).ShouldNotContain("new wording", customMessage: "a draft is never shown to learners");
        (await RedirectAsync(coordinator, $"{Editor}/{Core}?handler=Publish", [], $"{Editor}/{Core}")).ShouldBe($"{Editor}?published={Core}");
        (await PageAsync(coordinator, Editor)).ShouldContain("Customised");

        var published = await factory.InScopeAsync(org.Id, services =>
            services.GetRequiredService<AppDbContext>().AuditEvents.Where(e => e.Action == AuditActions.TrainingCoursePublished).ToListAsync());
        published.ShouldHaveSingleItem().TargetId.ShouldBe(Core);
        published[0].Detail.ShouldBe($"version {shipped.Version + 1}");
        published[0].ActorId.ShouldBe(org[Roles.Coordinator].AccountId);

        // The learner part-way through keeps the old lesson and question.
        var old = await PageAsync(learner, $"/training/{Core}/{Module1}/lessons/1");
        old.ShouldContain(oldLesson.Title);
        old.ShouldNotContain("new wording");
        var oldCheck = await PageAsync(learner, $"/training/{Core}/{Module1}/check");
        oldCheck.ShouldContain(oldQuestion.Prompt);
        oldCheck.ShouldNotContain("What does a peer supporter do here?");

        // Someone starting now gets the organisation's version.
        var newcomer = await factory.SignInAsync(org[Roles.Coordinator]);
        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.Set<CourseEnrolment>().Add(CourseEnrolment.Enrol(org.Id, org[Roles.Coordinator].PersonId, Core, null, factory.Clock.GetUtcNow()));
            await db.SaveChangesAsync();
        });
        await RedirectAsync(newcomer, $"/training/{Core}?handler=Start", [], $"/training/{Core}");
        var fresh = await PageAsync(newcomer, $"/training/{Core}/{Module1}/lessons/1");
        fresh.ShouldContain("A peer supporter, rewritten");
        fresh.ShouldContain("Our <strong>new</strong> wording");
        (await PageAsync(newcomer, $"/training/{Core}/{Module1}/check")).ShouldContain("What does a peer supporter do here?");
    }

    [Fact]
    public async Task Hostile_markdown_in_an_authored_lesson_never_reaches_the_preview_or_the_learner_as_html_and_other_organisations_never_see_the_course()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Author Org");
        var other = await factory.CreateOrganisationAsync("Other Org");
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);

        // A new course, with a bad address refused first (400, nothing created).
        var bad = await coordinator.PostFormAsync($"{Editor}/new", new() { ["Input.Slug"] = "Not A Slug", ["Input.Title"] = "", ["Input.Summary"] = "x", ["Input.Audience"] = "everyone" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var badPage = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
        badPage.ShouldContain("href=\"#slug\"");
        badPage.ShouldContain("href=\"#title\"");
        (await RedirectAsync(coordinator, $"{Editor}/new", new() { ["Input.Slug"] = "speaking-up", ["Input.Title"] = "Speaking up", ["Input.Summary"] = "How to raise it.", ["Input.Audience"] = "everyone" }))
            .ShouldBe($"{Editor}/speaking-up");
        var module = await RedirectAsync(coordinator, $"{Editor}/speaking-up?handler=AddModule", new() { ["ModuleTitle"] = "Finding words" }, $"{Editor}/speaking-up");
        module.ShouldBe($"{Editor}/speaking-up/modules/module-1");
        await RedirectAsync(coordinator, module + "?handler=Details", new() { ["Title"] = "Finding words", ["Summary"] = "Starting the conversation.", ["Minutes"] = "10" }, module);
        var lesson = await RedirectAsync(coordinator, module + "?handler=AddLesson", new() { ["NewTitle"] = "First words" }, module);
        lesson.ShouldBe(module + "/lessons/1");

        const string hostile = """
            Hello <script>alert('x')</script> there.

            [click me](javascript:alert(1)) and [also](java	script:alert(2))

            <img src=x onerror="alert(3)">

            <div onclick="alert(4)">block</div>

            ![pic](https://evil.example/p.png)
            """;
        var preview = await coordinator.PostFormAsync(lesson, new() { ["Title"] = "First words", ["Markdown"] = hostile, ["command"] = "preview" });
        preview.StatusCode.ShouldBe(HttpStatusCode.OK);
        var previewHtml = await preview.Content.ReadAsStringAsync();
        previewHtml.ShouldContain("Preview (not saved)");
        await RedirectAsync(coordinator, lesson, new() { ["Title"] = "First words", ["Markdown"] = hostile, ["command"] = "save" });

        // A scenario through its editor: one turn, two responses, both to the ending.
        var scenario = await RedirectAsync(coordinator, module + "?handler=AddScenario", new() { ["NewTitle"] = "A quiet word" }, module);
        scenario.ShouldBe(module + "/scenarios/a-quiet-word-1");
        var nodes = new Dictionary<string, string>
        {
            ["Input.Title"] = "A quiet word",
            ["Input.Setting"] = "After a meeting.",
            ["Input.Colleague"] = "Sam",
            ["Input.Start"] = "start",
            ["command"] = "save",
            ["Input.Nodes[0].Original"] = "start",
            ["Input.Nodes[0].Name"] = "start",
            ["Input.Nodes[0].Says"] = "Got a minute?",
            ["Input.Nodes[1].Original"] = "end",
            ["Input.Nodes[1].Name"] = "finish",
            ["Input.Nodes[1].Says"] = "Thanks.",
            ["Input.Nodes[1].End"] = "true",
            ["Input.Nodes[1].Outcome"] = "Sam felt heard.",
        };
        foreach (var r in new[] { 0, 1 })
        {
            nodes[$"Input.Nodes[0].Responses[{r}].Id"] = $"r{r + 1}";
            nodes[$"Input.Nodes[0].Responses[{r}].Text"] = r == 0 ? "Of course." : "Not now.";
            nodes[$"Input.Nodes[0].Responses[{r}].Why"] = r == 0 ? "It opens the door." : "It closes it.";
            nodes[$"Input.Nodes[0].Responses[{r}].Next"] = "end";
            nodes[$"Input.Nodes[0].Responses[{r}].Scores[openQuestions]"] = r == 0 ? "2" : "-2";
        }
        var outOfRange = new Dictionary<string, string>(nodes) { ["Input.Nodes[0].Responses[0].Scores[reflecting]"] = "3" };
        (await coordinator.PostFormAsync(scenario, outOfRange)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await RedirectAsync(coordinator, scenario, nodes);
        (await PageAsync(coordinator, scenario)).ShouldContain("<option value=\"finish\" selected=\"selected\">finish</option>", customMessage: "renaming a node renames the references to it");

        (await RedirectAsync(coordinator, $"{Editor}/speaking-up?handler=Publish", [], $"{Editor}/speaking-up")).ShouldBe($"{Editor}?published=speaking-up");

        var employee = await factory.SignInAsync(org[Roles.Employee]);
        (await PageAsync(employee, "/training")).ShouldContain("Speaking up");
        await RedirectAsync(employee, "/training/speaking-up?handler=Start", [], "/training/speaking-up");
        var learnerHtml = await (await employee.GetAsync("/training/speaking-up/module-1/lessons/1")).Content.ReadAsStringAsync();
        foreach (var html in new[] { previewHtml, learnerHtml })
        {
            html.ShouldContain("Hello &lt;script&gt;");
            html.ShouldNotContain("<script>alert", Case.Insensitive);
            html.ShouldNotContain("href=\"javascript", Case.Insensitive);
            html.ShouldNotContain("href=\"java\tscript", Case.Insensitive);
            html.ShouldNotContain("<img", Case.Insensitive);
            html.ShouldNotContain("<div onclick", Case.Insensitive);
            html.ShouldNotContain("onerror=\"", Case.Insensitive);
        }
        (await PageAsync(employee, "/training/speaking-up/module-1/scenarios/a-quiet-word-1")).ShouldContain("Got a minute?");

        // A draft of the core course too; the other organisation sees neither.
        await RedirectAsync(coordinator, $"{Editor}/{Core}?handler=Edit", [], Editor);
        var theirs = await factory.SignInAsync(other[Roles.Coordinator]);
        var list = await PageAsync(theirs, Editor);
        list.ShouldNotContain("Speaking up");
        list.ShouldNotContain("Draft pending");
        foreach (var url in new[] { $"{Editor}/speaking-up", $"{Editor}/speaking-up/modules/module-1", $"{Editor}/speaking-up/modules/module-1/lessons/1", $"{Editor}/speaking-up/modules/module-1/scenarios/a-quiet-word-1", "/training/speaking-up" })
        {
            (await theirs.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound, url);
        }
        (await PageAsync(theirs, $"{Editor}/{Core}")).ShouldContain("There is no draft.");
        (await theirs.PostFormAsync($"{Editor}/speaking-up?handler=Edit", [], Editor)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PageAsync(await factory.SignInAsync(other[Roles.Employee]), "/training")).ShouldNotContain("Speaking up");
    }

    [Fact]
    public async Task Publishing_an_invalid_draft_lists_every_problem_by_place_and_changes_nothing()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Careless Org");
        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        await RedirectAsync(coordinator, $"{Editor}/{Core}?handler=Edit", [], Editor);

        // Two correct options on a single-answer question, and a scenario that loops back to its start.
        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var draft = await db.Set<CourseDraft>().SingleAsync();
            var course = draft.Read();
            var module = course.Modules[0];
            var question = module.Check!.Questions[0];
            var scenario = module.Scenarios[0];
            var turn = scenario.Nodes.First(n => !n.Value.End && n.Key != scenario.Start);
            var looped = turn.Value with { Responses = [turn.Value.Responses![0] with { Next = scenario.Start }, .. turn.Value.Responses.Skip(1)] };
            module = module with
            {
                Check = module.Check with { Questions = [question with { Options = [.. question.Options.Select(o => o with { Correct = true })] }, .. module.Check.Questions.Skip(1)] },
                Scenarios = [scenario with { Nodes = scenario.Nodes.ToDictionary(n => n.Key, n => n.Key == turn.Key ? looped : n.Value) }, .. module.Scenarios.Skip(1)],
            };
            draft.Replace(course with { Modules = [module, .. course.Modules.Skip(1)] }, null, factory.Clock.GetUtcNow());
            await db.SaveChangesAsync();
        });

        var before = await RowCounts.TakeAsync(factory.Database);
        var response = await coordinator.PostFormAsync($"{Editor}/{Core}?handler=Publish", [], $"{Editor}/{Core}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        page.ShouldContain("This draft cannot be published yet.");
        page.ShouldContain("Module 1, knowledge check: question \"role-q1\": a single-answer question needs exactly one correct option, not 4.");
        page.ShouldContain("Module 1, scenario 1 \u201c");
        page.ShouldContain("the conversation loops back from");
        RowCounts.Differences(before, await RowCounts.TakeAsync(factory.Database)).ShouldBeEmpty();

        // Discarding drops the draft; learners never saw it.
        (await RedirectAsync(coordinator, $"{Editor}/{Core}?handler=Discard", [], $"{Editor}/{Core}")).ShouldBe($"{Editor}?discarded=1");
        (await PageAsync(coordinator, $"{Editor}/{Core}")).ShouldContain("There is no draft.");
    }

    [Fact]
    public async Task Only_coordinators_may_author()
    {
        await using var factory = new UpstanderFactory();
        var org = await factory.CreateOrganisationAsync("Roles Org");
        foreach (var role in Roles.All.Where(r => r != Roles.Coordinator))
        {
            var client = await factory.SignInAsync(org[role]);
            foreach (var url in new[] { Editor, $"{Editor}/new", $"{Editor}/{Core}", $"{Editor}/{Core}/modules/{Module1}/lessons/1" })
            {
                var response = await client.GetAsync(url);
                response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} {url}");
                response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
            }
            var post = await client.PostFormAsync($"{Editor}/{Core}?handler=Edit", [], "/");
            ((int)post.StatusCode is 302 or 403).ShouldBeTrue();
        }
        (await factory.InScopeAsync(org.Id, services => services.GetRequiredService<AppDbContext>().Set<CourseDraft>().CountAsync())).ShouldBe(0);
    }
}
