using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Features.Training;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.Training;

/// <summary>The evaluation page and its CSV over a known dataset, on both engines; who may see it; the audited comments.</summary>
public sealed class TrainingEvaluationPageTests
{
    private const string Course = "/training/sample-course";
    private const string Page = "/coordinate/training/evaluation";
    private const string Comments = Page + "/sample-course/01-listening/comments";
    private const string Comment = "The role play felt too short for me";

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task The_evaluation_shows_known_figures_hides_small_groups_and_audits_each_reading_of_comments(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Evaluation Org");
        await CommentMinimumAsync(factory, org.Id, 5);
        await SeedAsync(factory, org.Id);

        var coordinator = await factory.SignInAsync(org[Roles.Coordinator]);
        var csv = (await coordinator.GetStringAsync(Page + "?handler=Csv")).Split("\r\n");
        string Value(string row, string figure) => csv.Single(l => l.StartsWith($"Sample supporter course,", StringComparison.Ordinal) && l.Contains($",{row},{figure},", StringComparison.Ordinal)).Split(',')[^1];
        Value("Listening first", "started").ShouldBe("6");
        Value("Listening first", "completion_rate").ShouldBe("0.6667");
        Value("Listening first", "first_attempt_pass_rate").ShouldBe("0.4");
        Value("Listening first", "eventual_pass_rate").ShouldBe("0.8");
        Value("Listening first", "mean_attempts_to_pass").ShouldBe("fewer than 5 people", "four learners passed");
        Value("Listening first", "first_attempt_score").ShouldBe("0.6");
        Value("Listening first", "best_score").ShouldBe("0.9");
        Value("Listening first", "knowledge_gain").ShouldBe("0.3");
        Value("Listening first", "reaction_responses").ShouldBe("5");
        (Value("Listening first", "useful_mean"), Value("Listening first", "relevant_mean"), Value("Listening first", "clear_mean")).ShouldBe(("4", "4", "3"));
        Value("All learners", "learners").ShouldBe("5", "the one learner without a cohort is not released, so the total holds only Spring");
        Value("All learners", "completion_rate").ShouldBe("0.8");
        Value("All learners", "pass_rate").ShouldBe("0.8");
        Value("All learners", "reflecting_change").ShouldBe("2");
        Value("All learners", "checkingSafety_change").ShouldBe("0");
        Value("Started 2026 Q3", "learners").ShouldBe("fewer than 5 people", "one learner without a cohort, grouped by the quarter they started");
        Value("Spring 2026", "completion_rate").ShouldBe("0.8", "the total holds nothing of the other group, so nothing can be worked out");
        Value("Spring 2026", "reflecting_before").ShouldBe("2");

        var html = WebUtility.HtmlDecode(await coordinator.GetStringAsync(Page));
        html.ShouldContain("<caption>Sample supporter course: progress and knowledge checks by module</caption>");
        html.ShouldContain("<td>67%</td>");
        html.ShouldNotContain("learners have changed since");
        html.ShouldContain("<td>+30</td>");
        html.ShouldContain("2.0 → 4.0 (+2.0), 5 people");
        html.ShouldNotContain(Comment);
        html.ShouldNotContain("Learner 1");

        // Comments: coordinators only, one audit event per reading.
        for (var view = 1; view <= 2; view++)
        {
            var page = WebUtility.HtmlDecode(await coordinator.GetStringAsync(Comments));
            page.ShouldContain(Comment);
            page.ShouldNotContain("Learner 1");
            (await ReadsAsync(factory, org.Id)).ShouldBe(view);
        }

        var researcher = await factory.SignInAsync(org[Roles.Researcher]);
        (await researcher.GetAsync(Page)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var researcherPage = await researcher.GetStringAsync(Page);
        researcherPage.ShouldNotContain("/comments");
        (await researcher.GetAsync(Comments)).Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
        foreach (var role in new[] { Roles.Employee, Roles.PeerSupporter, Roles.CaseManager, Roles.Leader, Roles.Admin })
        {
            var response = await (await factory.SignInAsync(org[role])).GetAsync(Page);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, role);
            response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
        }

        // One response fewer than the minimum: the reaction figures stay as released (one learner's change is not), and the
        // comment goes with its reaction while the four released with it stay; nothing new shows.
        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.Set<ModuleReaction>().Remove(await db.Set<ModuleReaction>().OrderBy(r => r.CommentSealed == null).ThenBy(r => r.Id).LastAsync());
            await db.SaveChangesAsync();
        });
        var remaining = await ShownAsync(coordinator);
        remaining.Count.ShouldBe(4);
        remaining.ShouldBeSubsetOf([Comment, "Seeded comment 2", "Seeded comment 3", "Seeded comment 4", "Seeded comment 5"]);
        (await ReadsAsync(factory, org.Id)).ShouldBe(3);
        var fewer = (await coordinator.GetStringAsync(Page + "?handler=Csv")).Split("\r\n");
        fewer.ShouldContain("Sample supporter course,module,Listening first,useful_mean,4");
        fewer.ShouldContain("Sample supporter course,module,Listening first,reaction_responses,5");
    }

    [Fact]
    public async Task Learners_without_a_cohort_are_grouped_by_the_quarter_they_started_in_the_organisations_zone()
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Quarter Org");
        // 20:00 UTC on 31 March 2031 is 09:00 on 1 April in Auckland: the second quarter there, the first in UTC.
        var started = new DateTimeOffset(2031, 3, 31, 20, 0, 0, TimeSpan.Zero);
        await AheadOfUtc.EnterAsync(factory, org.Id, started);
        // The evaluation counts learners once the quarter they started in is over.
        factory.Clock.Advance(TimeSpan.FromDays(92));
        var group = await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var published = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!;
            db.Set<CourseProgress>().Add(CourseProgress.Start(org.Id, org[Roles.Employee].PersonId, published.Course.Slug, published.VersionId, started));
            await db.SaveChangesAsync();
            var input = await services.GetRequiredService<TrainingEvaluationData>().InputAsync(published.Course, CancellationToken.None);
            return input.Learners.ShouldHaveSingleItem().Group;
        });
        group.ShouldBe("Started 2031 Q2");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Answers_in_the_quarter_in_progress_change_nothing_and_a_closed_quarter_shows_once_then_stays(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Stable Evaluation Org");
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        var before = await ViewAsync(coordinator);

        // A new learner finishes everything, and learner 6 (who started last quarter) answers too, in the quarter in progress.
        await FinishAsync(factory, org.Id, 7, factory.Clock.GetUtcNow(), "Learner seven's remark");
        await AnswerAsync(factory, org.Id, "learner6@evaluation.example", factory.Clock.GetUtcNow(), "Learner six's remark");
        (await ViewAsync(coordinator)).ShouldBe(before, "nothing of the quarter in progress is shown");

        // Once the quarter is over, its learners and answers count, but two learners' changes are fewer than the minimum:
        // the rows they changed stand at the quarter before, and say so; the figures stay as they are.
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var closed = await ViewAsync(coordinator);
        closed.ShouldNotBe(before);
        ValueIn(closed, "All learners", "learners").ShouldBe("5");
        ValueIn(closed, "Listening first", "reaction_responses").ShouldBe("5");
        ValueIn(closed, "Listening first", "reactions_as_of").ShouldBe("2026-09-30");
        closed.Comments.Contains("Learner seven", StringComparison.Ordinal).ShouldBeFalse("two new comments are fewer than a whole group");

        await FinishAsync(factory, org.Id, 8, factory.Clock.GetUtcNow(), "Learner eight's remark");
        (await ViewAsync(coordinator)).ShouldBe(closed, "a closed quarter's figures do not change");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Comments_are_released_in_whole_groups_sorted_by_text_never_one_on_its_own(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Comment Batches Org");
        await CommentMinimumAsync(factory, org.Id, 5);
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        var first = (await ViewAsync(coordinator)).Comments;
        first.ShouldContain(Comment);

        // One more comment, and its quarter closes: it is still fewer than a whole group, so it does not show.
        await FinishAsync(factory, org.Id, 7, factory.Clock.GetUtcNow(), "A lone remark");
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var alone = (await ViewAsync(coordinator)).Comments;
        alone.ShouldBe(first, "a comment never shows on its own");

        // Four more make a whole group of five: the five show together, in order of their text.
        for (var n = 8; n <= 11; n++)
        {
            await FinishAsync(factory, org.Id, n, factory.Clock.GetUtcNow(), $"Remark {(char)('A' + 11 - n)}");
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero));
        var page = (await ViewAsync(coordinator)).Comments;
        string[] released = ["A lone remark", "Remark A", "Remark B", "Remark C", "Remark D"];
        released.ShouldAllBe(c => page.Contains(c));
        var shown = Shown(page);
        shown.Count.ShouldBe(10);
        shown.ShouldBe(shown.Order(StringComparer.CurrentCulture).ToList(), "sorted by text, so the order does not tell when each came");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Comments_wait_for_a_whole_group_of_the_organisations_minimum_for_comments_ten_unless_changed(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Comment Minimum Org");
        var coordinator = await SeededInQuarterFourAsync(factory, org);

        // Five responses, each with a comment: enough for the figures (minimum 5), not for the comments (minimum 10).
        var five = await ViewAsync(coordinator);
        ValueIn(five, "Listening first", "reaction_responses").ShouldBe("5");
        five.Comments.ShouldBe("NotFound", "five comments are fewer than a whole group of ten");
        five.Page.ShouldContain("Not enough comments yet");
        five.Page.ShouldContain("Comments are released in whole groups of 10, in the order they were given");

        // Five more learners comment in the fourth quarter: once it is over, the ten show together.
        for (var n = 7; n <= 11; n++)
        {
            await FinishAsync(factory, org.Id, n, factory.Clock.GetUtcNow(), $"Remark {n}");
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var ten = (await ViewAsync(coordinator)).Comments;
        Shown(ten).Count.ShouldBe(10);
        ten.ShouldContain(Comment);
        ten.ShouldContain("Remark 11");
        // The groups already shown keep the size they were added in, whatever the minimum becomes: the page claims no more.
        ten.ShouldContain("in whole groups of the minimum group size in force when each group was added (now 10)");
        ten.ShouldNotContain("at least 10");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_comment_changed_after_it_was_shown_leaves_without_making_room_for_one_that_waits(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Changed Comment Org");
        await CommentMinimumAsync(factory, org.Id, 5);
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        string[] seeded = [Comment, "Seeded comment 2", "Seeded comment 3", "Seeded comment 4", "Seeded comment 5"];
        Shown((await ViewAsync(coordinator)).Comments).ShouldBe([.. seeded.Order(StringComparer.CurrentCulture)], "the five comments A to E");

        // In the fourth quarter F comments, and waits alone. The day after, learner 1 rewrites A, and learner 5 changes
        // only their ratings, keeping E as it was sealed.
        await FinishAsync(factory, org.Id, 7, factory.Clock.GetUtcNow(), "A lone remark");
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await ChangeReactionAsync(factory, org.Id, "learner1@evaluation.example", "A second thought");
        await ChangeReactionAsync(factory, org.Id, "learner5@evaluation.example", comment: null);

        // Once the quarter is over, A as it was no longer counts and leaves; B to E stay. F and the new A wait: letting the
        // first five in the order given show would add F on its own, and its writer is the one who finished last quarter.
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        Shown((await ViewAsync(coordinator)).Comments).ShouldBe(["Seeded comment 2", "Seeded comment 3", "Seeded comment 4", "Seeded comment 5"]);

        // Three more in the next quarter make five waiting: F, the new A and the three show together.
        for (var n = 8; n <= 10; n++)
        {
            await FinishAsync(factory, org.Id, n, factory.Clock.GetUtcNow(), $"Remark {n}");
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero));
        var all = await ViewAsync(coordinator);
        Shown(all.Comments).ShouldBe(((string[])["A lone remark", "A second thought", "Remark 10", "Remark 8", "Remark 9", .. seeded[1..]]).Order(StringComparer.CurrentCulture));
        all.Page.ShouldContain("Read comments on Listening first");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Raising_the_minimum_for_comments_shows_none_on_its_own_and_lowering_it_releases_whole_groups_of_the_new_one(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Comment Minimum Change Org");
        await CommentMinimumAsync(factory, org.Id, 5);
        await SeededInQuarterFourAsync(factory, org);
        for (var n = 7; n <= 10; n++)
        {
            await FinishAsync(factory, org.Id, n, factory.Clock.GetUtcNow(), $"Remark {n}");
        }
        var coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        Shown((await ViewAsync(coordinator)).Comments).Count.ShouldBe(5, "nine comments: one whole group of five, four wait");

        var admin = await factory.SignInAsync(org[Roles.Admin]);
        async Task MinimumsAsync(string size, string comments) =>
            (await admin.PostFormAsync("/admin/organisation", new() { ["Name"] = "Comment Minimum Change Org", ["MinimumGroupSize"] = size, ["CommentMinimumGroupSize"] = comments, ["TimeZone"] = "UTC" }))
                .StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Raised to 6: the five shown stay, and no sixth joins them on its own.
        await MinimumsAsync("5", "6");
        var raised = Shown((await ViewAsync(coordinator)).Comments);
        raised.Count.ShouldBe(5, "raising the minimum never shows one more comment");
        raised.ShouldNotContain(c => c.StartsWith("Remark", StringComparison.Ordinal));

        // Lowered to 4: the four waiting are a whole group of the new minimum, and all nine show.
        await MinimumsAsync("4", "4");
        Shown((await ViewAsync(coordinator)).Comments).Count.ShouldBe(9);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_organisation_upgraded_from_before_comment_releases_goes_on_showing_the_comments_it_showed(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Upgraded Comments Org");
        // Seven comments by the end of the third quarter: before, the five oldest showed, a whole group of the minimum group size.
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        await FinishAsync(factory, org.Id, 7, new DateTimeOffset(2026, 9, 1, 9, 0, 0, TimeSpan.Zero), "Remark 7");
        await FinishAsync(factory, org.Id, 8, new DateTimeOffset(2026, 9, 2, 9, 0, 0, TimeSpan.Zero), "Remark 8");
        await MarkUpgradedAsync(engine, factory);

        var first = Shown((await ViewAsync(coordinator)).Comments);
        first.Count.ShouldBe(5, "what was shown stays shown, although five are fewer than the ten comments now need");
        first.ShouldNotContain(c => c.StartsWith("Remark", StringComparison.Ordinal));
        (await BaselinesAsync(factory, org.Id)).ShouldBe(0);

        // From then on new comments wait for a whole group of ten: three more make five waiting, and none shows.
        for (var n = 9; n <= 11; n++)
        {
            await FinishAsync(factory, org.Id, n, factory.Clock.GetUtcNow(), $"Remark {n}");
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        Shown((await ViewAsync(coordinator)).Comments).ShouldBe(first);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_upgraded_organisation_read_only_on_the_comments_page_keeps_what_it_showed_once_then_follows_the_rule(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Upgraded Comments Page Org");
        // Five comments, A to E, by the end of the third quarter: before the upgrade they showed, a whole group of five.
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        await MarkUpgradedAsync(engine, factory);
        string[] seeded = [Comment, "Seeded comment 2", "Seeded comment 3", "Seeded comment 4", "Seeded comment 5"];

        // Only the comments page is read, never the evaluation: it keeps what was shown, and removes the mark as the evaluation does.
        (await ShownAsync(coordinator)).ShouldBe([.. seeded.Order(StringComparer.CurrentCulture)]);
        (await BaselinesAsync(factory, org.Id)).ShouldBe(0, "the comments page's reading removes the mark");

        // Learner 1 rewrites A in the fourth quarter. Once it is over, A as it was leaves and B to E stay; the new A waits for
        // a whole group of ten, and is not let in alone by the upgrade's rule (the first whole groups of five of those given).
        await ChangeReactionAsync(factory, org.Id, "learner1@evaluation.example", "A second thought");
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        (await ShownAsync(coordinator)).ShouldBe(seeded[1..]);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task Comments_wait_for_a_whole_group_on_their_own_module_never_one_made_up_with_another_modules(Engine engine)
    {
        using var content = new TrainingContentFixture();
        content.AddModule("02-responding", "Responding well");
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Comments Per Module Org");
        await CommentMinimumAsync(factory, org.Id, 5);
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        string[] seeded = [Comment, "Seeded comment 2", "Seeded comment 3", "Seeded comment 4", "Seeded comment 5"];
        await coordinator.GetStringAsync(Page);
        (await ShownAsync(coordinator)).ShouldBe([.. seeded.Order(StringComparer.CurrentCulture)]);

        // In the fourth quarter two more comment on the first module and three on the second: five in all, but no module has
        // a whole group of its own, so once the quarter is over (the evaluation read first) none shows.
        await FinishAsync(factory, org.Id, 7, factory.Clock.GetUtcNow(), "First module remark 7");
        await FinishAsync(factory, org.Id, 8, factory.Clock.GetUtcNow(), "First module remark 8");
        for (var n = 1; n <= 3; n++)
        {
            await ReactToSecondModuleAsync(factory, org.Id, $"learner{n}@evaluation.example", $"Second module remark {n}");
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        await coordinator.GetStringAsync(Page);
        (await ShownAsync(coordinator)).ShouldBe([.. seeded.Order(StringComparer.CurrentCulture)], "two comments are not a group of five");
        (await coordinator.GetAsync(SecondModuleComments)).StatusCode.ShouldBe(HttpStatusCode.NotFound, "three comments are not a group of five");

        // Two more on the second module in the next quarter make a whole group of its own: its five show together.
        for (var n = 4; n <= 5; n++)
        {
            await ReactToSecondModuleAsync(factory, org.Id, $"learner{n}@evaluation.example", $"Second module remark {n}");
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero));
        (await ShownAsync(coordinator, SecondModuleComments)).ShouldBe([.. Enumerable.Range(1, 5).Select(n => $"Second module remark {n}")]);
        (await ShownAsync(coordinator)).Count.ShouldBe(5);
    }

    [Fact]
    public async Task Changing_only_the_ratings_keeps_the_comment_as_it_was_sealed()
    {
        using var content = new TrainingContentFixture();
        content.AddModule("02-responding", "Responding well");
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Kept Comment Org");
        var learner = await factory.SignInAsync(org[Roles.PeerSupporter]);
        Location(await PostAsync(learner, Course + "?handler=Start"));
        await FinishModuleAsync(learner, Course + "/01-listening");
        Task<(string? Sealed, int Writes)> StoredAsync() => factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            return (await db.Set<ModuleReaction>().Select(r => r.CommentSealed).SingleAsync(),
                await db.AuditEvents.CountAsync(e => e.Action == AuditActions.ProtectedWrite && e.TargetType == "training-reaction"));
        });

        Location(await PostAsync(learner, Course + "/01-listening/reaction", ("Useful", "5"), ("Relevant", "5"), ("Clear", "5"), ("Comment", "The same words")));
        var first = await StoredAsync();
        Location(await PostAsync(learner, Course + "/01-listening/reaction", ("Useful", "2"), ("Relevant", "2"), ("Clear", "2"), ("Comment", " The same words ")));
        (await StoredAsync()).ShouldBe(first, "the same comment is not sealed or written again");
        Location(await PostAsync(learner, Course + "/01-listening/reaction", ("Useful", "2"), ("Relevant", "2"), ("Clear", "2"), ("Comment", "Other words")));
        var changed = await StoredAsync();
        changed.Sealed.ShouldNotBe(first.Sealed);
        changed.Writes.ShouldBe(first.Writes + 1);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_changed_answer_leaves_a_closed_quarter_as_it_was_and_counts_once_its_own_quarter_is_over(Engine engine)
    {
        using var content = new TrainingContentFixture();
        content.AddModule("02-responding", "Responding well");
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Changed Answers Org");

        // In the third quarter, besides the known dataset, a learner rates their skills, finishes the first module and reacts to it.
        await CoordinatorOnAsync(factory, org, new DateTimeOffset(2026, 8, 10, 9, 0, 0, TimeSpan.Zero));
        await SeedAsync(factory, org.Id);
        var learner = await factory.SignInAsync(org[Roles.PeerSupporter]);
        Location(await PostAsync(learner, Course + "?handler=Start"));
        Location(await PostAsync(learner, Course + "/self-assessment/before", ("r.sa1", "1"), ("r.sa2", "1")));
        await FinishModuleAsync(learner, Course + "/01-listening");
        Location(await PostAsync(learner, Course + "/01-listening/reaction", ("Useful", "5"), ("Relevant", "5"), ("Clear", "5"), ("Comment", "First thoughts")));

        var coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.Zero));
        var third = await ViewAsync(coordinator);
        ValueIn(third, "Listening first", "reaction_responses").ShouldBe("6");
        ValueIn(third, "Listening first", "useful_mean").ShouldBe("4.1667");

        // In the fourth quarter they change their reaction twice, finish the course and rate their skills after it: the third quarter's figures stay.
        learner = await factory.SignInAsync(org[Roles.PeerSupporter]);
        Location(await PostAsync(learner, Course + "/01-listening/reaction", ("Useful", "1"), ("Relevant", "1"), ("Clear", "1"), ("Comment", "Second thoughts")));
        (await ViewAsync(coordinator)).ShouldBe(third, "the changed reaction counts as it stood when the quarter ended");
        Location(await PostAsync(learner, Course + "/01-listening/reaction", ("Useful", "2"), ("Relevant", "2"), ("Clear", "2"), ("Comment", "Third thoughts")));
        (await ViewAsync(coordinator)).ShouldBe(third, "a second change in the same quarter keeps the answer the closed quarter counts");
        await using (var connection = SchemaSnapshot.Open(engine, factory.Database.Connection))
        {
            var comments = await SchemaSnapshot.ReadAsync(connection, "SELECT \"CommentSealed\", \"EarlierCommentSealed\" FROM training_reactions WHERE \"EarlierCommentSealed\" IS NOT NULL");
            comments.ShouldHaveSingleItem().ShouldAllBe(c => !c.Contains("thoughts"), "the kept comment is sealed too");
        }
        await FinishModuleAsync(learner, Course + "/02-responding");
        Location(await PostAsync(learner, Course + "/self-assessment/after", ("r.sa1", "5"), ("r.sa2", "5")));
        (await ViewAsync(coordinator)).ShouldBe(third);

        // Once the fourth quarter is over, the reaction counts as changed, and the self-assessment is paired; but one learner's
        // change is fewer than the minimum, so the figures stay as released, and small groups stay hidden.
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var fourth = await ViewAsync(coordinator);
        (await CountedAsync(factory, org.Id, org[Roles.PeerSupporter].PersonId)).ShouldBe((2, 5.0), "the last change counts once its quarter is over");
        ValueIn(fourth, "Listening first", "reaction_responses").ShouldBe("6");
        ValueIn(fourth, "Listening first", "useful_mean").ShouldBe("4.1667");
        ValueIn(fourth, "Listening first", "reactions_as_of").ShouldBe("2026-09-30");
        ValueIn(fourth, "All learners", "reflecting_people").ShouldBe("5");
        ValueIn(fourth, "All learners", "reflecting_after").ShouldBe("4");
        ValueIn(fourth, "Responding well", "started").ShouldBe("fewer than 5 people");
        ValueIn(fourth, "Started 2026 Q3", "learners").ShouldBe("fewer than 5 people");
        ValueIn(fourth, "Spring 2026", "completion_rate").ShouldBe("0", "nobody in Spring did the second module");
        fourth.Comments.ShouldNotContain("thoughts", customMessage: "the sixth comment waits for a whole group");

        // Rating their skills again in the next quarter leaves the fourth quarter's figures as they were, until that quarter is over too.
        learner = await factory.SignInAsync(org[Roles.PeerSupporter]);
        Location(await PostAsync(learner, Course + "/self-assessment/after", ("r.sa1", "3"), ("r.sa2", "3")));
        (await ViewAsync(coordinator)).ShouldBe(fourth, "the replaced self-assessment counts as it stood when the quarter ended");
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero));
        var first = await ViewAsync(coordinator);
        (await CountedAsync(factory, org.Id, org[Roles.PeerSupporter].PersonId)).ShouldBe((2, 3.0));
        ValueIn(first, "All learners", "reflecting_people").ShouldBe("5", "still one learner's change");
        ValueIn(first, "All learners", "reflecting_after").ShouldBe("4");
    }

    /// <summary>A learner's reaction (useful) and after self-assessment (a skill's mean) as the evaluation counts them, at the end of the last completed quarter.</summary>
    private static Task<(int Useful, double After)> CountedAsync(UpstanderFactory factory, Guid organisationId, Guid personId) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var course = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!.Course;
        var input = await services.GetRequiredService<TrainingEvaluationData>().InputAsync(course, CancellationToken.None);
        return (input.Reactions.Single(r => r.PersonId == personId).Useful, input.Learners.Single(l => l.PersonId == personId).SkillsAfter!.Values.First());
    });

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_module_completed_after_a_quarter_closed_changes_nothing_until_its_own_quarter_is_over(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Progress Evaluation Org");
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        var before = await ViewAsync(coordinator);
        ValueIn(before, "Listening first", "completion_rate").ShouldBe("0.6667");

        // Learner 5, who had read the first lesson, does the rest of the module in the quarter in progress, which finishes the course.
        await CompleteFirstModuleAsync(factory, org.Id, "learner5@evaluation.example");
        (await ViewAsync(coordinator)).ShouldBe(before, "progress made after the quarter ended counts from the quarter it was made in");

        // Once its quarter is over it still changes nothing: one learner's progress is fewer than the minimum.
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var after = await ViewAsync(coordinator);
        ValueIn(after, "Listening first", "completion_rate").ShouldBe("0.6667");
        ValueIn(after, "Listening first", "progress_as_of").ShouldBe("2026-09-30");
        ValueIn(after, "All learners", "completion_rate").ShouldBe("0.8");
        ValueIn(after, "Spring 2026", "completion_rate").ShouldBe("0.8");
        ValueIn(after, "Spring 2026", "learners_as_of").ShouldBe("2026-09-30");
        ValueIn(after, "Started 2026 Q3", "learners").ShouldBe("fewer than 5 people");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_learner_enrolled_in_a_cohort_after_a_quarter_closed_moves_only_once_the_quarter_of_enrolment_is_over(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Late Cohort Org");
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        var before = await ViewAsync(coordinator);

        // Learner 6 took the course without a cohort; the coordinator now enrols them with Spring 2026.
        var learner6 = await factory.InScopeAsync(org.Id, services =>
            services.GetRequiredService<AppDbContext>().People.Where(p => p.WorkEmail == "learner6@evaluation.example").Select(p => p.Id).SingleAsync());
        Location(await PostAsync(coordinator, "/coordinate/training/enrol", ("PersonIds", learner6.ToString("D")), ("Course", "sample-course"), ("Cohort", "Spring 2026")))
            .ShouldBe("/coordinate/training?done=enrolled");
        (await ViewAsync(coordinator)).ShouldBe(before, "moving one learner between cohorts would show their figures in the change");

        // Once the quarter of enrolment is over, the move is one learner's change, fewer than the minimum: Spring stays as it was.
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var after = await ViewAsync(coordinator);
        ValueIn(after, "Spring 2026", "learners").ShouldBe("5");
        ValueIn(after, "Spring 2026", "learners_as_of").ShouldBe("2026-09-30");
        ValueIn(after, "All learners", "learners").ShouldBe("5");
        after.Csv.ShouldNotContain("Started 2026 Q3", customMessage: "the learner was never released there, and no longer belongs there");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_reaction_from_fewer_than_the_minimum_leaves_the_module_row_as_it_stood_until_enough_learners_have_changed(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Held Reactions Org");
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        var before = await ViewAsync(coordinator);
        (ValueIn(before, "Listening first", "reaction_responses"), ValueIn(before, "Listening first", "useful_mean")).ShouldBe(("5", "4"));

        // The module has five responses; one more learner answers in the fourth quarter (useful 1). Once it is over, the
        // row stays where it stood and says which quarter that is: comparing before and after would give their ratings.
        await FinishAsync(factory, org.Id, 7, factory.Clock.GetUtcNow(), "A remark");
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var held = await ViewAsync(coordinator);
        (ValueIn(held, "Listening first", "reaction_responses"), ValueIn(held, "Listening first", "useful_mean")).ShouldBe(("5", "4"));
        ValueIn(held, "Listening first", "reactions_as_of").ShouldBe("2026-09-30");
        ValueIn(held, "Listening first", "progress_as_of").ShouldBe("2026-09-30");
        ValueIn(held, "Listening first", "first_attempt_score").ShouldBe(ValueIn(before, "Listening first", "first_attempt_score"));
        held.Page.ShouldContain("As of 2026 Q3: fewer than 5 learners have changed since.");

        // Four more answer in the next quarter: once it is over, five learners have changed, and the row takes in all of them.
        for (var n = 8; n <= 11; n++)
        {
            await FinishAsync(factory, org.Id, n, factory.Clock.GetUtcNow(), $"Remark {n}");
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero));
        var moved = await ViewAsync(coordinator);
        (ValueIn(moved, "Listening first", "reaction_responses"), ValueIn(moved, "Listening first", "useful_mean")).ShouldBe(("10", "2.5"));
        ValueIn(moved, "Listening first", "started").ShouldBe("11");
        moved.Csv.ShouldNotContain("_as_of");
        moved.Page.ShouldNotContain("learners have changed since");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task One_learner_changing_a_rating_after_its_quarter_moves_nothing(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Changed Rating Org");
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        var before = await ViewAsync(coordinator);

        // Learner 5 (who has not finished the course) changes their reaction from 4, 2, 3 to 1, 1, 1: the count stays five.
        await factory.InScopeAsync(org.Id, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var personId = await db.People.Where(p => p.WorkEmail == "learner5@evaluation.example").Select(p => p.Id).SingleAsync();
            var progress = await db.Set<CourseProgress>().SingleAsync(p => p.PersonId == personId);
            var reaction = await db.Set<ModuleReaction>().SingleAsync(r => r.CourseProgressId == progress.Id);
            reaction.Answer(1, 1, 1, null, factory.Clock.GetUtcNow(), services.GetRequiredService<CompletedPeriods>().InProgressSince(PeriodKind.Quarter));
            await db.SaveChangesAsync();
        });
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var after = await ViewAsync(coordinator);
        foreach (var (figure, value) in new[] { ("reaction_responses", "5"), ("useful_mean", "4"), ("relevant_mean", "4"), ("clear_mean", "3") })
        {
            ValueIn(after, "Listening first", figure).ShouldBe(value, figure);
        }
        ValueIn(after, "Listening first", "reactions_as_of").ShouldBe("2026-09-30");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_figure_moves_only_when_at_least_the_minimum_of_learners_change_what_it_counts(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Figure Release Org");
        string[] module = ["started", "first_attempt_pass_rate", "first_attempt_score", "reaction_responses", "useful_mean", "relevant_mean"];
        string[] cohort = ["learners", "completion_rate", "reflecting_before", "checkingSafety_before", "checkingSafety_after"];
        List<string> Figures(View view) =>
            [.. module.Select(f => $"{f} {ValueIn(view, "Listening first", f)}"), .. cohort.Select(f => $"{f} {ValueIn(view, "Autumn 2026", f)}")];

        // In the third quarter, ten learners of Autumn 2026 each finish the module, get half the check right on their
        // first attempt, react 4, 4, 4 and rate both skills 2 before and 4 after.
        await CoordinatorOnAsync(factory, org, new DateTimeOffset(2026, 8, 10, 9, 0, 0, TimeSpan.Zero));
        for (var n = 1; n <= 10; n++)
        {
            await CohortLearnerAsync(factory, org.Id, n, score: 0.5, rating: 4, before: 2, after: 4);
        }
        var coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.Zero));
        var before = await ViewAsync(coordinator);
        Figures(before).ShouldBe(["started 10", "first_attempt_pass_rate 0", "first_attempt_score 0.5", "reaction_responses 10", "useful_mean 4", "relevant_mean 4",
            "learners 10", "completion_rate 1", "reflecting_before 2", "checkingSafety_before 2", "checkingSafety_after 4"]);

        // In the fourth quarter four of them retake the check and pass, and change only how clear they found the module
        // and their after-rating of reflecting; a new learner T takes the check for the first time (none right), reacts
        // 1, 1, 1 and rates 1 before and 5 after. Five learners changed the check, the reactions and the growth, but only
        // T changed the first attempts, "useful", "relevant" or the ratings before: taking those in would give T's score
        // (11 × 0.4545 − 10 × 0.5 = 0), "useful" (11 × 3.7273 − 10 × 4 = 1) and skills before in the change.
        for (var n = 1; n <= 4; n++)
        {
            await RetakeAndChangeAsync(factory, org.Id, $"learner{n}@evaluation.example");
        }
        await CohortLearnerAsync(factory, org.Id, 11, score: 0, rating: 1, before: 1, after: 5);
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var held = await ViewAsync(coordinator);
        Figures(held).ShouldBe(Figures(before), "one learner's first attempt, reaction or self-assessment moves no figure");
        ValueIn(held, "Listening first", "best_score").ShouldBe("0.5", "the retakes wait with T's first attempt: the best score less the gain is the first score");
        (ValueIn(held, "Listening first", "progress_as_of"), ValueIn(held, "Listening first", "reactions_as_of")).ShouldBe(("2026-09-30", "2026-09-30"));
        (ValueIn(held, "Autumn 2026", "learners_as_of"), ValueIn(held, "Autumn 2026", "growth_as_of")).ShouldBe(("2026-09-30", "2026-09-30"));

        // Four more new learners in the first quarter of 2027 (all right first time, reacting 2, rating 3 and 3): now five
        // learners changed every figure that moves, and the parts take in all nine learners' changes at once.
        for (var n = 12; n <= 15; n++)
        {
            await CohortLearnerAsync(factory, org.Id, n, score: 1, rating: 2, before: 3, after: 3);
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero));
        var moved = await ViewAsync(coordinator);
        Figures(moved).ShouldBe(["started 15", "first_attempt_pass_rate 0.2667", "first_attempt_score 0.6", "reaction_responses 15", "useful_mean 3.2667", "relevant_mean 3.2667",
            "learners 15", "completion_rate 1", "reflecting_before 2.2", "checkingSafety_before 2.2", "checkingSafety_after 3.8"]);
        (ValueIn(moved, "Listening first", "best_score"), ValueIn(moved, "Listening first", "mean_attempts_to_pass")).ShouldBe(("0.7333", "1.5"));
        moved.Csv.ShouldNotContain("_as_of");
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_cohort_with_fewer_changes_than_the_minimum_stays_and_the_total_moves_by_exactly_the_cohorts_released(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Cohort Release Org");
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        var before = await ViewAsync(coordinator);
        (ValueIn(before, "All learners", "learners"), ValueIn(before, "All learners", "completion_rate")).ShouldBe(("5", "0.8"));

        // In the fourth quarter learner 5 of Spring 2026 completes the course (one change in that cohort), and five new
        // learners without a cohort finish it (Started 2026 Q4), passing the check and rating their skills from 1 to 5.
        await CompleteFirstModuleAsync(factory, org.Id, "learner5@evaluation.example");
        for (var n = 7; n <= 11; n++)
        {
            await FinishAsync(factory, org.Id, n, factory.Clock.GetUtcNow(), $"Remark {n}");
        }
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var after = await ViewAsync(coordinator);
        (ValueIn(after, "Spring 2026", "learners"), ValueIn(after, "Spring 2026", "completion_rate")).ShouldBe(("5", "0.8"), "one learner's change is held back");
        ValueIn(after, "Spring 2026", "learners_as_of").ShouldBe("2026-09-30");
        (ValueIn(after, "Started 2026 Q4", "learners"), ValueIn(after, "Started 2026 Q4", "completion_rate"), ValueIn(after, "Started 2026 Q4", "pass_rate"))
            .ShouldBe(("5", "1", "1"));
        // The total is Spring as released plus the new cohort: (4 + 5) / 10, and growth (5 × 2 + 5 × 4) / 10; learner 5's completion is in neither.
        (ValueIn(after, "All learners", "learners"), ValueIn(after, "All learners", "completion_rate"), ValueIn(after, "All learners", "pass_rate"))
            .ShouldBe(("10", "0.9", "0.9"));
        (ValueIn(after, "All learners", "reflecting_people"), ValueIn(after, "All learners", "reflecting_change")).ShouldBe(("10", "3"));
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task An_organisation_upgraded_from_before_releases_releases_everything_once_so_nothing_shown_moves(Engine engine)
    {
        using var content = new TrainingContentFixture();
        await using var factory = new UpstanderFactory(engine, new Dictionary<string, string?> { ["Training:ContentPath"] = content.Root });
        var org = await factory.CreateOrganisationAsync("Upgraded Evaluation Org");
        var coordinator = await SeededInQuarterFourAsync(factory, org);
        // As migration 0027 marks an organisation that has learners: its figures were shown over everything as it stood.
        await factory.InScopeAsync(org.Id, services =>
            services.GetRequiredService<AppDbContext>().Database.ExecuteSqlAsync($"INSERT INTO training_evaluation_baselines (\"OrganisationId\") VALUES ({org.Id})"));

        var first = await ViewAsync(coordinator);
        ValueIn(first, "All learners", "learners").ShouldBe("6", "the learner without a cohort was counted before the upgrade, and still is");
        ValueIn(first, "Spring 2026", "completion_rate").ShouldBe("fewer than 5 people", "otherwise the total minus Spring gives the one other learner's figure");
        (await factory.InScopeAsync(org.Id, services => services.GetRequiredService<AppDbContext>().Set<EvaluationBaseline>().CountAsync())).ShouldBe(0);

        // From then on, the rule holds: one learner's change in the quarter in progress waits for others once it is over.
        await FinishAsync(factory, org.Id, 7, factory.Clock.GetUtcNow(), "A remark");
        coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var after = await ViewAsync(coordinator);
        ValueIn(after, "All learners", "learners").ShouldBe("6");
        ValueIn(after, "Listening first", "reaction_responses").ShouldBe("5");
    }

    private const string SecondModuleComments = Page + "/sample-course/02-responding/comments";

    /// <summary>Marks the organisations that have comments as migration 0032 does on the upgrade (<see cref="CommentBaseline"/>).</summary>
    private static async Task MarkUpgradedAsync(Engine engine, UpstanderFactory factory)
    {
        await using var connection = SchemaSnapshot.Open(engine, factory.Database.Connection);
        var sql = MigrationRunner.Load(factory.Database.Provider).Single(m => m.Version == 32).Sql;
        await SchemaSnapshot.ExecuteAsync(connection, sql[sql.IndexOf("INSERT", StringComparison.Ordinal)..]);
    }

    private static Task<int> BaselinesAsync(UpstanderFactory factory, Guid organisationId) =>
        factory.InScopeAsync(organisationId, services => services.GetRequiredService<AppDbContext>().Set<CommentBaseline>().CountAsync());

    /// <summary>A learner reacts to the second module now, with a comment.</summary>
    private static Task ReactToSecondModuleAsync(UpstanderFactory factory, Guid organisationId, string email, string comment) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var module = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!.Course.Modules[1];
        var personId = await db.People.Where(p => p.WorkEmail == email).Select(p => p.Id).SingleAsync();
        var progress = await db.Set<CourseProgress>().SingleAsync(p => p.PersonId == personId);
        var reaction = ModuleReaction.Begin(progress, module);
        var now = factory.Clock.GetUtcNow();
        reaction.Answer(4, 4, 4, services.GetRequiredService<FieldProtector>().Seal(comment, ModuleReaction.CommentPurpose, reaction.Id), now, now);
        db.Set<ModuleReaction>().Add(reaction);
        await db.SaveChangesAsync();
    });

    /// <summary>One figure of the view's CSV: the value on the line for the sample course's row and figure.</summary>
    private static string ValueIn(View view, string row, string figure) =>
        view.Csv.Split("\r\n").Single(l => l.StartsWith("Sample supporter course,", StringComparison.Ordinal) && l.Contains($",{row},{figure},", StringComparison.Ordinal)).Split(',')[^1];

    /// <summary>On 16 November 2026 (the fourth quarter), the known dataset (all of it from earlier quarters), and the coordinator signed in.</summary>
    private static async Task<HttpClient> SeededInQuarterFourAsync(UpstanderFactory factory, TestOrganisation org)
    {
        var coordinator = await CoordinatorOnAsync(factory, org, new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.Zero));
        await SeedAsync(factory, org.Id);
        return coordinator;
    }

    /// <summary>Moves the clock to <paramref name="at"/> and signs the coordinator in afresh (a session from before would be months old).</summary>
    private static async Task<HttpClient> CoordinatorOnAsync(UpstanderFactory factory, TestOrganisation org, DateTimeOffset at)
    {
        factory.Clock.Advance(at - factory.Clock.GetUtcNow());
        return await factory.SignInAsync(org[Roles.Coordinator]);
    }

    private sealed record View(string Page, string Csv, string Comments);

    /// <summary>The evaluation page (its main content, without the per-request token and nonce), its CSV and the first module's comments page.</summary>
    private static async Task<View> ViewAsync(HttpClient client)
    {
        static string Main(string html)
        {
            var main = WebUtility.HtmlDecode(html[html.IndexOf("<main", StringComparison.Ordinal)..(html.IndexOf("</main>", StringComparison.Ordinal) + 7)]);
            return Regex.Replace(Regex.Replace(main, "name=\"__RequestVerificationToken\"[^>]*", ""), "nonce=\"[^\"]*\"", "");
        }
        var comments = await client.GetAsync(Comments);
        return new View(Main(await client.GetStringAsync(Page)), await client.GetStringAsync(Page + "?handler=Csv"),
            comments.StatusCode == HttpStatusCode.OK ? Main(await comments.Content.ReadAsStringAsync()) : comments.StatusCode.ToString());
    }

    /// <summary>A new learner, started <paramref name="at"/>, who does every step of the first module, passes its check first time, reacts with a comment and rates their skills before and after.</summary>
    private static async Task FinishAsync(UpstanderFactory factory, Guid organisationId, int n, DateTimeOffset at, string comment)
    {
        await factory.InScopeAsync(organisationId, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var published = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!;
            var person = new Person(organisationId, new PersonDetails($"Learner {n}", $"learner{n}@evaluation.example", $"EV{n}", null, null, null, null, "en", null, null), at);
            db.People.Add(person);
            var progress = CourseProgress.Start(organisationId, person.Id, published.Course.Slug, published.VersionId, at);
            db.Set<CourseProgress>().Add(progress);
            foreach (var step in published.Course.Modules[0].Steps)
            {
                progress.Complete(step, published.Course, at);
            }
            await db.SaveChangesAsync();
        });
        await AnswerAsync(factory, organisationId, $"learner{n}@evaluation.example", at, comment);
    }

    /// <summary>A seeded learner does every step of the first module now, which finishes the course.</summary>
    private static Task CompleteFirstModuleAsync(UpstanderFactory factory, Guid organisationId, string email) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var course = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!.Course;
        var personId = await db.People.Where(p => p.WorkEmail == email).Select(p => p.Id).SingleAsync();
        var progress = await db.Set<CourseProgress>().SingleAsync(p => p.PersonId == personId);
        foreach (var step in course.Modules[0].Steps)
        {
            progress.Complete(step, course, factory.Clock.GetUtcNow());
        }
        progress.CompletedAt.ShouldNotBeNull();
        await db.SaveChangesAsync();
    });

    /// <summary>A learner's answers, given <paramref name="at"/>: a passing check attempt, a reaction to the first module with a comment, and self-assessments before and after.</summary>
    private static Task AnswerAsync(UpstanderFactory factory, Guid organisationId, string email, DateTimeOffset at, string comment) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var published = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!;
        var module = published.Course.Modules[0];
        var personId = await db.People.Where(p => p.WorkEmail == email).Select(p => p.Id).SingleAsync();
        var progress = await db.Set<CourseProgress>().SingleAsync(p => p.PersonId == personId);
        var attempt = CheckAttempt.Begin(progress, module, at);
        attempt.Submit(module.Check!, CheckAnswers(1), at);
        db.Set<CheckAttempt>().Add(attempt);
        var reaction = ModuleReaction.Begin(progress, module);
        reaction.Answer(1, 1, 1, services.GetRequiredService<FieldProtector>().Seal(comment, ModuleReaction.CommentPurpose, reaction.Id), at, at);
        db.Set<ModuleReaction>().Add(reaction);
        foreach (var (phase, rating) in new[] { (SelfAssessmentPhase.Before, 1), (SelfAssessmentPhase.After, 5) })
        {
            var response = SelfAssessmentResponse.Begin(progress, phase);
            response.Answer(new Dictionary<string, int> { ["sa1"] = rating, ["sa2"] = rating }, at, at);
            db.Set<SelfAssessmentResponse>().Add(response);
        }
        await db.SaveChangesAsync();
    });

    /// <summary>Check answers with the given share right: the first question from half, the second too at 1.</summary>
    private static Dictionary<string, IReadOnlySet<string>> CheckAnswers(double score) => new()
    {
        ["q1"] = new HashSet<string> { score > 0 ? "a" : "b" },
        ["q2"] = score >= 1 ? new HashSet<string> { "a", "c" } : new HashSet<string> { "b" },
    };

    /// <summary>
    /// A new learner enrolled with "Autumn 2026" who starts now, does every step of the first module, submits its check once
    /// with <paramref name="score"/> of it right, reacts <paramref name="rating"/> for all three (no comment) and rates both
    /// skills <paramref name="before"/> and <paramref name="after"/>.
    /// </summary>
    private static Task CohortLearnerAsync(UpstanderFactory factory, Guid organisationId, int n, double score, int rating, int before, int after) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var published = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!;
        var module = published.Course.Modules[0];
        var at = factory.Clock.GetUtcNow();
        var person = new Person(organisationId, new PersonDetails($"Learner {n}", $"learner{n}@evaluation.example", $"EV{n}", null, null, null, null, "en", null, null), at);
        db.People.Add(person);
        db.Set<CourseEnrolment>().Add(CourseEnrolment.Enrol(organisationId, person.Id, published.Course.Slug, null, at, "Autumn 2026"));
        var progress = CourseProgress.Start(organisationId, person.Id, published.Course.Slug, published.VersionId, at);
        db.Set<CourseProgress>().Add(progress);
        foreach (var step in module.Steps)
        {
            progress.Complete(step, published.Course, at);
        }
        var attempt = CheckAttempt.Begin(progress, module, at);
        attempt.Submit(module.Check!, CheckAnswers(score), at);
        db.Set<CheckAttempt>().Add(attempt);
        var reaction = ModuleReaction.Begin(progress, module);
        reaction.Answer(rating, rating, rating, null, at, at);
        db.Set<ModuleReaction>().Add(reaction);
        foreach (var (phase, value) in new[] { (SelfAssessmentPhase.Before, before), (SelfAssessmentPhase.After, after) })
        {
            var response = SelfAssessmentResponse.Begin(progress, phase);
            response.Answer(new Dictionary<string, int> { ["sa1"] = value, ["sa2"] = value }, at, at);
            db.Set<SelfAssessmentResponse>().Add(response);
        }
        await db.SaveChangesAsync();
    });

    /// <summary>A learner retakes the check now and passes, changes only how clear they found the module (to 1), and only their after-rating of reflecting (to 5).</summary>
    private static Task RetakeAndChangeAsync(UpstanderFactory factory, Guid organisationId, string email) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var module = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!.Course.Modules[0];
        var (now, quarterStarted) = (factory.Clock.GetUtcNow(), services.GetRequiredService<CompletedPeriods>().InProgressSince(PeriodKind.Quarter));
        var personId = await db.People.Where(p => p.WorkEmail == email).Select(p => p.Id).SingleAsync();
        var progress = await db.Set<CourseProgress>().SingleAsync(p => p.PersonId == personId);
        var attempt = CheckAttempt.Begin(progress, module, now);
        attempt.Submit(module.Check!, CheckAnswers(1), now);
        db.Set<CheckAttempt>().Add(attempt);
        var reaction = await db.Set<ModuleReaction>().SingleAsync(r => r.CourseProgressId == progress.Id);
        reaction.Answer(reaction.Useful, reaction.Relevant, 1, reaction.CommentSealed, now, quarterStarted);
        var after = await db.Set<SelfAssessmentResponse>().SingleAsync(r => r.CourseProgressId == progress.Id && r.Phase == SelfAssessmentPhase.After);
        after.Answer(new Dictionary<string, int>(after.Answers) { ["sa1"] = 5 }, now, quarterStarted);
        await db.SaveChangesAsync();
    });

    /// <summary>The comments a comments page shows, in its order; none when it is not shown.</summary>
    private static List<string> Shown(string comments) => [.. Regex.Matches(comments, "<p class=\"confidential\">(.*?)</p>").Select(m => m.Groups[1].Value)];

    /// <summary>The comments a comments page shows now, in its order (<see cref="Shown"/>).</summary>
    private static async Task<List<string>> ShownAsync(HttpClient client, string page = Comments) => Shown(WebUtility.HtmlDecode(await client.GetStringAsync(page)));

    /// <summary>A seeded learner changes their reaction now to 1, 1, 1 with a new comment, or keeps their comment as it was sealed (null).</summary>
    private static Task ChangeReactionAsync(UpstanderFactory factory, Guid organisationId, string email, string? comment) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var personId = await db.People.Where(p => p.WorkEmail == email).Select(p => p.Id).SingleAsync();
        var progress = await db.Set<CourseProgress>().SingleAsync(p => p.PersonId == personId);
        var reaction = await db.Set<ModuleReaction>().SingleAsync(r => r.CourseProgressId == progress.Id);
        var sealedComment = comment is null ? reaction.CommentSealed : services.GetRequiredService<FieldProtector>().Seal(comment, ModuleReaction.CommentPurpose, reaction.Id);
        reaction.Answer(1, 1, 1, sealedComment, factory.Clock.GetUtcNow(), services.GetRequiredService<CompletedPeriods>().InProgressSince(PeriodKind.Quarter));
        await db.SaveChangesAsync();
    });

    /// <summary>Sets the organisation's minimum for comments, keeping its minimum group size.</summary>
    private static Task CommentMinimumAsync(UpstanderFactory factory, Guid organisationId, int comments) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var organisation = await db.Organisations.SingleAsync(o => o.Id == organisationId);
        organisation.SetMinimumGroupSizes(organisation.MinimumGroupSize, comments);
        await db.SaveChangesAsync();
    });

    private static Task<int> ReadsAsync(UpstanderFactory factory, Guid organisationId) => factory.InScopeAsync(organisationId, services =>
        services.GetRequiredService<AppDbContext>().AuditEvents.CountAsync(e => e.Action == AuditActions.ProtectedRead && e.TargetType == "training-reaction-comments"));

    /// <summary>
    /// Six learners of the sample course. 1-5 are in cohort "Spring 2026"; 6 has no cohort and started in
    /// 2026 Q3. 1-4 complete it; 5 and 6 read the first lesson only. Check attempts (score): 1: 1; 2: 0.5, 1;
    /// 3: 0, 0.5, 1; 4: 1; 5: 0.5; 6: none. Reactions, each with a comment, from 1-5; self-assessments (before 2/3, after 4/3) from 1-5.
    /// </summary>
    private static Task SeedAsync(UpstanderFactory factory, Guid organisationId) => factory.InScopeAsync(organisationId, async services =>
    {
        var db = services.GetRequiredService<AppDbContext>();
        var protector = services.GetRequiredService<FieldProtector>();
        var published = (await services.GetRequiredService<TrainingLibrary>().CurrentAsync(db, "sample-course", CancellationToken.None))!;
        var course = published.Course;
        var module = course.Modules[0];
        var check = module.Check!;
        var t0 = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);
        double[][] attempts = [[1], [0.5, 1], [0, 0.5, 1], [1], [0.5], []];
        int[][] reactions = [[5, 5, 3], [4, 5, 3], [4, 4, 3], [3, 4, 3], [4, 2, 3]];
        for (var n = 1; n <= 6; n++)
        {
            var person = new Person(organisationId, new PersonDetails($"Learner {n}", $"learner{n}@evaluation.example", $"EV{n}", null, null, null, null, "en", null, null), t0);
            db.People.Add(person);
            if (n <= 5)
            {
                db.Set<CourseEnrolment>().Add(CourseEnrolment.Enrol(organisationId, person.Id, course.Slug, null, t0, "Spring 2026"));
            }
            var progress = CourseProgress.Start(organisationId, person.Id, course.Slug, published.VersionId, n == 6 ? new DateTimeOffset(2026, 8, 15, 9, 0, 0, TimeSpan.Zero) : t0);
            db.Set<CourseProgress>().Add(progress);
            foreach (var step in n <= 4 ? module.Steps : [module.Steps[0]])
            {
                progress.Complete(step, course, t0);
            }
            for (var a = 0; a < attempts[n - 1].Length; a++)
            {
                var attempt = CheckAttempt.Begin(progress, module, t0.AddMinutes(a));
                attempt.Submit(check, CheckAnswers(attempts[n - 1][a]), t0.AddMinutes(a));
                db.Set<CheckAttempt>().Add(attempt);
            }
            if (n <= 5)
            {
                var reaction = ModuleReaction.Begin(progress, module);
                reaction.Answer(reactions[n - 1][0], reactions[n - 1][1], reactions[n - 1][2],
                    protector.Seal(n == 1 ? Comment : $"Seeded comment {n}", ModuleReaction.CommentPurpose, reaction.Id), t0, t0);
                db.Set<ModuleReaction>().Add(reaction);
                foreach (var (phase, first) in new[] { (SelfAssessmentPhase.Before, 2), (SelfAssessmentPhase.After, 4) })
                {
                    var response = SelfAssessmentResponse.Begin(progress, phase);
                    response.Answer(new Dictionary<string, int> { ["sa1"] = first, ["sa2"] = 3 }, t0, t0);
                    db.Set<SelfAssessmentResponse>().Add(response);
                }
            }
        }
        await db.SaveChangesAsync();
    });
}
