using Upstander.Features.Training;

namespace Upstander.Tests.Features.Training;

public sealed class ScoringTests
{
    private static readonly KnowledgeCheck Check = CourseLoader.LoadAll(TrainingContentFixture.Source).Single(c => c.Slug == "sample-course").Modules[0].Check!;

    private static Dictionary<string, IReadOnlySet<string>> Answers(string q1, params string[] q2) =>
        new() { ["q1"] = new HashSet<string> { q1 }, ["q2"] = q2.ToHashSet() };

    [Fact]
    public void All_right_passes_a_pass_mark_of_one()
    {
        var result = CheckScoring.Score(Check, Answers("a", "a", "c"));
        result.CorrectCount.ShouldBe(2);
        result.Fraction.ShouldBe(1.0);
        result.Passed.ShouldBeTrue();
    }

    [Fact]
    public void A_multiple_answer_question_needs_exactly_the_correct_set()
    {
        CheckScoring.Score(Check, Answers("a", "a")).Questions.Single(q => q.Question.Id == "q2").Correct.ShouldBeFalse("one of two correct options is not enough");
        CheckScoring.Score(Check, Answers("a", "a", "b", "c")).Questions.Single(q => q.Question.Id == "q2").Correct.ShouldBeFalse("an extra wrong option spoils it");
        var half = CheckScoring.Score(Check, Answers("a", "a"));
        half.Fraction.ShouldBe(0.5);
        half.Passed.ShouldBeFalse();
    }

    [Fact]
    public void Four_of_five_meets_a_pass_mark_of_point_eight_and_three_does_not()
    {
        var questions = Enumerable.Range(1, 5).Select(i => new CheckQuestion($"q{i}", CheckQuestion.SingleAnswer, "?",
            [new CheckOption("y", "yes", true, "f"), new CheckOption("n", "no", false, "f")])).ToList();
        var check = new KnowledgeCheck(0.8, questions);
        IReadOnlyDictionary<string, IReadOnlySet<string>> Right(int count) =>
            questions.Select((q, i) => (q.Id, (IReadOnlySet<string>)new HashSet<string> { i < count ? "y" : "n" })).ToDictionary();
        CheckScoring.Score(check, Right(4)).Passed.ShouldBeTrue();
        CheckScoring.Score(check, Right(3)).Passed.ShouldBeFalse();
        CheckScoring.Score(check, new Dictionary<string, IReadOnlySet<string>>()).CorrectCount.ShouldBe(0);
    }

    [Fact]
    public void The_same_seed_gives_the_same_order_and_different_seeds_shuffle()
    {
        string Signature(int seed) => string.Join(' ', CheckScoring.Order(Check, seed).Select(q => q.Question.Id + ":" + string.Join("", q.Options.Select(o => o.Id))));
        Signature(42).ShouldBe(Signature(42));
        Enumerable.Range(0, 30).Select(Signature).Distinct().Count().ShouldBeGreaterThan(3);
        CheckScoring.Order(Check, 7).SelectMany(q => q.Options).Count().ShouldBe(6);
    }
}
