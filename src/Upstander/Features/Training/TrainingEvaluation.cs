using System.Text.Json;
using System.Text.Json.Serialization;
using Upstander.Features.Organisations;

namespace Upstander.Features.Training;

public sealed record EvaluationModule(string Key, string Title, bool HasCheck);

/// <summary>
/// One learner's way through one course, reduced to what the evaluation counts. Skill means are 1-5 per skill.
/// <paramref name="GroupKey"/> names the group for keeping its releases (<see cref="RowState"/>); the label
/// <paramref name="Group"/> when not given.
/// </summary>
public sealed record EvaluationLearner(
    Guid PersonId, string Group, bool CourseCompleted, IReadOnlySet<string> ModulesStarted, IReadOnlySet<string> ModulesCompleted,
    IReadOnlyDictionary<string, double>? SkillsBefore = null, IReadOnlyDictionary<string, double>? SkillsAfter = null, string? GroupKey = null)
{
    public string Key => GroupKey ?? Group;
}

/// <summary>One submitted knowledge-check attempt; <paramref name="Score"/> is the fraction right, 0 to 1.</summary>
public sealed record EvaluationAttempt(Guid PersonId, string Module, DateTimeOffset SubmittedAt, double Score, bool Passed);

/// <summary>One reaction survey response (its free comment is released on its own, see <see cref="TrainingEvaluationData"/>).</summary>
public sealed record EvaluationReaction(Guid PersonId, string Module, int Useful, int Relevant, int Clear);

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
    /// <summary>The last day of the quarter the progress and check figures stand at, when older than the last completed one.</summary>
    public DateOnly? ProgressAsOf { get; init; }

    /// <summary>The last day of the quarter the reaction figures stand at, when older than the last completed one.</summary>
    public DateOnly? ReactionsAsOf { get; init; }

    /// <summary>
    /// Free comments may be read only once released in whole groups of the organisation's minimum for comments
    /// (<see cref="Comments"/> is how many are released, see <see cref="TrainingEvaluationData"/>), and only while the
    /// responses are shown.
    /// </summary>
    public bool CommentsReadable => !Responses.Suppressed && Comments > 0;
}

public sealed record SkillGrowth(string Skill, Figure Pairs, Figure Before, Figure After, Figure Change);

public sealed record CohortEvaluation(string Label, bool IsTotal, Figure Learners, Figure CompletionRate, Figure PassRate, IReadOnlyList<SkillGrowth> Skills)
{
    /// <summary>The last day of the quarter the learners, completion and pass figures stand at, when older than the last completed one.</summary>
    public DateOnly? LearnersAsOf { get; init; }

    /// <summary>The last day of the quarter the self-assessed growth stands at, when older than the last completed one.</summary>
    public DateOnly? GrowthAsOf { get; init; }
}

public sealed record CourseEvaluation(string Slug, string Title, int MinimumGroupSize, bool HasSelfAssessment,
    IReadOnlyList<ModuleEvaluation> Modules, IReadOnlyList<CohortEvaluation> Cohorts);

/// <summary>
/// The parts of a row whose figures are computed from the same learners, and so are released together: a part moves only
/// when each of its figures moves by no learner or by at least the minimum group size (<see cref="TrainingEvaluation.Releasable"/>).
/// </summary>
public enum RowPart
{
    /// <summary>A module's learners who started and completed it.</summary>
    Progress,

    /// <summary>A module's knowledge-check figures.</summary>
    Check,

    /// <summary>A module's reaction figures (not the comments, which are released on their own).</summary>
    Reaction,

    /// <summary>A cohort's learners, completion and pass rate.</summary>
    Learners,

    /// <summary>A cohort's self-assessed growth.</summary>
    Growth,
}

/// <summary>One knowledge-check attempt as a figure counts it; attempts are kept in the order they were submitted.</summary>
public sealed record ScoredAttempt(double Score, bool Passed);

/// <summary>A learner's mean rating of one skill before and after the course.</summary>
public sealed record SkillPair(double Before, double After);

/// <summary>
/// Exactly what one learner gives to one part of one row's figures: only the fields of that part are set
/// (<see cref="RowPart.Progress"/>: Started, Completed; <see cref="RowPart.Check"/>: Attempts; <see cref="RowPart.Reaction"/>:
/// the three ratings; <see cref="RowPart.Learners"/>: Completed, PassedEveryCheck; <see cref="RowPart.Growth"/>: the skills
/// rated both before and after). Compared and kept as JSON (<see cref="ToJson"/>), which is the same for the same state.
/// </summary>
public sealed record RowState(
    bool? Started = null, bool? Completed = null, IReadOnlyList<ScoredAttempt>? Attempts = null,
    int? Useful = null, int? Relevant = null, int? Clear = null,
    bool? PassedEveryCheck = null, IReadOnlyDictionary<string, SkillPair>? Skills = null)
{
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static RowState Parse(string json) => JsonSerializer.Deserialize<RowState>(json, Options)!;
}

