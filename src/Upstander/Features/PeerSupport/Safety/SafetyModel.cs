namespace Upstander.Features.PeerSupport.Safety;

/// <summary>How strongly the screen thinks someone may be at risk. Ordered: a higher value is more urgent.</summary>
public enum RiskLevel
{
    /// <summary>Nothing in the answers or the text suggests risk.</summary>
    None = 0,

    /// <summary>Something may mean risk (an ambiguous phrase, a negated one, "I'd rather not say"): a person should look.</summary>
    Possible = 1,

    /// <summary>The answers or the text say risk plainly: crisis resources now, front of the queue, coordinator alerted.</summary>
    High = 2,
}

/// <summary>What kind of risk. The JSON names (content files) are in <see cref="RiskCategories"/>.</summary>
public enum RiskCategory
{
    /// <summary>Thoughts of suicide or of harming oneself.</summary>
    SelfHarm,

    /// <summary>Being harmed, threatened, stalked or assaulted by someone else (including threats at work).</summary>
    HarmFromOthers,

    /// <summary>Thoughts or threats of harming someone else.</summary>
    HarmToOthers,

    /// <summary>Danger happening now: not safe right now, an overdose taken, someone outside with a weapon.</summary>
    ImmediateDanger,
}

/// <summary>An answer to a screen question. Not answering counts as <see cref="RatherNotSay"/>.</summary>
public enum ScreenAnswer
{
    Yes,
    No,
    RatherNotSay,
}

/// <summary>Where the request goes in the supporters' queue.</summary>
public enum QueuePriority
{
    Routine = 0,

    /// <summary>Ahead of routine requests (possible risk).</summary>
    Raised = 1,

    /// <summary>The front of the queue (high risk).</summary>
    Urgent = 2,
}

public static class RiskCategories
{
    public static readonly IReadOnlyDictionary<string, RiskCategory> ByName = new Dictionary<string, RiskCategory>(StringComparer.Ordinal)
    {
        ["selfHarm"] = RiskCategory.SelfHarm,
        ["harmFromOthers"] = RiskCategory.HarmFromOthers,
        ["harmToOthers"] = RiskCategory.HarmToOthers,
        ["immediateDanger"] = RiskCategory.ImmediateDanger,
    };

    public static string NameOf(RiskCategory category) => ByName.First(p => p.Value == category).Key;

    /// <summary>Categories stored by name, comma-separated (as requests and concerns keep them).</summary>
    public static IReadOnlyList<RiskCategory> Parse(string names) =>
        [.. names.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => ByName[n])];

    /// <summary>The stored names with <paramref name="more"/> added: each once, in a fixed order.</summary>
    public static string Merge(string names, IEnumerable<RiskCategory> more) =>
        string.Join(',', Parse(names).Concat(more).Distinct().Order().Select(NameOf));
}

/// <summary>
/// Where in the screened text a risk phrase was found: offsets into the original string only. The
/// text itself is never part of a result, so a result may be stored, logged or audited safely.
/// </summary>
public sealed record RiskSpan(int Start, int Length, RiskCategory Category, RiskLevel Level, string Language, bool Negated);

/// <summary>What the free-text check found.</summary>
public sealed record TextRiskResult(RiskLevel Level, IReadOnlyList<RiskCategory> Categories, IReadOnlyList<RiskSpan> Spans)
{
    public static readonly TextRiskResult Empty = new(RiskLevel.None, [], []);
}

/// <summary>What one answered (or unanswered) screen question contributes.</summary>
public sealed record QuestionFinding(string QuestionId, ScreenAnswer Answer, RiskLevel Level, IReadOnlyList<RiskCategory> Categories);

/// <summary>
/// The outcome of a safety screen, for the request flow to act on. Contains no text the person wrote.
/// </summary>
/// <param name="Level">The highest level from the answers and the text.</param>
/// <param name="Categories">Every category any answer or phrase pointed to.</param>
/// <param name="Answers">One finding per screen question, in question order.</param>
/// <param name="Text">What the free-text check found (offsets only).</param>
public sealed record SafetyScreenResult(
    RiskLevel Level,
    IReadOnlyList<RiskCategory> Categories,
    IReadOnlyList<QuestionFinding> Answers,
    TextRiskResult Text)
{
    /// <summary>Show crisis resources and immediate options at once (before anything else on the page).</summary>
    public bool ShowCrisisResources => Level >= RiskLevel.Possible;

    /// <summary>Alert the coordinator now (with the level and categories, never the text).</summary>
    public bool AlertCoordinator => Level >= RiskLevel.Possible;

    /// <summary>Where the request goes in the queue: high risk to the front, possible risk ahead of routine.</summary>
    public QueuePriority Priority => PriorityOf(Level);

    /// <summary>High risk to the front of the queue, possible risk ahead of routine.</summary>
    public static QueuePriority PriorityOf(RiskLevel level) => level switch
    {
        RiskLevel.High => QueuePriority.Urgent,
        RiskLevel.Possible => QueuePriority.Raised,
        _ => QueuePriority.Routine,
    };
}
