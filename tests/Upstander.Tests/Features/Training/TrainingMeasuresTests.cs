using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Training;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Training;

/// <summary>The reaction survey, the self-assessment and the continuing-development log, through the pages.</summary>
public sealed class TrainingMeasuresTests : IAsyncLifetime
{
    private const string Course = "/training/sample-course";
    private const string Module = Course + "/01-listening";
    private const string Reaction = Module + "/reaction";
    private readonly TrainingContentFixture _content = new();
    private UpstanderFactory _factory = null!;
    private TestOrganisation _org = null!;

    public async Task InitializeAsync()
    {
        _factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Training:ContentPath"] = _content.Root });
        _org = await _factory.CreateOrganisationAsync("Measures Org");
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _content.Dispose();
    }

    private static async Task<string> PageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, params (string Name, string Value)[] fields)
    {
        var token = await client.AntiforgeryTokenAsync(url.Split('?')[0]);
        var pairs = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return await client.PostAsync(url, new FormUrlEncodedContent(pairs));
    }

    /// <summary>Starts the sample course (answering the before self-assessment or skipping it) and completes its one module.</summary>
    private async Task<HttpClient> CompleteCourseAsync(TestAccount learner, bool answerBefore)
    {
        var client = await _factory.SignInAsync(learner);
        var start = await client.PostFormAsync(Course + "?handler=Start", [], Course);
        start.Headers.Location!.OriginalString.ShouldBe(Course + "/self-assessment/before", "the course invites the before self-assessment first");
        var invitation = await PageAsync(client, Course + "/self-assessment/before");
        invitation.ShouldContain($"<a href=\"{Module}/lessons/1\">Skip for now</a>");
        if (answerBefore)
        {
            (await PostAsync(client, Course + "/self-assessment/before", ("r.sa1", "2"), ("r.sa2", "3"))).Headers.Location!.OriginalString.ShouldBe(Module + "/lessons/1");
        }
        await PageAsync(client, Module + "/lessons/1");
        (await PageAsync(client, Module + "/lessons/2")).ShouldNotContain("How was this module?");
        (await client.GetAsync(Reaction)).Headers.Location!.OriginalString.ShouldBe(Course, "not offered before the module is complete");
        await PageAsync(client, Module + "/check");
        (await PostAsync(client, Module + "/check", ("q.q1", "a"), ("q.q2", "a"), ("q.q2", "c"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        await PageAsync(client, Module + "/scenarios/quiet-word");
        (await PostAsync(client, Module + "/scenarios/quiet-word", ("ResponseId", "r1"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await PostAsync(client, Module + "/scenarios/quiet-word", ("ResponseId", "r1"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    private Task<List<string[]>> RawAsync(string sql)
    {
        var connection = SchemaSnapshot.Open(_factory.Database.Engine, _factory.Database.Connection);
        return SchemaSnapshot.ReadAsync(connection, sql);
    }

    [Fact]
    public async Task The_reaction_survey_stores_the_ratings_and_seals_the_comment_and_refuses_bad_input()
    {
        var client = await CompleteCourseAsync(_org[Roles.PeerSupporter], answerBefore: false);
        var end = await PageAsync(client, Module + "/scenarios/quiet-word");
        end.ShouldContain("How was this module?");
        (await PageAsync(client, Course)).ShouldContain("Not answered");

        var form = await PageAsync(client, Reaction);
        form.ShouldContain("<legend>How useful was this module?</legend>");
        form.ShouldContain("<label for=\"useful-5\">5 · Very</label>");

        const string secret = "Module felt rushed; Zebedee Quartermain-Smythe talked over everyone";
        foreach (var bad in new[] { ("0", "3", "3", ""), ("6", "3", "3", ""), ("3", "x", "3", ""), ("3", "3", "3", new string('a', 2001)) })
        {
            var refused = await PostAsync(client, Reaction, ("Useful", bad.Item1), ("Relevant", bad.Item2), ("Clear", bad.Item3), ("Comment", bad.Item4));
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("Nothing was saved.");
        }
        (await PostAsync(client, Reaction, ("Useful", "3"), ("Relevant", "3"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await RawAsync("SELECT COUNT(*) FROM training_reactions"))[0][0].ShouldBe("0");

        var saved = await PostAsync(client, Reaction, ("Useful", "5"), ("Relevant", "4"), ("Clear", "2"), ("Comment", secret));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        saved.Headers.Location!.OriginalString.ShouldBe(Course);
        var rows = await RawAsync("SELECT \"Useful\", \"Relevant\", \"Clear\", \"CommentSealed\" FROM training_reactions");
        rows.Count.ShouldBe(1);
        rows[0][..3].ShouldBe(["5", "4", "2"]);
        rows[0][3].ShouldNotContain("Zebedee");
        rows[0][3].ShouldNotContain("rushed");
        (await PageAsync(client, Reaction)).ShouldContain(secret, customMessage: "the learner sees their own comment to change it");
        var overview = await PageAsync(client, Course);
        overview.ShouldContain("Feedback given");
        overview.ShouldNotContain("Not answered");

        // A change before the course is complete replaces the answer; the course is complete here, so it is closed.
        var closed = await PostAsync(client, Reaction, ("Useful", "1"), ("Relevant", "1"), ("Clear", "1"));
        closed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await RawAsync("SELECT \"Useful\" FROM training_reactions"))[0][0].ShouldBe("5");

        // Someone else's reaction page for the same module is their own, empty one; an unknown module is 404.
        (await client.GetAsync(Course + "/no-such-module/reaction")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Skipping_the_survey_and_the_self_assessment_never_blocks_the_course()
    {
        var client = await CompleteCourseAsync(_org[Roles.PeerSupporter], answerBefore: false);
        (await PageAsync(client, Course)).ShouldContain("You have completed this course.");
        (await client.GetAsync(Course + "/certificate")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await RawAsync("SELECT COUNT(*) FROM training_reactions"))[0][0].ShouldBe("0");
        (await RawAsync("SELECT COUNT(*) FROM training_self_assessments"))[0][0].ShouldBe("0");
    }

    [Fact]
    public async Task The_learner_rates_their_skills_before_and_after_and_sees_their_growth_which_nobody_else_can()
    {
        var client = await CompleteCourseAsync(_org[Roles.PeerSupporter], answerBefore: true);
        // "Before" closes once the course is complete; "after" opens.
        (await client.GetAsync(Course + "/self-assessment/before")).Headers.Location!.OriginalString.ShouldBe(Course + "/self-assessment");
        (await PageAsync(client, Course)).ShouldContain("Rate your skills again");
        var missing = await PostAsync(client, Course + "/self-assessment/after", ("r.sa1", "4"));
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(client, Course + "/self-assessment/after", ("r.sa1", "4"), ("r.sa2", "9"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await RawAsync("SELECT COUNT(*) FROM training_self_assessments"))[0][0].ShouldBe("1");
        (await PostAsync(client, Course + "/self-assessment/after", ("r.sa1", "4"), ("r.sa2", "3"))).Headers.Location!.OriginalString.ShouldBe(Course + "/self-assessment");

        var mine = System.Text.RegularExpressions.Regex.Replace(await PageAsync(client, Course + "/self-assessment"), "\\s+", "");
        mine.ShouldContain("<thscope=\"row\">Reflecting</th><td>2</td><td>4</td><td>+2</td>");
        mine.ShouldContain("<thscope=\"row\">Checkingsafety</th><td>3</td><td>3</td><td>0</td>");
        mine.ShouldContain("<thscope=\"row\">IsaybackwhatIheardbeforeIrespond.</th><td>2</td><td>4</td><td>+2</td>");
        mine.ShouldContain("<svgclass=\"skill-chartgrowth-chart\"");

        // A coordinator enrolled on the course sees their own (empty) page, never the supporter's answers.
        var other = _org[Roles.Coordinator];
        await _factory.InScopeAsync(_org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.Set<CourseEnrolment>().Add(CourseEnrolment.Enrol(_org.Id, other.PersonId, "sample-course", null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        });
        var theirs = await PageAsync(await _factory.SignInAsync(other), Course + "/self-assessment");
        theirs.ShouldContain("Start the course to rate your skills.");
        theirs.ShouldNotContain("<td>4</td>");
        (await (await _factory.SignInAsync(_org[Roles.Employee])).GetAsync(Course + "/self-assessment")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_development_log_adds_changes_and_deletes_entries_that_only_their_owner_sees()
    {
        var client = await _factory.SignInAsync(_org[Roles.PeerSupporter]);
        var today = DateOnly.FromDateTime(_factory.Clock.GetUtcNow().UtcDateTime);
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        (await PageAsync(client, "/training/development")).ShouldContain("No entries yet.");

        (string, string, string, string)[] bad =
        [
            ("training", Day(today.AddDays(1)), "1", "Future"),
            ("training", Day(today), "0", "Zero hours"),
            ("training", Day(today), "101", "Too many"),
            ("training", Day(today), "1.3", "Not a quarter"),
            ("nonsense", Day(today), "1", "Bad kind"),
            ("training", Day(today), "1", ""),
        ];
        foreach (var (kind, date, hours, title) in bad)
        {
            var refused = await PostAsync(client, "/training/development", ("Input.Kind", kind), ("Input.Date", date), ("Input.Hours", hours), ("Input.Title", title));
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{kind} {date} {hours} {title}");
            (await refused.Content.ReadAsStringAsync()).ShouldContain("Nothing was saved.");
        }
        (await RawAsync("SELECT COUNT(*) FROM training_development_entries"))[0][0].ShouldBe("0");

        const string reflection = "Learned to sit with silence; Ottoline Featherstonehaugh ran it";
        (await PostAsync(client, "/training/development", ("Input.Kind", "supervision"), ("Input.Date", Day(today)), ("Input.Hours", "1.5"), ("Input.Title", "Group supervision"), ("Input.Reflection", reflection)))
            .Headers.Location!.OriginalString.ShouldBe("/training/development?saved=added");
        (await PostAsync(client, "/training/development", ("Input.Kind", "training"), ("Input.Date", Day(today.AddMonths(-2))), ("Input.Hours", "100"), ("Input.Title", "Counselling skills")))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await PostAsync(client, "/training/development", ("Input.Kind", "training"), ("Input.Date", Day(today.AddMonths(-13))), ("Input.Hours", "0.25"), ("Input.Title", "Long ago")))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await RawAsync("SELECT \"ReflectionSealed\" FROM training_development_entries WHERE \"ReflectionSealed\" IS NOT NULL"))[0][0].ShouldNotContain("Ottoline");

        var list = System.Text.RegularExpressions.Regex.Replace(await PageAsync(client, "/training/development"), "\\s+", " ");
        list.ShouldContain(reflection);
        list.ShouldContain("<th scope=\"row\">Training</th><td>100</td>", customMessage: "the entry 13 months ago is outside the last 12 months");
        list.ShouldContain("<th scope=\"row\">Supervision</th><td>1.5</td>");
        list.ShouldContain("<th scope=\"row\">Total</th><td>101.5</td>");

        var id = Guid.Parse((await RawAsync("SELECT \"Id\" FROM training_development_entries WHERE \"Title\" = 'Group supervision'"))[0][0]);
        var url = $"/training/development/{id:D}";
        (await PageAsync(client, url)).ShouldContain(reflection);
        (await PostAsync(client, url, ("Input.Kind", "supervision"), ("Input.Date", Day(today)), ("Input.Hours", "2.75"), ("Input.Title", "")))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await PostAsync(client, url, ("Input.Kind", "supervision"), ("Input.Date", Day(today)), ("Input.Hours", "2.75"), ("Input.Title", "One-to-one supervision")))
            .Headers.Location!.OriginalString.ShouldBe("/training/development?saved=updated");
        (await RawAsync($"SELECT \"QuarterHours\", \"Title\", \"ReflectionSealed\" FROM training_development_entries WHERE \"Title\" = 'One-to-one supervision'"))[0][..2].ShouldBe(["11", "One-to-one supervision"]);

        // Another person cannot see, change or delete it: 404, and nothing changes.
        await _factory.InScopeAsync(_org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.Set<CourseEnrolment>().Add(CourseEnrolment.Enrol(_org.Id, _org[Roles.Employee].PersonId, "sample-course", null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        });
        var candidate = await _factory.SignInAsync(_org[Roles.Employee]);
        (await PageAsync(candidate, "/training/development")).ShouldNotContain("One-to-one supervision");
        (await candidate.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PostAsync(candidate, "/training/development", ("Input.Kind", "other"), ("Input.Date", Day(today)), ("Input.Hours", "1"), ("Input.Title", "Reading")))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var candidateEntry = (await RawAsync("SELECT \"Id\" FROM training_development_entries WHERE \"Title\" = 'Reading'"))[0][0];
        (await PostAsync(candidate, $"/training/development/{candidateEntry}?handler=Delete")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await candidate.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Kind"] = "other",
            ["Input.Date"] = Day(today),
            ["Input.Hours"] = "1",
            ["Input.Title"] = "Hijacked",
            ["__RequestVerificationToken"] = await candidate.AntiforgeryTokenAsync("/training/development"),
        }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await candidate.PostAsync(url + "?handler=Delete", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await candidate.AntiforgeryTokenAsync("/training/development"),
        }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await RawAsync("SELECT COUNT(*) FROM training_development_entries"))[0][0].ShouldBe("3");

        // Someone who is neither a supporter nor a candidate has no log.
        var leader = await _factory.SignInAsync(_org[Roles.Leader]);
        (await leader.GetAsync("/training/development")).Headers.Location!.OriginalString.ShouldContain("/account/access-denied");

        // The owner deletes their entry; the coordinator's summary sees hours only.
        (await PostAsync(client, url + "?handler=Delete")).Headers.Location!.OriginalString.ShouldBe("/training/development?saved=deleted");
        (await client.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var totals = await _factory.InScopeAsync(_org.Id, services => services.GetRequiredService<DevelopmentLog>()
            .HoursByPersonAsync([_org[Roles.PeerSupporter].PersonId, _org[Roles.Employee].PersonId], today.AddYears(-1).AddDays(1), today, CancellationToken.None));
        totals.Keys.ShouldBe([_org[Roles.PeerSupporter].PersonId]);
        totals[_org[Roles.PeerSupporter].PersonId].ShouldBe(new DevelopmentHours(100m, 0m, 0m));
    }

    [Fact]
    public async Task A_development_entry_dated_today_in_the_organisations_zone_is_accepted_while_the_date_in_utc_is_still_yesterday()
    {
        await AheadOfUtc.EnterAsync(_factory, _org.Id);
        var client = await _factory.SignInAsync(_org[Roles.PeerSupporter]);
        var local = AheadOfUtc.Field(AheadOfUtc.LocalDate);

        // The form offers today in Auckland, and the 12 months end with it.
        var page = await PageAsync(client, "/training/development");
        page.ShouldContain($"name=\"Input.Date\" value=\"{local}\"");
        page.ShouldContain("(12 Mar 2030 to 11 Mar 2031)");

        var tomorrow = await PostAsync(client, "/training/development", ("Input.Kind", "training"), ("Input.Date", AheadOfUtc.Field(AheadOfUtc.LocalDate.AddDays(1))), ("Input.Hours", "1"), ("Input.Title", "Tomorrow"));
        tomorrow.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await tomorrow.Content.ReadAsStringAsync()).ShouldContain("The date cannot be in the future.");
        (await PostAsync(client, "/training/development", ("Input.Kind", "supervision"), ("Input.Date", local), ("Input.Hours", "1"), ("Input.Title", "Supervision this morning")))
            .Headers.Location!.OriginalString.ShouldBe("/training/development?saved=added");
        (await RawAsync("SELECT \"Date\" FROM training_development_entries"))[0][0].ShouldStartWith(local);
    }
}