/// <summary>One learner's state in one part of one row (a module's key, or a cohort's group key).</summary>
public sealed record LearnerRowState(RowPart Part, string Row, Guid PersonId, RowState State);

/// <summary>
/// The training evaluation, computed from plain records with suppression applied (docs/training-evaluation.md).
/// Pure: no database, no clock. The caller passes only the answers that may be counted (those given before the end
/// of the last completed quarter, see <see cref="TrainingEvaluationData"/>), and the learners' states each row's
/// figures are computed from (those released, see <see cref="EvaluationRelease"/>).
/// </summary>
public static class TrainingEvaluation
{
    private static readonly RowPart[] CohortParts = [RowPart.Learners, RowPart.Growth];

    /// <summary>The figures over every learner's answers as they are in <paramref name="input"/>.</summary>
    public static CourseEvaluation Evaluate(EvaluationInput input, int minimumGroupSize) =>
        Evaluate(input, States(input), minimumGroupSize);

    /// <summary>
    /// What each learner gives to each part of each row: per module, whether they started and completed it (a learner
    /// who submitted its check started it), their check attempts, their reaction; per cohort group, that they are in it
    /// (whether they completed the course and passed every check) and their paired skill means.
    /// </summary>
    public static IReadOnlyList<LearnerRowState> States(EvaluationInput input)
    {
        var checks = input.Modules.Where(m => m.HasCheck).Select(m => m.Key).ToList();
        var states = new List<LearnerRowState>();
        foreach (var learner in input.Learners)
        {
            var attempts = input.Attempts.Where(a => a.PersonId == learner.PersonId).ToList();
            foreach (var module in input.Modules)
            {
                var mine = attempts.Where(a => a.Module == module.Key).OrderBy(a => a.SubmittedAt).ThenBy(a => a.Score).ThenBy(a => a.Passed)
                    .Select(a => new ScoredAttempt(a.Score, a.Passed)).ToList();
                if (learner.ModulesStarted.Contains(module.Key) || mine.Count > 0)
                {
                    states.Add(new(RowPart.Progress, module.Key, learner.PersonId, new RowState(Started: true, Completed: learner.ModulesCompleted.Contains(module.Key))));
                }
                if (mine.Count > 0)
                {
                    states.Add(new(RowPart.Check, module.Key, learner.PersonId, new RowState(Attempts: mine)));
                }
                if (input.Reactions.FirstOrDefault(r => r.PersonId == learner.PersonId && r.Module == module.Key) is { } reaction)
                {
                    states.Add(new(RowPart.Reaction, module.Key, learner.PersonId, new RowState(Useful: reaction.Useful, Relevant: reaction.Relevant, Clear: reaction.Clear)));
                }
            }
            var passedAll = checks.All(key => attempts.Any(a => a.Module == key && a.Passed));
            states.Add(new(RowPart.Learners, learner.Key, learner.PersonId, new RowState(Completed: learner.CourseCompleted, PassedEveryCheck: passedAll)));
            var pairs = ListeningSkills.All
                .Where(skill => learner.SkillsBefore?.ContainsKey(skill) == true && learner.SkillsAfter?.ContainsKey(skill) == true)
                .ToDictionary(skill => skill, skill => new SkillPair(learner.SkillsBefore![skill], learner.SkillsAfter![skill]));
            if (pairs.Count > 0)
            {
                states.Add(new(RowPart.Growth, learner.Key, learner.PersonId, new RowState(Skills: pairs)));
            }
        }
        return states;
    }

