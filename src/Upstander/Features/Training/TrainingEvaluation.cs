using Upstander.Features.Organisations;

namespace Upstander.Features.Training;

public sealed record EvaluationModule(string Key, string Title, bool HasCheck);

/// <summary>One learner's way through one course, reduced to what the evaluation counts. Skill means are 1-5 per skill.</summary>
public sealed record EvaluationLearner(
    Guid PersonId, string Group, bool CourseCompleted, IReadOnlySet<string> ModulesStarted, IReadOnlySet<string> ModulesCompleted,
    IReadOnlyDictionary<string, double>? SkillsBefore = null, IReadOnlyDictionary<string, double>? SkillsAfter = null);

/// <summary>One submitted knowledge-check attempt; <paramref name="Score"/> is the fraction right, 0 to 1.</summary>
public sealed record EvaluationAttempt(Guid PersonId, string Module, DateTimeOffset SubmittedAt, double Score, bool Passed);

/// <summary>One reaction survey response; <paramref name="Commented"/> when it has a free comment.</summary>
public sealed record EvaluationReaction(Guid PersonId, string Module, int Useful, int Relevant, int Clear, bool Commented = false);

public sealed record EvaluationInput(
    string Slug, string Title, IReadOnlyList<EvaluationModule> Modules, IReadOnlyList<EvaluationLearner> Learners,
    IReadOnlyList<EvaluationAttempt> Attempts, IReadOnlyList<EvaluationReaction> Reactions, bool HasSelfAssessment);

/// <summary>
/// One cell: the number of people it is computed from, and its value, unless it is suppressed (its
/// group is under the minimum size, or hiding it stops a suppressed neighbour being worked out by
/// subtraction). A null value that is not suppressed means "does not apply" (no check in the module).
/// </summary>
public sealed record Figure(int Group, double? Value, bool Suppressed)
{
    public static Figure NotApplicable { get; } = new(0, null, false);

    public static Figure Of(int group, double? value, int minimum) =>
        group < minimum || value is null ? new Figure(group, null, group < minimum) : new Figure(group, value, false);

    public Figure Hide() => this with { Value = null, Suppressed = true };
}

public sealed record ModuleEvaluation(
    string Key, string Title, Figure Started, Figure CompletionRate, Figure FirstAttemptPassRate, Figure EventualPassRate,
    Figure MeanAttemptsToPass, Figure FirstScore, Figure BestScore, Figure KnowledgeGain,
    Figure Responses, Figure Useful, Figure Relevant, Figure Clear, int Comments)
{
    /// <summary>
    /// Free comments may be read only in whole groups of the minimum size (<see cref="Comments"/> is how many are
    /// released), and so only once at least that many learners responded.
    /// </summary>
    public bool CommentsReadable => !Responses.Suppressed && Comments > 0;
}

public sealed record SkillGrowth(string Skill, Figure Pairs, Figure Before, Figure After, Figure Change);

public sealed record CohortEvaluation(string Label, bool IsTotal, Figure Learners, Figure CompletionRate, Figure PassRate, IReadOnlyList<SkillGrowth> Skills);

public sealed record CourseEvaluation(string Slug, string Title, int MinimumGroupSize, bool HasSelfAssessment,
    IReadOnlyList<ModuleEvaluation> Modules, IReadOnlyList<CohortEvaluation> Cohorts);

/// <summary>
/// The training evaluation, computed from plain records with suppression applied (docs/training-evaluation.md).
/// Pure: no database, no clock. The caller passes only the answers that may be counted (those given before the end
/// of the last completed quarter, see <see cref="TrainingEvaluationData"/>).
/// </summary>
public static class TrainingEvaluation
{
    public static CourseEvaluation Evaluate(EvaluationInput input, int minimumGroupSize)
    {
        var modules = input.Modules.Select(m => EvaluateModule(input, m, minimumGroupSize)).ToList();
        var groups = input.Learners.GroupBy(l => l.Group).OrderBy(g => g.Key, StringComparer.CurrentCulture).ToList();
        var rows = groups.Select(g => EvaluateGroup(input, g.Key, false, g.ToList(), minimumGroupSize)).ToList();
        var total = EvaluateGroup(input, "", true, input.Learners, minimumGroupSize);
        var cohorts = groups.Count > 1 ? ProtectFromDifferencing(rows, total, minimumGroupSize) : rows;
        return new CourseEvaluation(input.Slug, input.Title, minimumGroupSize, input.HasSelfAssessment, modules, [.. cohorts, total]);
    }

