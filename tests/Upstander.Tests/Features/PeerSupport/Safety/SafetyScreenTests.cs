using System.Text.Json;
using Upstander.Features.PeerSupport.Safety;

namespace Upstander.Tests.Features.PeerSupport.Safety;

/// <summary>The screen questions' logic, the combined result, and that the text never leaves the screen.</summary>
public sealed class SafetyScreenTests
{
    private static SafetyScreen Screen => SafetyContent.Screen;

    private static Dictionary<string, ScreenAnswer> AllClear() => new()
    {
        ["safe-now"] = ScreenAnswer.Yes,
        ["self-harm"] = ScreenAnswer.No,
        ["harm-others"] = ScreenAnswer.No,
    };

    [Fact]
    public void The_shipped_questions_ask_about_safety_now_self_harm_and_harm_from_or_to_others()
    {
        var questions = Screen.Questions;
        questions.Questions.Select(q => q.Id).ShouldBe(["safe-now", "self-harm", "harm-others"]);
        questions.Questions[0].RiskAnswer.ShouldBe(ScreenAnswer.No);
        questions.Questions[1].Categories.ShouldBe([RiskCategory.SelfHarm]);
        questions.Questions[2].Categories.ShouldBe([RiskCategory.HarmFromOthers, RiskCategory.HarmToOthers]);
        questions.AnswerLabels[ScreenAnswer.RatherNotSay].ShouldBe("I'd rather not say");
        Screen.Languages.Select(l => l.Language).ShouldBe(["de", "en", "es", "fr", "pl", "pt"]);
    }

    [Fact]
    public void All_clear_answers_and_no_text_mean_no_risk_and_a_routine_request()
    {
        var result = Screen.Screen(AllClear(), null);
        result.Level.ShouldBe(RiskLevel.None);
        result.Categories.ShouldBeEmpty();
        result.ShowCrisisResources.ShouldBeFalse();
        result.AlertCoordinator.ShouldBeFalse();
        result.Priority.ShouldBe(QueuePriority.Routine);
    }

    [Theory]
    [InlineData("safe-now", ScreenAnswer.No, RiskCategory.ImmediateDanger)]
    [InlineData("self-harm", ScreenAnswer.Yes, RiskCategory.SelfHarm)]
    [InlineData("harm-others", ScreenAnswer.Yes, RiskCategory.HarmFromOthers)]
    public void The_risk_answer_to_any_question_is_high_risk_with_crisis_resources_at_once(string question, ScreenAnswer answer, RiskCategory category)
    {
        var answers = AllClear();
        answers[question] = answer;
        var result = Screen.Screen(answers, "I just want to talk about my manager.");
        result.Level.ShouldBe(RiskLevel.High);
        result.Categories.ShouldContain(category);
        result.ShowCrisisResources.ShouldBeTrue();
        result.AlertCoordinator.ShouldBeTrue();
        result.Priority.ShouldBe(QueuePriority.Urgent);
        result.Answers.Single(a => a.QuestionId == question).Level.ShouldBe(RiskLevel.High);
    }

    [Theory]
    [InlineData("safe-now")]
    [InlineData("self-harm")]
    [InlineData("harm-others")]
    public void Rather_not_say_on_a_risk_question_counts_as_possible_risk_not_as_no_risk(string question)
    {
        var answers = AllClear();
        answers[question] = ScreenAnswer.RatherNotSay;
        var result = Screen.Screen(answers, null);
        result.Level.ShouldBe(RiskLevel.Possible);
        result.ShowCrisisResources.ShouldBeTrue();
        result.AlertCoordinator.ShouldBeTrue();
        result.Priority.ShouldBe(QueuePriority.Raised);
        result.Answers.Single(a => a.QuestionId == question).Answer.ShouldBe(ScreenAnswer.RatherNotSay);
    }

    [Fact]
    public void A_question_left_unanswered_counts_as_rather_not_say()
    {
        var answers = AllClear();
        answers.Remove("self-harm");
        var result = Screen.Screen(answers, null);
        result.Level.ShouldBe(RiskLevel.Possible);
        result.Answers.Single(a => a.QuestionId == "self-harm").Answer.ShouldBe(ScreenAnswer.RatherNotSay);
        result.Categories.ShouldBe([RiskCategory.SelfHarm]);
    }

    [Fact]
    public void An_unknown_question_id_is_refused_rather_than_ignored() =>
        Should.Throw<ArgumentException>(() => Screen.Screen(new Dictionary<string, ScreenAnswer> { ["sfae-now"] = ScreenAnswer.Yes }, null));

    [Fact]
    public void Text_risk_raises_a_screen_whose_answers_were_all_clear()
    {
        var result = Screen.Screen(AllClear(), "He said he'd wait for me in the car park after my shift.");
        result.Level.ShouldBe(RiskLevel.High);
        result.Categories.ShouldBe([RiskCategory.HarmFromOthers]);
        result.Answers.ShouldAllBe(a => a.Level == RiskLevel.None);
        result.Priority.ShouldBe(QueuePriority.Urgent);
    }

    [Fact]
    public void A_negated_phrase_is_lowered_to_possible_and_never_dropped()
    {
        var result = Screen.Check("I'm not suicidal, honestly.");
        result.Level.ShouldBe(RiskLevel.Possible);
        result.Spans.ShouldHaveSingleItem().Negated.ShouldBeTrue();
    }

    [Fact]
    public void The_result_holds_offsets_into_the_original_text_and_never_the_text()
    {
        const string text = "Zebra-striped notebook. Honestly I want to k1ll myself, xylophone.";
        var result = Screen.Screen(AllClear(), text);
        var span = result.Text.Spans.ShouldHaveSingleItem();
        text.Substring(span.Start, span.Length).ShouldBe("k1ll myself");

        var serialised = JsonSerializer.Serialize(result) + result + result.Text + string.Join("", result.Text.Spans) + string.Join("", result.Answers);
        foreach (var word in new[] { "Zebra", "notebook", "k1ll", "myself", "xylophone", "Honestly" })
        {
            serialised.ShouldNotContain(word, Case.Insensitive);
        }
    }

    [Fact]
    public void Empty_or_blank_text_has_no_risk()
    {
        Screen.Check(null).ShouldBe(TextRiskResult.Empty);
        Screen.Check("   \n ").ShouldBe(TextRiskResult.Empty);
    }

    [Fact]
    public void The_screen_refuses_to_run_before_its_content_is_loaded() =>
        Should.Throw<InvalidOperationException>(() => new SafetyScreen().Check("hello"));
}