    /// <summary>
    /// The figures over <paramref name="states"/>, the states each row's figures are computed from; the modules come from
    /// <paramref name="input"/>, and <paramref name="comments"/> gives how many of a module's comments are released (none
    /// when not given). Cohort rows are the groups with a state, and those of <paramref name="cohortRows"/> (shown even
    /// with none); "All learners" holds every cohort row's states, so it never differs from the cohorts by anything they
    /// do not show. <paramref name="label"/> names a cohort row by its key, <paramref name="asOf"/> gives the quarter a
    /// part of a row stands at when it is older than the last completed one.
    /// </summary>
    public static CourseEvaluation Evaluate(EvaluationInput input, IReadOnlyList<LearnerRowState> states, int minimumGroupSize,
        IEnumerable<string>? cohortRows = null, Func<string, string>? label = null, Func<RowPart, string, DateOnly?>? asOf = null,
        Func<string, int>? comments = null)
    {
        var min = minimumGroupSize;
        var of = states.ToLookup(s => (s.Part, s.Row), s => s.State);
        asOf ??= (_, _) => null;
        label ??= key => input.Learners.FirstOrDefault(l => l.Key == key)?.Group ?? key;
        var hasChecks = input.Modules.Any(m => m.HasCheck);
        var modules = input.Modules.Select(m => EvaluateModule(m, of[(RowPart.Progress, m.Key)].ToList(), of[(RowPart.Check, m.Key)].ToList(),
            of[(RowPart.Reaction, m.Key)].ToList(), comments?.Invoke(m.Key) ?? 0, min) with
        {
            ProgressAsOf = Oldest([asOf(RowPart.Progress, m.Key), asOf(RowPart.Check, m.Key)]),
            ReactionsAsOf = asOf(RowPart.Reaction, m.Key),
        }).ToList();
        var keys = states.Where(s => CohortParts.Contains(s.Part)).Select(s => s.Row).Concat(cohortRows ?? []).Distinct(StringComparer.Ordinal)
            .Select(key => (Key: key, Label: label(key))).OrderBy(g => g.Label, StringComparer.CurrentCulture).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var rows = keys.Select(g => EvaluateGroup(g.Label, false, of[(RowPart.Learners, g.Key)].ToList(), of[(RowPart.Growth, g.Key)].ToList(), hasChecks, min) with
        {
            LearnersAsOf = asOf(RowPart.Learners, g.Key),
            GrowthAsOf = asOf(RowPart.Growth, g.Key),
        }).ToList();
        var total = EvaluateGroup("", true, [.. keys.SelectMany(g => of[(RowPart.Learners, g.Key)])], [.. keys.SelectMany(g => of[(RowPart.Growth, g.Key)])], hasChecks, min) with
        {
            LearnersAsOf = Oldest(rows.Select(r => r.LearnersAsOf)),
            GrowthAsOf = Oldest(rows.Select(r => r.GrowthAsOf)),
        };
        var cohorts = rows.Count > 1 ? ProtectFromDifferencing(rows, total, min) : rows;
        return new CourseEvaluation(input.Slug, input.Title, min, input.HasSelfAssessment, modules, [.. cohorts, total]);
    }

    private static DateOnly? Oldest(IEnumerable<DateOnly?> quarters) => quarters.Where(q => q is not null).Min();

    /// <summary>
    /// What one learner's state in a part gives to each of the part's figures, in this order (null where the learner does
    /// not count in the figure: no state, not a passer, a skill not rated both times):
    /// <see cref="RowPart.Progress"/>: started, completed; <see cref="RowPart.Check"/>: passed first time, passed in the end,
    /// attempts to pass (passers only), score on the first attempt, best score, knowledge gain; <see cref="RowPart.Reaction"/>:
    /// responded, useful, relevant, clear; <see cref="RowPart.Learners"/>: in the group, completed the course, passed every
    /// check; <see cref="RowPart.Growth"/>: per skill of <see cref="ListeningSkills.All"/>, paired, before, after, change.
    /// Every figure is the count or the mean of one of these, so a figure moves exactly by the learners whose reading for
    /// it changed.
    /// </summary>
    public static double?[] Readings(RowPart part, RowState? state)
    {
        static double? Flag(bool? flag) => flag is { } f ? f ? 1 : 0 : null;
        return part switch
        {
            RowPart.Progress => state is null ? new double?[2] : [1, Flag(state.Completed)],
            RowPart.Check => state?.Attempts is not { Count: > 0 } list
                ? new double?[6]
                : [Flag(list[0].Passed), Flag(list.Any(a => a.Passed)), list.Any(a => a.Passed) ? list.TakeWhile(a => !a.Passed).Count() + 1 : null,
                    list[0].Score, list.Max(a => a.Score), list.Max(a => a.Score) - list[0].Score],
            RowPart.Reaction => state is null ? new double?[4] : [1, state.Useful, state.Relevant, state.Clear],
            RowPart.Learners => state is null ? new double?[3] : [1, Flag(state.Completed), Flag(state.PassedEveryCheck)],
            RowPart.Growth => [.. ListeningSkills.All.SelectMany(skill => state?.Skills?.GetValueOrDefault(skill) is { } pair
                ? new double?[] { 1, pair.Before, pair.After, pair.After - pair.Before }
                : new double?[4])],
            _ => throw new ArgumentOutOfRangeException(nameof(part)),
        };
    }

