using System.Text.Json.Nodes;
using Upstander.Features.Training;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.Training;

public sealed class CourseLoaderTests : IDisposable
{
    private readonly TrainingContentFixture _content = new();

    public void Dispose() => _content.Dispose();

    [Fact]
    public void The_sample_courses_load_with_every_part()
    {
        var courses = CourseLoader.LoadAll(_content.Root);
        courses.Select(c => c.Slug).ShouldBe(["open-course", "sample-course"]);
        var course = courses.Single(c => c.Slug == "sample-course");
        course.Audience.ShouldBe(CourseAudience.Candidates);
        course.Core.ShouldBeTrue();
        var module = course.Modules.ShouldHaveSingleItem();
        module.Lessons.Select(l => l.Title).ShouldBe(["Why listening matters", "How to listen"]);
        module.Lessons[0].Markdown.ShouldStartWith("When a colleague");
        module.Check!.Questions.Count.ShouldBe(2);
        module.Scenarios.ShouldHaveSingleItem().Nodes.Count.ShouldBe(4);
        course.SelfAssessment!.Items.Count.ShouldBe(2);
        module.Steps.ShouldBe(["01-listening/lessons/1", "01-listening/lessons/2", "01-listening/check", "01-listening/scenarios/quiet-word"]);
    }

    private string Failure()
    {
        var error = Should.Throw<TrainingContentException>(() => CourseLoader.LoadAll(_content.Root));
        return error.Message;
    }

    [Fact]
    public void A_single_answer_question_with_two_correct_options_is_named_with_its_file()
    {
        _content.EditJson(_content.ModuleFile("check.json"), n => n["questions"]![0]!["options"]![1]!["correct"] = true);
        Failure().ShouldContain("sample-course/01-listening/check.json: question \"q1\": a single-answer question needs exactly one correct option, not 2.");
    }

    [Fact]
    public void An_option_without_feedback_and_a_duplicate_question_id_are_both_reported()
    {
        _content.EditJson(_content.ModuleFile("check.json"), n =>
        {
            n["questions"]![1]!["id"] = "q1";
            n["questions"]![0]!["options"]![0]!["feedback"] = " ";
        });
        var message = Failure();
        message.ShouldContain("check.json: question id \"q1\" is used more than once.");
        message.ShouldContain("option \"a\": feedback must not be empty.");
    }

    [Fact]
    public void A_response_leading_to_a_missing_node_is_refused()
    {
        _content.EditJson(_content.ModuleFile("scenario-quiet-word.json"), n => n["nodes"]!["open"]!["responses"]![1]!["next"] = "nowhere");
        var message = Failure();
        message.ShouldContain("scenario-quiet-word.json: node \"open\" response \"r2\": next node \"nowhere\" does not exist.");
    }

    [Fact]
    public void A_node_that_cannot_be_reached_is_refused()
    {
        _content.EditJson(_content.ModuleFile("scenario-quiet-word.json"), n => n["nodes"]!["orphan"] = JsonNode.Parse("""{"says":"Hello?","end":true,"outcome":"Nobody came."}"""));
        Failure().ShouldContain("scenario-quiet-word.json: node \"orphan\" cannot be reached from \"open\".");
    }

    [Fact]
    public void A_conversation_that_loops_is_refused()
    {
        _content.EditJson(_content.ModuleFile("scenario-quiet-word.json"), n => n["nodes"]!["story"]!["responses"]![1]!["next"] = "open");
        Failure().ShouldContain("scenario-quiet-word.json: the conversation loops back from \"story\" to \"open\"");
    }

    [Fact]
    public void A_missing_start_node_is_refused()
    {
        _content.EditJson(_content.ModuleFile("scenario-quiet-word.json"), n => n["start"] = "hello");
        Failure().ShouldContain("scenario-quiet-word.json: start node \"hello\" does not exist.");
    }

    [Fact]
    public void Scores_must_name_the_six_skills_and_stay_within_two()
    {
        _content.EditJson(_content.ModuleFile("scenario-quiet-word.json"), n =>
        {
            n["nodes"]!["open"]!["responses"]![0]!["scores"] = JsonNode.Parse("""{"charm": 1, "reflecting": 3}""");
        });
        var message = Failure();
        message.ShouldContain("\"charm\" is not one of the six skills");
        message.ShouldContain("score 3 for reflecting must be from -2 to 2.");
    }

    [Fact]
    public void A_turn_with_one_response_and_an_end_without_outcome_are_refused()
    {
        _content.EditJson(_content.ModuleFile("scenario-quiet-word.json"), n =>
        {
            ((JsonArray)n["nodes"]!["story"]!["responses"]!).RemoveAt(1);
            ((JsonObject)n["nodes"]!["closed"]!).Remove("outcome");
        });
        var message = Failure();
        message.ShouldContain("node \"story\": a turn needs 2 to 4 responses");
        message.ShouldContain("node \"closed\": outcome must not be empty.");
    }

    [Fact]
    public void A_missing_lesson_file_and_a_lesson_without_a_title_are_named()
    {
        File.Delete(_content.ModuleFile("02-how-to-listen.md"));
        File.WriteAllText(_content.ModuleFile("01-why-listen.md"), "No heading here.\n");
        var message = Failure();
        message.ShouldContain("sample-course/01-listening/module.json: lesson file \"02-how-to-listen.md\" does not exist.");
        message.ShouldContain("sample-course/01-listening/01-why-listen.md: the first line must be the lesson title");
    }

    [Fact]
    public void A_core_module_without_a_check_and_a_file_outside_the_module_are_refused()
    {
        _content.EditJson(_content.ModuleFile("module.json"), n =>
        {
            ((JsonObject)n).Remove("check");
            n["scenarios"] = new JsonArray("../../open-course/course.json");
        });
        var message = Failure();
        message.ShouldContain("every module of a core course needs a knowledge check.");
        message.ShouldContain("scenario file \"../../open-course/course.json\" does not exist.");
    }

    [Fact]
    public void Malformed_json_and_unknown_fields_are_reported_with_the_file()
    {
        File.WriteAllText(Path.Combine(_content.SampleCourse, "course.json"), """{"slug": "sample-course", "version": 1, "titel": "typo"}""");
        Failure().ShouldContain("sample-course/course.json:");
    }

    [Fact]
    public async Task A_broken_course_stops_the_app_from_starting_with_a_message_naming_the_file()
    {
        _content.EditJson(_content.ModuleFile("check.json"), n => n["passMark"] = 1.5);
        await using var factory = new UpstanderFactory(settings: new Dictionary<string, string?> { ["Training:ContentPath"] = _content.Root });
        var error = Should.Throw<Exception>(() => factory.Server);
        var message = error is TrainingContentException ? error.Message : error.ToString();
        message.ShouldContain("sample-course/01-listening/check.json: passMark must be above 0 and at most 1.");
    }
}
