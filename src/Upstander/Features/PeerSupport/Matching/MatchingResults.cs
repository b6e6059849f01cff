namespace Upstander.Features.PeerSupport.Matching;

/// <summary>The hard rules, each checked for every supporter offered. None of them can be weighed away.</summary>
public enum HardRule
{
    CertifiedAndActive,
    NotPaused,
    Available,
    UnderCaseloadCap,
    NotTheRequester,
    OutsideRequesterManagementChain,
    AwayFromNamedPeopleAndTheirChains,
    NotBlockedByRequester,
    SpeaksRequestedLanguage,
}

/// <summary>One preference term of a match: its weight, the value from 0 to 1 it scored, and the points it added.</summary>
public sealed record ScoreTerm(string Name, double Weight, double Value, long Points)
{
    public double Contribution => MatchScoring.ToScore(Points);
}

/// <summary>What the requester is told about their supporter: never a name, a department or anything from the chart.</summary>
public sealed record RequesterView(bool FromAnotherDepartment, string? Language, IReadOnlyList<string> SharedExperience, string Text);

/// <summary>A match explained: the coordinator's score breakdown (terms add up to <see cref="Points"/>) and the requester's words.</summary>
public sealed record MatchExplanation(
    Guid SupporterId,
    long Points,
    IReadOnlyList<ScoreTerm> Terms,
    IReadOnlyList<HardRule> RulesChecked,
    string CoordinatorSummary,
    RequesterView ForRequester)
{
    public double Score => MatchScoring.ToScore(Points);
}

public enum UnmatchedReason
{
    NoSupporterAvailable,
    NoneSpeaksLanguage,
    AllInManagementChain,
    AllConnectedToNamedPeople,
    AllBlocked,
    AllBusy,
}

/// <summary>
/// Why a request has no supporter, in plain words for the requester and with counts for coordinators. When a hard
/// rule left nobody, <see cref="Funnel"/> counts the supporters left after each rule; when supporters were eligible
/// but busy, it is null and <see cref="EligibleSupporters"/> says how many passed every rule.
/// </summary>
public sealed record UnmatchedExplanation(UnmatchedReason Reason, EligibilityFunnel? Funnel, int EligibleSupporters, string CoordinatorSummary, string RequesterText);

/// <summary>One request's outcome: a supporter with the explanation, or why not.</summary>
public sealed record RequestOutcome(Guid RequestId, Guid? SupporterId, MatchExplanation? Match, UnmatchedExplanation? Unmatched);

/// <summary>
/// What an assignment achieves, compared in this order: urgent requests matched, then requests matched,
/// then total preference points (each match's department, tag and feedback terms, plus each supporter's
/// load term for every slot they fill).
/// </summary>
public readonly record struct AssignmentObjective(int UrgentMatched, int Matched, long Points) : IComparable<AssignmentObjective>
{
    public double Score => MatchScoring.ToScore(Points);

    public int CompareTo(AssignmentObjective other)
    {
        var c = UrgentMatched.CompareTo(other.UrgentMatched);
        if (c == 0)
        {
            c = Matched.CompareTo(other.Matched);
        }
        return c != 0 ? c : Points.CompareTo(other.Points);
    }

    public static bool operator <(AssignmentObjective a, AssignmentObjective b) => a.CompareTo(b) < 0;
    public static bool operator >(AssignmentObjective a, AssignmentObjective b) => a.CompareTo(b) > 0;
    public static bool operator <=(AssignmentObjective a, AssignmentObjective b) => a.CompareTo(b) <= 0;
    public static bool operator >=(AssignmentObjective a, AssignmentObjective b) => a.CompareTo(b) >= 0;
}

/// <summary>How the optimal assignment was reached: pairs every hard rule allowed, edges the solver used, and pricing rounds.</summary>
public sealed record AssignmentStatistics(long EligiblePairs, int CandidateEdges, int PricingRounds);

public sealed record QueueAssignment(IReadOnlyList<RequestOutcome> Outcomes, AssignmentObjective Objective, AssignmentStatistics Statistics);

public sealed record Suggestion(Guid SupporterId, MatchExplanation Explanation)
{
    public double Score => Explanation.Score;
}

/// <summary>Up to three suggestions, best first; when there are none, why.</summary>
public sealed record SuggestionResult(IReadOnlyList<Suggestion> Suggestions, UnmatchedExplanation? None);
