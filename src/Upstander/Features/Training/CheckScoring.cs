namespace Upstander.Features.Training;

public sealed record ShuffledQuestion(CheckQuestion Question, IReadOnlyList<CheckOption> Options);

public sealed record QuestionResult(CheckQuestion Question, IReadOnlySet<string> Chosen, bool Correct);

public sealed record CheckResult(IReadOnlyList<QuestionResult> Questions, int CorrectCount, double Fraction, bool Passed);

/// <summary>Knowledge-check scoring: the order a learner sees, and what their answers earn. Pure.</summary>
public static class CheckScoring
{
    /// <summary>Questions and their options in an order fixed by <paramref name="seed"/>, so a reload shows the same order.</summary>
    public static IReadOnlyList<ShuffledQuestion> Order(KnowledgeCheck check, int seed)
    {
        var random = new Random(seed);
        return Shuffle(check.Questions, random)
            .Select(q => new ShuffledQuestion(q, Shuffle(q.Options, random)))
            .ToList();
    }

    /// <summary>
    /// A single-answer question is right when the one correct option is chosen; a multiple-answer one
    /// when exactly the correct set is chosen. Passed when the fraction right reaches the pass mark.
    /// </summary>
    public static CheckResult Score(KnowledgeCheck check, IReadOnlyDictionary<string, IReadOnlySet<string>> answers)
    {
        var results = check.Questions.Select(q =>
        {
            var chosen = answers.TryGetValue(q.Id, out var given) ? given : new HashSet<string>();
            var correct = q.Options.Where(o => o.Correct).Select(o => o.Id).ToHashSet(StringComparer.Ordinal);
            return new QuestionResult(q, chosen, correct.SetEquals(chosen));
        }).ToList();
        var right = results.Count(r => r.Correct);
        var fraction = check.Questions.Count == 0 ? 0 : (double)right / check.Questions.Count;
        // A tolerance so that, say, 4 of 5 meets a pass mark written as 0.8.
        return new CheckResult(results, right, fraction, fraction + 1e-9 >= check.PassMark);
    }

    private static List<T> Shuffle<T>(IReadOnlyList<T> items, Random random)
    {
        var list = items.ToList();
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
        return list;
    }
}