    private static ModuleEvaluation EvaluateModule(EvaluationInput input, EvaluationModule module, int min)
    {
        var attempts = input.Attempts.Where(a => a.Module == module.Key)
            .GroupBy(a => a.PersonId)
            .ToDictionary(g => g.Key, g => g.OrderBy(a => a.SubmittedAt).ToList());
        var started = input.Learners.Where(l => l.ModulesStarted.Contains(module.Key) || attempts.ContainsKey(l.PersonId)).ToList();
        var completed = started.Count(l => l.ModulesCompleted.Contains(module.Key));
        var tried = started.Where(l => attempts.ContainsKey(l.PersonId)).Select(l => attempts[l.PersonId]).ToList();
        var passers = tried.Where(list => list.Any(a => a.Passed)).ToList();
        var reactions = input.Reactions.Where(r => r.Module == module.Key).ToList();

        Figure Checked(Func<double> value) => module.HasCheck ? Figure.Of(tried.Count, tried.Count == 0 ? null : value(), min) : Figure.NotApplicable;
        Figure Reacted(Func<EvaluationReaction, int> rating) => Figure.Of(reactions.Count, reactions.Count == 0 ? null : reactions.Average(rating), min);

        return new ModuleEvaluation(
            module.Key, module.Title,
            Figure.Of(started.Count, started.Count, min),
            Figure.Of(started.Count, started.Count == 0 ? null : (double)completed / started.Count, min),
            Checked(() => (double)tried.Count(list => list[0].Passed) / tried.Count),
            Checked(() => (double)passers.Count / tried.Count),
            module.HasCheck ? Figure.Of(passers.Count, passers.Count == 0 ? null : passers.Average(list => list.FindIndex(a => a.Passed) + 1), min) : Figure.NotApplicable,
            Checked(() => tried.Average(list => list[0].Score)),
            Checked(() => tried.Average(list => list.Max(a => a.Score))),
            Checked(() => tried.Average(list => list.Max(a => a.Score) - list[0].Score)),
            Figure.Of(reactions.Count, reactions.Count, min),
            Reacted(r => r.Useful), Reacted(r => r.Relevant), Reacted(r => r.Clear),
            WholeGroups.Released(reactions.Count(r => r.Commented), min));
    }

    private static CohortEvaluation EvaluateGroup(EvaluationInput input, string label, bool isTotal, IReadOnlyList<EvaluationLearner> learners, int min)
    {
        var checks = input.Modules.Where(m => m.HasCheck).Select(m => m.Key).ToList();
        var passedAll = learners.Count(l => checks.All(key => input.Attempts.Any(a => a.PersonId == l.PersonId && a.Module == key && a.Passed)));
        var skills = ListeningSkills.All.Select(skill =>
        {
            var pairs = learners
                .Where(l => l.SkillsBefore?.ContainsKey(skill) == true && l.SkillsAfter?.ContainsKey(skill) == true)
                .Select(l => (Before: l.SkillsBefore![skill], After: l.SkillsAfter![skill]))
                .ToList();
            double? Mean(Func<(double Before, double After), double> of) => pairs.Count == 0 ? null : pairs.Average(of);
            return new SkillGrowth(skill, Figure.Of(pairs.Count, pairs.Count, min), Figure.Of(pairs.Count, Mean(p => p.Before), min),
                Figure.Of(pairs.Count, Mean(p => p.After), min), Figure.Of(pairs.Count, Mean(p => p.After - p.Before), min));
        }).ToList();
        return new CohortEvaluation(label, isTotal,
            Figure.Of(learners.Count, learners.Count, min),
            Figure.Of(learners.Count, learners.Count == 0 ? null : (double)learners.Count(l => l.CourseCompleted) / learners.Count, min),
            checks.Count == 0 ? Figure.NotApplicable : Figure.Of(learners.Count, learners.Count == 0 ? null : (double)passedAll / learners.Count, min),
            skills);
    }

    /// <summary>
    /// The total row is shown alongside the cohorts, so one hidden cohort could be worked out as the total
    /// minus the others. Per kind of figure: when the hidden cohorts together hold fewer than the minimum
    /// number of people (but more than none), the smallest shown cohorts are hidden too until they do.
    /// </summary>
    private static List<CohortEvaluation> ProtectFromDifferencing(List<CohortEvaluation> rows, CohortEvaluation total, int min)
    {
        if (total.Learners.Suppressed)
        {
            return rows;
        }
        var hideLearners = Complement(rows.Select(r => r.Learners.Group).ToList(), min);
        var hideSkills = ListeningSkills.All.Select((_, i) => Complement(rows.Select(r => r.Skills[i].Pairs.Group).ToList(), min)).ToList();
        return rows.Select((row, r) => row with
        {
            Learners = hideLearners[r] ? row.Learners.Hide() : row.Learners,
            CompletionRate = hideLearners[r] ? row.CompletionRate.Hide() : row.CompletionRate,
            PassRate = hideLearners[r] && row.PassRate != Figure.NotApplicable ? row.PassRate.Hide() : row.PassRate,
            Skills = row.Skills.Select((s, i) => hideSkills[i][r] && !total.Skills[i].Pairs.Suppressed
                ? s with { Pairs = s.Pairs.Hide(), Before = s.Before.Hide(), After = s.After.Hide(), Change = s.Change.Hide() }
                : s).ToList(),
        }).ToList();
    }

    /// <summary>Which groups to hide: those under the minimum, plus the smallest others until the hidden ones hold at least the minimum together.</summary>
    public static bool[] Complement(IReadOnlyList<int> sizes, int min)
    {
        var hidden = sizes.Select(s => s < min).ToArray();
        var order = Enumerable.Range(0, sizes.Count).Where(i => !hidden[i]).OrderBy(i => sizes[i]).ToList();
        var held = sizes.Where((s, i) => hidden[i]).Sum();
        foreach (var next in order)
        {
            if (held == 0 || held >= min)
            {
                break;
            }
            hidden[next] = true;
            held += sizes[next];
        }
        return hidden;
    }
}
