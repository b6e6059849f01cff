using Upstander.Features.Training;

namespace Upstander.Tests.Features.Training;

public sealed class TrainingEvaluationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly EvaluationModule Listening = new("listening", "Listening", HasCheck: true);
    private static readonly EvaluationModule Reading = new("reading", "Reading", HasCheck: false);

    private static Guid Person(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    private static EvaluationLearner Learner(int n, string group, bool complete, double? beforeReflecting = null, double? afterReflecting = null) =>
        new(Person(n), group, complete, new HashSet<string> { "listening" }, complete ? new HashSet<string> { "listening" } : new HashSet<string>(),
            beforeReflecting is { } b ? new Dictionary<string, double> { [ListeningSkills.Reflecting] = b } : null,
            afterReflecting is { } a ? new Dictionary<string, double> { [ListeningSkills.Reflecting] = a } : null);

    private static EvaluationAttempt Attempt(int n, int minutes, double score) => new(Person(n), "listening", T0.AddMinutes(minutes), score, score >= 1);

    private static CourseEvaluation Evaluate(IReadOnlyList<EvaluationLearner> learners, IReadOnlyList<EvaluationAttempt>? attempts = null,
        IReadOnlyList<EvaluationReaction>? reactions = null, int minimum = 5) =>
        TrainingEvaluation.Evaluate(new EvaluationInput("c", "Course", [Listening, Reading], learners, attempts ?? [], reactions ?? [], true), minimum);

    [Fact]
    public void Rates_means_and_paired_knowledge_gain_come_out_as_computed_by_hand()
    {
        // Six learners; five tried the check: 1 and 4 passed first time, 2 on the second go, 3 on the third, 5 never; 6 never tried.
        var learners = Enumerable.Range(1, 6).Select(n => Learner(n, "Spring", complete: n <= 4)).ToList();
        EvaluationAttempt[] attempts =
        [
            Attempt(1, 0, 1.0),
            Attempt(2, 0, 0.5), Attempt(2, 5, 1.0),
            Attempt(3, 0, 0.0), Attempt(3, 5, 0.5), Attempt(3, 9, 1.0),
            Attempt(4, 0, 1.0),
            Attempt(5, 0, 0.5),
        ];
        EvaluationReaction[] reactions = [new(Person(1), "listening", 5, 5, 3), new(Person(2), "listening", 4, 5, 3), new(Person(3), "listening", 4, 4, 3),
            new(Person(4), "listening", 3, 4, 3), new(Person(5), "listening", 4, 2, 3)];

        var module = Evaluate(learners, attempts, reactions).Modules[0];

        module.Started.Value.ShouldBe(6);
        module.CompletionRate.Value!.Value.ShouldBe(4 / 6.0, 1e-9);
        module.FirstAttemptPassRate.Value.ShouldBe(0.4);
        module.EventualPassRate.Value.ShouldBe(0.8);
        module.MeanAttemptsToPass.Suppressed.ShouldBeTrue("only four learners passed, one under the minimum of five");
        module.FirstScore.Value!.Value.ShouldBe(0.6, 1e-9);
        module.BestScore.Value!.Value.ShouldBe(0.9, 1e-9);
        module.KnowledgeGain.Value!.Value.ShouldBe(0.3, 1e-9);
        module.Responses.Value.ShouldBe(5);
        (module.Useful.Value, module.Relevant.Value, module.Clear.Value).ShouldBe((4.0, 4.0, 3.0));
        var input = new EvaluationInput("c", "Course", [Listening, Reading], learners, attempts, reactions, true);
        TrainingEvaluation.Evaluate(input, TrainingEvaluation.States(input), 5, comments: key => key == "listening" ? 10 : 0).Modules[0].CommentsReadable.ShouldBeTrue();
        TrainingEvaluation.Evaluate(input, TrainingEvaluation.States(input), 5).Modules[0].CommentsReadable.ShouldBeFalse("no comment is released");
        TrainingEvaluation.Evaluate(input, TrainingEvaluation.States(input), 6, comments: key => key == "listening" ? 10 : 0).Modules[0].CommentsReadable
            .ShouldBeFalse("the comments are released, but the five responses are fewer than a minimum of six, so the module's responses are not shown");

        // With a minimum of four, the four passers are enough: (1 + 2 + 3 + 1) / 4 attempts.
        Evaluate(learners, attempts, reactions, minimum: 4).Modules[0].MeanAttemptsToPass.Value.ShouldBe(1.75);

        var reading = Evaluate(learners, attempts, reactions).Modules[1];
        reading.FirstAttemptPassRate.ShouldBe(Figure.NotApplicable, "a module without a check has no pass rate");
        reading.Started.Suppressed.ShouldBeTrue("nobody started it");
    }

    [Fact]
    public void A_group_of_exactly_the_minimum_is_shown_and_one_fewer_is_not()
    {
        var five = Enumerable.Range(1, 5).Select(n => Learner(n, "Spring", complete: true, 2, 4)).ToList();
        var atMinimum = Evaluate(five, reactions: five.Select(l => new EvaluationReaction(l.PersonId, "listening", 4, 4, 4)).ToList());
        atMinimum.Modules[0].CompletionRate.Value.ShouldBe(1.0);
        atMinimum.Modules[0].Useful.Value.ShouldBe(4.0);
        atMinimum.Cohorts[^1].Skills[0].Change.Value.ShouldBe(2.0);

        var four = five.Take(4).ToList();
        var below = Evaluate(four, reactions: four.Select(l => new EvaluationReaction(l.PersonId, "listening", 4, 4, 4)).ToList());
        var module = below.Modules[0];
        new[] { module.Started, module.CompletionRate, module.Useful, module.Responses }.ShouldAllBe(f => f.Suppressed && f.Value == null);
        module.CommentsReadable.ShouldBeFalse();
        below.Cohorts[^1].Learners.Suppressed.ShouldBeTrue();
        below.Cohorts[^1].Skills[0].Change.Suppressed.ShouldBeTrue();
    }

    [Fact]
    public void A_part_is_released_only_when_each_of_its_figures_changes_for_no_learner_or_at_least_the_minimum()
    {
        static RowState Tried(params double[] scores) => new(Attempts: [.. scores.Select(s => new ScoredAttempt(s, s >= 1))]);
        static RowState Rated(int useful, int relevant, int clear) => new(Useful: useful, Relevant: relevant, Clear: clear);
        static List<(RowState?, RowState?)> Times(int count, RowState? released, RowState? current) => [.. Enumerable.Repeat((released, current), count)];

        // Four retake the check and one takes it for the first time: five changed, but the first attempts only for one.
        TrainingEvaluation.Releasable(RowPart.Check, [.. Times(4, Tried(0.5), Tried(0.5, 1)), .. Times(1, null, Tried(0))], 5).ShouldBeFalse();
        TrainingEvaluation.Releasable(RowPart.Check, [.. Times(4, Tried(0.5), Tried(0.5, 1)), .. Times(5, null, Tried(1))], 5).ShouldBeTrue();
        // Five retake, one of whom passes: the best score moves by five, "passed in the end" and the attempts to pass by one.
        TrainingEvaluation.Releasable(RowPart.Check, [.. Times(4, Tried(0), Tried(0, 0.5)), .. Times(1, Tried(0), Tried(0, 1))], 5).ShouldBeFalse();
        // A figure hidden before and after shows nothing: four of five passing for the first time move only the attempts
        // to pass, over four passers ("fewer than 5 people"); in a cohort, where the total adds them up, they count.
        TrainingEvaluation.Releasable(RowPart.Check, [.. Times(4, null, Tried(1)), .. Times(1, null, Tried(0))], 5).ShouldBeTrue();
        static RowState Member(bool completed) => new(Completed: completed, PassedEveryCheck: true);
        TrainingEvaluation.Releasable(RowPart.Learners, [.. Times(3, Member(false), Member(false)), .. Times(1, Member(false), Member(true))], 5).ShouldBeFalse();
        // Five who fail again without a better score change no figure, so releasing them moves nothing.
        TrainingEvaluation.Releasable(RowPart.Check, Times(5, Tried(0.5), Tried(0.5, 0)), 5).ShouldBeTrue();
        // Four change only how clear it was and one reacts for the first time: "useful" would move by that one's rating.
        TrainingEvaluation.Releasable(RowPart.Reaction, [.. Times(4, Rated(4, 4, 4), Rated(4, 4, 1)), .. Times(1, null, Rated(1, 1, 1))], 5).ShouldBeFalse();
        TrainingEvaluation.Releasable(RowPart.Reaction, Times(5, Rated(4, 4, 4), Rated(4, 4, 1)), 5).ShouldBeTrue();
        // Four rate one skill again after the course, one pairs both skills for the first time.
        static RowState Skills(double before, double after) => new(Skills: new Dictionary<string, SkillPair> { [ListeningSkills.Reflecting] = new(before, after), [ListeningSkills.Validating] = new(before, after) });
        TrainingEvaluation.Releasable(RowPart.Growth, [.. Times(4, Skills(2, 4), Skills(2, 5)), .. Times(1, null, Skills(1, 5))], 5).ShouldBeFalse();
    }

    [Fact]
    public void Skill_growth_pairs_each_learners_before_with_their_own_after_and_leaves_out_the_unpaired()
    {
        var learners = new List<EvaluationLearner>
        {
            Learner(1, "A", true, 1, 3), Learner(2, "A", true, 2, 3), Learner(3, "A", true, 3, 4), Learner(4, "A", true, 2, 2), Learner(5, "A", true, 2, 3),
            Learner(6, "A", true, 5, null), // answered before only: not paired
            Learner(7, "A", true, null, 1), // after only: not paired
        };
        var total = Evaluate(learners).Cohorts[^1];
        total.IsTotal.ShouldBeTrue();
        var reflecting = total.Skills.Single(s => s.Skill == ListeningSkills.Reflecting);
        reflecting.Pairs.Value.ShouldBe(5);
        reflecting.Before.Value!.Value.ShouldBe(2.0, 1e-9);
        reflecting.After.Value!.Value.ShouldBe(3.0, 1e-9);
        reflecting.Change.Value!.Value.ShouldBe(1.0, 1e-9);
        total.Skills.Single(s => s.Skill == ListeningSkills.Validating).Pairs.Suppressed.ShouldBeTrue("nobody rated it");
    }

    [Fact]
    public void A_small_cohort_is_hidden_and_so_is_the_next_smallest_so_the_total_cannot_reveal_it()
    {
        var learners = Enumerable.Range(1, 6).Select(n => Learner(n, "Spring", complete: n <= 3))
            .Concat(Enumerable.Range(7, 5).Select(n => Learner(n, "Summer", complete: true)))
            .Concat(Enumerable.Range(12, 2).Select(n => Learner(n, "Autumn", complete: false)))
            .ToList();
        var cohorts = Evaluate(learners).Cohorts.ToDictionary(c => c.IsTotal ? "total" : c.Label);
        cohorts["Autumn"].CompletionRate.Suppressed.ShouldBeTrue("two people");
        cohorts["Summer"].CompletionRate.Suppressed.ShouldBeTrue("total minus Spring minus Summer would give Autumn's figure");
        cohorts["Summer"].Learners.Suppressed.ShouldBeTrue();
        cohorts["Spring"].CompletionRate.Value.ShouldBe(0.5);
        cohorts["total"].Learners.Value.ShouldBe(13);
        cohorts["total"].CompletionRate.Value!.Value.ShouldBe(8 / 13.0, 1e-9);
    }
}
