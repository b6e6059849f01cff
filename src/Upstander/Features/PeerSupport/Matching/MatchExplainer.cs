using System.Globalization;

namespace Upstander.Features.PeerSupport.Matching;

/// <summary>
/// Turns a match, or its absence, into words: a score breakdown for coordinators and a plain sentence for
/// the requester. The requester's sentence is built only from what the requester asked for (their language,
/// their wanted tags) and yes/no facts; it never names the supporter, a department or anyone in the chart.
/// </summary>
internal static class MatchExplainer
{
    public const string OutsideDepartmentTerm = "Outside the requester's department";
    public const string SharedExperienceTerm = "Shared experience";
    public const string LoadBalanceTerm = "Spare capacity";
    public const string FeedbackTerm = "Past feedback";

    /// <summary>
    /// The feedback term's value in a coordinator's summary when the supporter has no ratings that count: the source
    /// (<c>SupporterFeedback</c>) passes none below the minimum group size, so the term is neutral and nothing of a
    /// requester's rating can be read back from the summary.
    /// </summary>
    public const string TooFewRatings = "too few ratings to show (neutral)";

    public static MatchExplanation Explain(EligibilityIndex index, SupportRequest request, int s, int slot)
    {
        var scoring = index.Scoring;
        var options = scoring.Options;
        var supporter = index.Supporters[s];
        var outside = MatchScoring.IsOutsideDepartment(request, supporter);
        var shared = index.SharedTags(request, s);
        var wanted = request.WantedTags.Select(EligibilityIndex.Normalize).Where(t => t.Length > 0).Distinct().Count();
        ScoreTerm[] terms =
        [
            new(OutsideDepartmentTerm, options.OutsideDepartmentWeight, outside ? 1 : 0, scoring.OutsidePoints(outside)),
            new(SharedExperienceTerm, options.SharedExperienceWeight, wanted == 0 ? 0 : (double)shared.Count / wanted, scoring.TagPoints(shared.Count, wanted)),
            new(LoadBalanceTerm, options.LoadBalanceWeight, MatchScoring.LoadValue(supporter, slot), index.LoadPoints(s, slot)),
            new(FeedbackTerm, options.FeedbackWeight, scoring.FeedbackValue(supporter.Feedback), index.FeedbackPoints(s)),
        ];
        var points = terms.Sum(t => t.Points);
        var rules = new List<HardRule>
        {
            HardRule.CertifiedAndActive, HardRule.NotPaused, HardRule.Available, HardRule.UnderCaseloadCap,
            HardRule.NotTheRequester, HardRule.OutsideRequesterManagementChain, HardRule.AwayFromNamedPeopleAndTheirChains,
            HardRule.NotBlockedByRequester,
        };
        var language = string.IsNullOrWhiteSpace(request.Language) ? null : LanguageName(request.Language);
        if (language is not null)
        {
            rules.Add(HardRule.SpeaksRequestedLanguage);
        }
        var breakdown = string.Join("; ", terms.Select(t => string.Create(CultureInfo.InvariantCulture,
            $"{t.Name} {(t.Name == FeedbackTerm && supporter.Feedback.Count == 0 ? TooFewRatings : t.Value.ToString("0.###", CultureInfo.InvariantCulture))} × weight {t.Weight:0.###} = {t.Contribution:0.###}")));
        var who = supporter.Name ?? supporter.PersonId.ToString();
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{who}: score {MatchScoring.ToScore(points):0.###} ({breakdown}). Hard rules checked: {string.Join(", ", rules)}.");
        return new MatchExplanation(supporter.PersonId, points, terms, rules, summary, ForRequester(request, outside, language, shared));
    }

    private static RequesterView ForRequester(SupportRequest request, bool outside, string? language, IReadOnlyList<string> shared)
    {
        var clauses = new List<string>();
        if (language is not null)
        {
            clauses.Add($"who speaks {language}");
        }
        if (shared.Count > 0)
        {
            clauses.Add($"who has shared experience with {JoinWords(shared.Select(t => t.Trim()).ToList())}");
        }
        var text = "A trained peer supporter" + (outside ? " from another department" : "");
        text += clauses.Count switch
        {
            0 => ".",
            1 => $", {clauses[0]}.",
            _ => $", {string.Join(", ", clauses.Take(clauses.Count - 1))}, and {clauses[^1]}.",
        };
        text += request.SourcesOfHarm.Count > 0
            ? " They are outside your management chain and not connected to the people you named."
            : " They are outside your management chain.";
        return new RequesterView(outside, language, shared, text);
    }

    private static string JoinWords(List<string> words) => words.Count switch
    {
        1 => words[0],
        2 => $"{words[0]} and {words[1]}",
        _ => $"{string.Join(", ", words.Take(words.Count - 1))} and {words[^1]}",
    };

    /// <summary>The English name of a language code ("pl" → "Polish"); the code itself when it is not one .NET knows.</summary>
    public static string LanguageName(string code)
    {
        var trimmed = code.Trim();
        try
        {
            var culture = CultureInfo.GetCultureInfo(trimmed, predefinedOnly: true);
            return culture.Parent is { Name.Length: > 0 } parent && culture.Name.Contains('-', StringComparison.Ordinal) ? parent.EnglishName : culture.EnglishName;
        }
        catch (CultureNotFoundException)
        {
            return trimmed;
        }
    }

    /// <summary>
    /// Why nobody can take the request. Coordinators get the precise reason and the funnel's counts. The requester's
    /// words come from the funnel with their blocked supporters left out from the start: they read the same whether the
    /// people they blocked are available or not, so changing the block list cannot be used to find out who is available
    /// ("all blocked" reads as whichever earlier rule leaves nobody, at the latest "no peer supporter is available").
    /// </summary>
    public static UnmatchedExplanation Unmatched(EligibilityIndex index, SupportRequest request)
    {
        var funnel = index.Funnel(request);
        var language = string.IsNullOrWhiteSpace(request.Language) ? null : LanguageName(request.Language);
        var (reason, _) = Reason(funnel, language);
        var (_, text) = Reason(index.Funnel(request, blockedLeftOut: true), language);
        var spoken = language is null ? "other than the requester" : $"speak {language}";
        var busy = reason == UnmatchedReason.AllBusy ? " Their capacity went to requests ranked ahead (urgent first, then more matches, then higher scores)." : "";
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Unmatched ({reason}): {funnel.Offered} supporters offered; {funnel.SpeakLanguage} {spoken}; {funnel.OutsideManagementChain} outside the requester's chain; {funnel.AwayFromNamedPeople} away from the named people's chains; {funnel.NotBlocked} not blocked.{busy}");
        return new UnmatchedExplanation(reason, funnel, funnel.NotBlocked, summary, text);
    }

    /// <summary>The first hard rule that left nobody in <paramref name="funnel"/>, and the requester's words for it.</summary>
    private static (UnmatchedReason Reason, string Text) Reason(EligibilityFunnel funnel, string? language)
    {
        var speaks = language is null ? "" : $" speaks {language}";
        return funnel switch
        {
            { Offered: 0 } => (UnmatchedReason.NoSupporterAvailable, "No peer supporter is available right now."),
            { SpeakLanguage: 0 } => (UnmatchedReason.NoneSpeaksLanguage, $"No available supporter{speaks} right now."),
            { OutsideManagementChain: 0 } => (UnmatchedReason.AllInManagementChain,
                language is null ? "No supporter outside your management chain is available right now." : $"No supporter outside your management chain{speaks} right now."),
            { AwayFromNamedPeople: 0 } => (UnmatchedReason.AllConnectedToNamedPeople,
                $"No supporter{(language is null ? "" : $" who{speaks}")} is outside both your management chain and that of the people you named right now."),
            { NotBlocked: 0 } => (UnmatchedReason.AllBlocked, "No peer supporter is available right now."),
            _ => (UnmatchedReason.AllBusy, BusyText),
        };
    }

    /// <summary>Everyone who could help is taken by requests ranked ahead; the count is of supporters every hard rule allowed.</summary>
    public static UnmatchedExplanation Busy(int eligible) => new(
        UnmatchedReason.AllBusy,
        null,
        eligible,
        string.Create(CultureInfo.InvariantCulture,
            $"Unmatched (AllBusy): {eligible} supporters passed every hard rule; their capacity went to requests ranked ahead (urgent first, then more matches, then higher scores)."),
        BusyText);

    private const string BusyText = "Every supporter who could help is taking other requests right now. Your request stays in the queue.";

    /// <summary>Outcomes and objective for an assignment (supporter index per request, or -1), shared by the optimal and greedy matchers.</summary>
    public static QueueAssignment Report(EligibilityIndex index, IReadOnlyList<SupportRequest> queue, int[] supporterOf, int[] eligibleCount, AssignmentStatistics statistics)
    {
        // Each supporter's new cases take their slots urgent first, then in queue order: the load terms add up the same whichever way.
        var nextSlot = new int[index.Count];
        var order = Enumerable.Range(0, queue.Count).OrderByDescending(r => queue[r].Urgency).ThenBy(r => r);
        var outcomes = new RequestOutcome[queue.Count];
        int urgent = 0, matched = 0;
        long points = 0;
        foreach (var r in order)
        {
            var request = queue[r];
            var s = supporterOf[r];
            if (s < 0)
            {
                outcomes[r] = new RequestOutcome(request.Id, null, null, eligibleCount[r] > 0 ? Busy(eligibleCount[r]) : Unmatched(index, request));
                continue;
            }
            var explanation = Explain(index, request, s, nextSlot[s]++);
            outcomes[r] = new RequestOutcome(request.Id, explanation.SupporterId, explanation, null);
            matched++;
            urgent += request.Urgency == Urgency.Urgent ? 1 : 0;
            points += explanation.Points;
        }
        return new QueueAssignment(outcomes, new AssignmentObjective(urgent, matched, points), statistics);
    }
}
