using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Upstander.BrowserTests.Site;

/// <summary>
/// Takes a learner through a course in the browser as a person would: reads each lesson and presses
/// Next, answers each knowledge check (choosing the right options, which the test knows from the
/// course files), talks each practice conversation through to its end, and answers whatever the
/// course asks at a module's end. Each kind of page is checked with axe the first time it is seen.
/// </summary>
public static partial class TrainingWalk
{
    /// <summary>A bound on pages visited, so a page that never lets the learner on fails the test instead of looping.</summary>
    private const int MaxPages = 600;

    /// <summary>The shipped course files in the repository (content/training/{course}).</summary>
    public static string CourseFolder(string course)
    {
        var folder = Path.GetFullPath(Path.Combine(UpstanderServer.UpstanderProjectDirectory(), "..", "..", "content", "training", course));
        Directory.Exists(folder).ShouldBeTrue($"the shipped course is not at {folder}");
        return folder;
    }

    /// <summary>For every question of every module: the ids of the options that are right.</summary>
    public static IReadOnlyDictionary<string, string[]> CorrectAnswers(string course)
    {
        var answers = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var check in Directory.EnumerateFiles(CourseFolder(course), "check.json", SearchOption.AllDirectories))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(check));
            foreach (var question in json.RootElement.GetProperty("questions").EnumerateArray())
            {
                answers[question.GetProperty("id").GetString()!] = question.GetProperty("options").EnumerateArray()
                    .Where(o => o.GetProperty("correct").GetBoolean())
                    .Select(o => o.GetProperty("id").GetString()!)
                    .ToArray();
            }
        }
        return answers;
    }

    /// <summary>
    /// From the course's overview page, to the end of the course: returns when the overview says the
    /// course is complete. <paramref name="onPage"/> may act on a page the walk does not know (returning
    /// true when it has moved the learner on).
    /// </summary>
    public static async Task<int> CompleteCourseAsync(this IPage page, string course, Func<IPage, Task<bool>>? onPage = null)
    {
        var reaction = page.GetByRole(AriaRole.Link, new() { Name = "How was this module?" });
        var answers = CorrectAnswers(course);
        var overview = $"/training/{course}";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await page.GotoAsync(overview);
        for (var visited = 0; visited < MaxPages; visited++)
        {
            var path = new Uri(page.Url).AbsolutePath;
            var kind = Kind(path, overview);
            if (seen.Add(kind))
            {
                await page.ShouldBeAccessibleAsync();
            }
            if (onPage is not null && await onPage(page))
            {
                continue;
            }
            if (kind is "lesson" or "check-result" or "scenario" && await reaction.CountAsync() > 0)
            {
                // The last step of a module: answer the short survey that closes it.
                await Navigate(page, () => reaction.ClickAsync());
                continue;
            }
            switch (kind)
            {
                case "self-assessment":
                    await RateEveryStatementAsync(page, path.EndsWith("/before", StringComparison.Ordinal) ? 2 : 4);
                    break;
                case "reaction":
                    await AnswerReactionAsync(page);
                    break;
                case "overview":
                    if (await page.GetByText("You have completed this course.").IsVisibleAsync())
                    {
                        return visited;
                    }
                    var start = page.GetByRole(AriaRole.Button, new() { Name = "Start the course" });
                    if (await start.IsVisibleAsync())
                    {
                        await Navigate(page, () => start.ClickAsync());
                    }
                    else
                    {
                        await Navigate(page, () => page.GetByRole(AriaRole.Link, new() { Name = "Resume where you left off" }).ClickAsync());
                    }
                    break;
                case "lesson":
                    await Expect(page.Locator("article.lesson h1")).ToBeVisibleAsync();
                    await NextOrOverview(page, page.GetByRole(AriaRole.Navigation, new() { Name = "Course steps" }).GetByRole(AriaRole.Link, new() { Name = "Next" }), overview);
                    break;
                case "check":
                    await AnswerCheckAsync(page, answers);
                    break;
                case "check-result":
                    await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Passed:");
                    await NextOrOverview(page, page.GetByRole(AriaRole.Link, new() { Name = "Continue" }), overview);
                    break;
                case "scenario":
                    await TakeScenarioTurnAsync(page, overview);
                    break;
                default:
                    throw new InvalidOperationException($"The walk does not know what to do on {page.Url}.");
            }
        }
        throw new InvalidOperationException($"The course was not complete after {MaxPages} pages; last page {page.Url}.");
    }

    private static string Kind(string path, string overview)
    {
        if (path == overview)
        {
            return "overview";
        }
        if (LessonPath().IsMatch(path))
        {
            return "lesson";
        }
        if (path.Contains("/self-assessment/", StringComparison.Ordinal))
        {
            return "self-assessment";
        }
        if (path.EndsWith("/reaction", StringComparison.Ordinal))
        {
            return "reaction";
        }
        if (path.EndsWith("/check", StringComparison.Ordinal))
        {
            return "check";
        }
        if (CheckResultPath().IsMatch(path))
        {
            return "check-result";
        }
        return path.Contains("/scenarios/", StringComparison.Ordinal) ? "scenario" : path;
    }

    /// <summary>The self-assessment: the same point of the scale for every statement (a low one before, a higher one after).</summary>
    public static async Task RateEveryStatementAsync(IPage page, int point)
    {
        var statements = page.Locator("form fieldset");
        var count = await statements.CountAsync();
        count.ShouldBeGreaterThan(0);
        for (var i = 0; i < count; i++)
        {
            await statements.Nth(i).Locator($"input[type=radio][value='{point}']").CheckAsync();
        }
        await Navigate(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Save my ratings" }).ClickAsync());
    }

    private static async Task AnswerReactionAsync(IPage page)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How was this module?", Level = 1 })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "How useful was this module?" }).GetByLabel("4 · Mostly").CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "How relevant was it to you?" }).GetByLabel("5 · Very").CheckAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = "How clear was it?" }).GetByLabel("4 · Mostly").CheckAsync();
        await page.GetByLabel("Anything else you would like to tell us? (optional)").FillAsync("The practice conversation helped.");
        await Navigate(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Send my answers" }).ClickAsync());
    }

    private static async Task AnswerCheckAsync(IPage page, IReadOnlyDictionary<string, string[]> answers)
    {
        var questions = (await page.Locator("form input[name^='q.']").EvaluateAllAsync<string[]>("inputs => [...new Set(inputs.map(i => i.name.slice(2)))]"));
        questions.ShouldNotBeEmpty();
        foreach (var question in questions)
        {
            answers.ContainsKey(question).ShouldBeTrue($"the course files have no question {question}");
            foreach (var option in answers[question])
            {
                await page.Locator($"#q-{question}-{option}").CheckAsync();
            }
        }
        await Navigate(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Check my answers" }).ClickAsync());
    }

    private static async Task TakeScenarioTurnAsync(IPage page, string overview)
    {
        var cont = page.GetByRole(AriaRole.Link, new() { Name = "Continue" });
        if (await page.GetByRole(AriaRole.Heading, new() { Name = "How the conversation ended" }).IsVisibleAsync())
        {
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your skill profile" })).ToBeVisibleAsync();
            await NextOrOverview(page, cont, overview);
            return;
        }
        if (await cont.IsVisibleAsync())
        {
            // The reason after a choice.
            await Navigate(page, () => cont.ClickAsync());
            return;
        }
        await page.GetByRole(AriaRole.Group, new() { Name = "What do you say?" }).GetByRole(AriaRole.Radio).First.CheckAsync();
        await Navigate(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Say this" }).ClickAsync());
    }

    private static async Task NextOrOverview(IPage page, ILocator next, string overview)
    {
        if (await next.CountAsync() > 0)
        {
            await Navigate(page, () => next.First.ClickAsync());
        }
        else
        {
            await page.GotoAsync(overview);
        }
    }

    /// <summary>Acts, and waits for the page the action leads to.</summary>
    /// <remarks>The old document is marked first; the next one (after a post and its redirect) carries no mark.</remarks>
    public static async Task Navigate(IPage page, Func<Task> action)
    {
        await page.EvaluateAsync("() => { window.upstanderWalk = true; }");
        await action();
        await page.WaitForFunctionAsync("() => window.upstanderWalk !== true && document.readyState !== 'loading'");
    }

    [GeneratedRegex("/lessons/\\d+$")]
    private static partial Regex LessonPath();

    [GeneratedRegex("/check/[0-9a-f-]{36}$")]
    private static partial Regex CheckResultPath();
}