    /// <summary>
    /// Whether a part of a row whose learners' states go from <c>Released</c> to <c>Current</c> (every learner of the row;
    /// null: not in the part) may take in the change: only when every one of its figures (<see cref="Readings"/>) changes
    /// for no learner or for at least <paramref name="minimum"/> of them. Counting learners whose state changed in any way
    /// would not do: four learners who retake a check and one who takes it for the first time would move the score on the
    /// first attempt by that one's score. A module's figure over fewer than the minimum both before and after (the mean
    /// attempts to pass over four passers) shows nothing of the change, so its change does not count; a cohort's does,
    /// as "All learners" adds the cohorts up.
    /// </summary>
    public static bool Releasable(RowPart part, IReadOnlyCollection<(RowState? Released, RowState? Current)> learners, int minimum)
    {
        var width = Readings(part, null).Length;
        var (changed, before, after) = (new int[width], new int[width], new int[width]);
        foreach (var (released, current) in learners)
        {
            var (was, now) = (Readings(part, released), Readings(part, current));
            for (var i = 0; i < width; i++)
            {
                changed[i] += was[i] != now[i] ? 1 : 0;
                before[i] += was[i] is null ? 0 : 1;
                after[i] += now[i] is null ? 0 : 1;
            }
        }
        var seen = CohortParts.Contains(part) ? Enumerable.Repeat(true, width).ToArray() : [.. Enumerable.Range(0, width).Select(i => before[i] >= minimum || after[i] >= minimum)];
        return Enumerable.Range(0, width).All(i => changed[i] == 0 || changed[i] >= minimum || !seen[i]);
    }

    /// <summary>Each figure of a part over <paramref name="states"/>, in the order of <see cref="Readings"/>: the mean of the learners' readings, and how many there are.</summary>
    private static Figure[] Figures(RowPart part, List<RowState> states, int min)
    {
        var readings = states.Select(s => Readings(part, s)).ToList();
        return [.. Enumerable.Range(0, Readings(part, null).Length).Select(i =>
        {
            var values = readings.Select(r => r[i]).OfType<double>().ToList();
            return Figure.Of(values.Count, values.Count == 0 ? null : values.Average(), min);
        })];
    }

    /// <summary>A figure that is the number of people counted.</summary>
    private static Figure Count(Figure figure, int min) => Figure.Of(figure.Group, figure.Group, min);

    private static ModuleEvaluation EvaluateModule(EvaluationModule module, List<RowState> progress, List<RowState> checks, List<RowState> reactions, int comments, int min)
    {
        var (moved, tried, reacted) = (Figures(RowPart.Progress, progress, min), Figures(RowPart.Check, checks, min), Figures(RowPart.Reaction, reactions, min));
        Figure Checked(int figure) => module.HasCheck ? tried[figure] : Figure.NotApplicable;
        return new ModuleEvaluation(
            module.Key, module.Title,
            Count(moved[0], min), moved[1],
            Checked(0), Checked(1), Checked(2), Checked(3), Checked(4), Checked(5),
            Count(reacted[0], min), reacted[1], reacted[2], reacted[3],
            comments);
    }

    private static CohortEvaluation EvaluateGroup(string label, bool isTotal, List<RowState> learners, List<RowState> growth, bool hasChecks, int min)
    {
        var (counted, grown) = (Figures(RowPart.Learners, learners, min), Figures(RowPart.Growth, growth, min));
        var skills = ListeningSkills.All.Select((skill, i) => new SkillGrowth(skill, Count(grown[4 * i], min), grown[(4 * i) + 1], grown[(4 * i) + 2], grown[(4 * i) + 3])).ToList();
        return new CohortEvaluation(label, isTotal, Count(counted[0], min), counted[1], hasChecks ? counted[2] : Figure.NotApplicable, skills);
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
        var hideLearners = SmallGroups.Hidden(rows.Select(r => r.Learners.Group).ToList(), min);
        var hideSkills = ListeningSkills.All.Select((_, i) => SmallGroups.Hidden(rows.Select(r => r.Skills[i].Pairs.Group).ToList(), min)).ToList();
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
}
