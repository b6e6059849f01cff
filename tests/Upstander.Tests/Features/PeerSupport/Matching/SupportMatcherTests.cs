using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.People;
using static Upstander.Tests.Features.PeerSupport.Matching.MatchingWorld;

namespace Upstander.Tests.Features.PeerSupport.Matching;

public sealed class SupportMatcherTests
{
    private static readonly SupportMatcher Matcher = new(MatchingOptions.Default);
    private static readonly MatchScoring Scoring = new(MatchingOptions.Default);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void No_assignment_or_suggestion_ever_breaks_a_hard_rule_or_a_cap(int seed)
    {
        var world = MatchingWorld.Random(seed, people: 300, supporters: 60, requests: 150);
        foreach (var (name, result) in new[] { ("optimal", Matcher.AssignQueue(world.Queue, world.Pool)), ("greedy", new GreedyMatcher(MatchingOptions.Default).AssignQueue(world.Queue, world.Pool)) })
        {
            var taken = new Dictionary<Guid, int>();
            for (var r = 0; r < world.Queue.Count; r++)
            {
                var outcome = result.Outcomes[r];
                outcome.RequestId.ShouldBe(world.Queue[r].Id);
                if (outcome.SupporterId is not { } id)
                {
                    outcome.Unmatched.ShouldNotBeNull();
                    continue;
                }
                var supporter = world.Supporter(id);
                world.BrokenRule(world.Queue[r], supporter).ShouldBeNull($"seed {seed}, {name}: request {r} matched with {id}");
                taken[id] = taken.GetValueOrDefault(id) + 1;
                (supporter.OpenCases + taken[id]).ShouldBeLessThanOrEqualTo(supporter.Cap, $"seed {seed}, {name}: cap of {id}");
            }
            result.Objective.ShouldBe(world.Objective(Scoring, result.Outcomes.Select(o => o.SupporterId).ToList()), $"seed {seed}, {name}");
        }

        foreach (var request in world.Queue.Take(30))
        {
            var suggestions = Matcher.Suggest(request, world.Pool).Suggestions;
            suggestions.Count.ShouldBeLessThanOrEqualTo(3);
            suggestions.ShouldAllBe(s => world.BrokenRule(request, world.Supporter(s.SupporterId)) == null, $"seed {seed}");
            suggestions.Select(s => s.Score).ShouldBeInOrder(SortDirection.Descending, $"seed {seed}");
            var eligible = world.Pool.Supporters.Count(s => world.BrokenRule(request, s) is null);
            suggestions.Count.ShouldBe(Math.Min(3, eligible), $"seed {seed}");
        }
    }

    [Fact]
    public void The_assignment_is_optimal_against_brute_force_on_small_cases()
    {
        var compared = 0;
        for (var seed = 100; seed < 160; seed++)
        {
            var world = MatchingWorld.Random(seed, people: 25, supporters: 5, requests: 6, maxCap: 2);
            var result = Matcher.AssignQueue(world.Queue, world.Pool);
            var best = world.BruteForceBest(Scoring);
            result.Objective.ShouldBe(best, $"seed {seed}");
            compared += best.Matched > 0 ? 1 : 0;
        }
        compared.ShouldBeGreaterThan(40, "most random cases should have something to match");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void Pruned_candidate_lists_never_change_the_answer_because_pricing_proves_it(int seed)
    {
        // One candidate per request and none per supporter: pricing must bring in every edge that matters.
        var world = MatchingWorld.Random(seed, people: 400, supporters: 80, requests: 250, maxCap: 4);
        var pruned = new SupportMatcher(MatchingOptions.Default) { CandidatesPerRequest = 1, CandidatesPerSupporterSlot = 0, CandidatesPerSupporterExtra = 0 };
        var full = new SupportMatcher(MatchingOptions.Default) { CandidatesPerRequest = int.MaxValue / 2 };
        var a = pruned.AssignQueue(world.Queue, world.Pool);
        var b = full.AssignQueue(world.Queue, world.Pool);
        a.Statistics.PricingRounds.ShouldBeGreaterThan(1, $"seed {seed}: pruning should have needed pricing");
        b.Statistics.CandidateEdges.ShouldBe((int)b.Statistics.EligiblePairs);
        a.Objective.ShouldBe(b.Objective, $"seed {seed}");
    }

    [Fact]
    public void Greedy_first_come_does_worse_than_the_optimal_assignment_when_an_early_request_takes_the_only_fit()
    {
        var (chart, a, b) = TwoSupporterChart();
        var first = Request(1, language: null);
        var second = Request(2, language: "cy"); // only A speaks Welsh
        var pool = new MatchingPool(chart, [a with { Feedback = new FeedbackStats(10, 5) }, b], new HashSet<Guid> { a.PersonId, b.PersonId });

        var greedy = new GreedyMatcher(MatchingOptions.Default).AssignQueue([first, second], pool);
        var optimal = Matcher.AssignQueue([first, second], pool);

        greedy.Outcomes[0].SupporterId.ShouldBe(a.PersonId, "first come takes the best-rated supporter");
        greedy.Outcomes[1].SupporterId.ShouldBeNull();
        optimal.Outcomes[0].SupporterId.ShouldBe(b.PersonId);
        optimal.Outcomes[1].SupporterId.ShouldBe(a.PersonId);
        optimal.Objective.Matched.ShouldBe(2);
        optimal.Objective.ShouldBeGreaterThan(greedy.Objective);
    }

    [Fact]
    public void Urgent_requests_take_short_capacity_before_better_scoring_normal_ones()
    {
        var (chart, a, _) = TwoSupporterChart();
        var normal = Request(1, language: null) with { WantedTags = ["grief"] };
        var urgent = Request(2, language: null) with { Urgency = Urgency.Urgent, WantsOutsideDepartment = false };
        var pool = new MatchingPool(chart, [a with { SharedTags = ["grief"] }], new HashSet<Guid> { a.PersonId });

        var result = Matcher.AssignQueue([normal, urgent], pool);

        result.Outcomes[1].SupporterId.ShouldBe(a.PersonId);
        result.Outcomes[0].Unmatched!.Reason.ShouldBe(UnmatchedReason.AllBusy);
        result.Objective.UrgentMatched.ShouldBe(1);
    }

    [Fact]
    public void Cases_are_spread_when_supporters_have_room_and_one_rating_does_not_outweigh_many()
    {
        var (chart, a, b) = TwoSupporterChart();
        var pool = new MatchingPool(chart, [a with { Cap = 2 }, b with { Cap = 2 }], new HashSet<Guid> { a.PersonId, b.PersonId });
        var result = Matcher.AssignQueue([Request(1, null), Request(2, null)], pool);
        result.Outcomes.Select(o => o.SupporterId).ShouldBe([a.PersonId, b.PersonId], ignoreOrder: true);

        Scoring.FeedbackValue(FeedbackStats.None).ShouldBe(0.5);
        Scoring.FeedbackValue(new FeedbackStats(1, 5)).ShouldBeLessThan(Scoring.FeedbackValue(new FeedbackStats(20, 4.5)));
        Scoring.FeedbackValue(new FeedbackStats(1, 1)).ShouldBeGreaterThan(0.3, "one bad rating moves the neutral prior only a little");
    }

    public static TheoryData<string> Rules => new()
    {
        "not certified", "paused", "unavailable", "at cap", "requester", "requester's manager", "requester's report",
        "named person", "named person's manager", "named person's report", "blocked", "language",
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_hard_rule_excludes_the_supporter_who_would_otherwise_be_best(string rule)
    {
        // People: 1 tops 2 and 3; 2 manages 4 (the requester) and 5; 4 manages 6; 3 manages 7 and 8; 7 manages 9.
        var chart = OrgChart.Build([(Id(1), null), (Id(2), Id(1)), (Id(3), Id(1)), (Id(4), Id(2)), (Id(5), Id(2)), (Id(6), Id(4)), (Id(7), Id(3)), (Id(8), Id(3)), (Id(9), Id(7))]);
        var bestId = rule switch
        {
            "requester" => Id(4),
            "requester's manager" => Id(2),
            "requester's report" => Id(6),
            "named person" => Id(7),
            "named person's manager" => Id(3),
            "named person's report" => Id(9),
            _ => Id(8),
        };
        var best = new SupporterProfile
        {
            PersonId = bestId,
            Name = "Best Supporter",
            DepartmentId = Id(800),
            Languages = ["en", "cy"],
            SharedTags = ["grief"],
            Cap = 3,
            OpenCases = 0,
            Feedback = new FeedbackStats(30, 5),
            Paused = rule == "paused",
            Available = rule != "unavailable",
        };
        if (rule == "at cap")
        {
            best = best with { OpenCases = 3 };
        }
        if (rule == "language")
        {
            best = best with { Languages = ["en"] };
        }
        var other = new SupporterProfile { PersonId = Id(5) == bestId ? Id(1) : Id(5), Name = "Other Supporter", DepartmentId = Id(801), Languages = ["en", "cy"], Cap = 1 };
        var current = new HashSet<Guid> { other.PersonId };
        if (rule != "not certified")
        {
            current.Add(best.PersonId);
        }
        var request = new SupportRequest
        {
            Id = Guid.NewGuid(),
            RequesterId = Id(4),
            DepartmentId = Id(801),
            WantedTags = ["grief"],
            Language = "cy",
            SourcesOfHarm = [Id(7)],
            BlockedSupporters = rule == "blocked" ? [bestId] : [],
        };
        // Id(5) is a peer of the requester (same manager, not in line); Id(7)'s line is 3 and 9 (and 1 above).
        other = other with { PersonId = Id(5) };
        var pool = new MatchingPool(chart, [best, other], current);

        Matcher.AssignQueue([request], pool).Outcomes[0].SupporterId.ShouldBe(other.PersonId, rule);
        Matcher.Suggest(request, pool).Suggestions.Select(s => s.SupporterId).ShouldBe([other.PersonId], rule);

        // Control: without the rule's cause, the same supporter wins.
        var fixedPool = new MatchingPool(chart, [new SupporterProfile
        {
            PersonId = Id(8), Name = "Best Supporter", DepartmentId = Id(800), Languages = ["en", "cy"], SharedTags = ["grief"], Cap = 3, Feedback = new FeedbackStats(30, 5),
        }, other], new HashSet<Guid> { Id(8), other.PersonId });
        Matcher.AssignQueue([request with { BlockedSupporters = [] }], fixedPool).Outcomes[0].SupporterId.ShouldBe(Id(8));
    }

    [Fact]
    public void Explanations_add_up_for_coordinators_and_reveal_nothing_private_to_the_requester()
    {
        var world = MatchingWorld.Random(7, people: 200, supporters: 40, requests: 80);
        var result = Matcher.AssignQueue(world.Queue, world.Pool);
        var forbidden = world.Pool.Supporters.SelectMany(s => new[] { s.Name!, s.PersonId.ToString(), s.DepartmentId.ToString()! })
            .Concat(world.Queue.SelectMany(r => world.Chart.Managers(r.RequesterId).Select(m => m.ToString())))
            .Concat(["Person", "manager", "reports to", "department " + Id(900_000)])
            .ToList();
        var matched = result.Outcomes.Where(o => o.Match is not null).ToList();
        matched.Count.ShouldBeGreaterThan(10);
        foreach (var outcome in matched)
        {
            var match = outcome.Match!;
            match.Terms.Sum(t => t.Points).ShouldBe(match.Points);
            match.Terms.Sum(t => t.Contribution).ShouldBe(match.Score, 1e-9);
            match.Terms.ShouldAllBe(t => Math.Abs(t.Points - Math.Round(t.Weight * MatchScoring.PointsPerUnit * t.Value)) <= 1);
            match.RulesChecked.ShouldContain(HardRule.OutsideRequesterManagementChain);
            match.CoordinatorSummary.ShouldContain(world.Supporter(match.SupporterId).Name!);
            foreach (var text in forbidden)
            {
                match.ForRequester.Text.ShouldNotContain(text, Case.Insensitive);
            }
        }
        foreach (var outcome in result.Outcomes.Where(o => o.Unmatched is not null))
        {
            foreach (var text in forbidden)
            {
                outcome.Unmatched!.RequesterText.ShouldNotContain(text, Case.Insensitive);
            }
        }
        result.Objective.Points.ShouldBe(matched.Sum(o => o.Match!.Points));
    }

    [Fact]
    public void Requester_words_name_what_they_asked_for_and_unmatched_requests_say_which_rule_left_nobody()
    {
        var (chart, a, b) = TwoSupporterChart();
        var pool = new MatchingPool(chart, [a with { Languages = ["en", "pl"], SharedTags = ["Grief"] }, b], new HashSet<Guid> { a.PersonId, b.PersonId });
        var polish = Request(1, "pl") with { WantedTags = ["grief", "racism"] };
        var text = Matcher.Suggest(polish, pool).Suggestions.Single().Explanation.ForRequester.Text;
        text.ShouldBe("A trained peer supporter from another department, who speaks Polish, and who has shared experience with grief. They are outside your management chain.");

        // Id(3) manages supporter Id(5) (who alone speaks Welsh): a Welsh request from Id(3) has nobody outside its chain.
        var welsh = new MatchingPool(chart, [a with { Languages = ["en"] }, b with { Languages = ["cy"] }], new HashSet<Guid> { a.PersonId, b.PersonId });
        var none = Matcher.Suggest(Request(3, "cy"), welsh).None!;
        none.Reason.ShouldBe(UnmatchedReason.AllInManagementChain);
        none.RequesterText.ShouldBe("No supporter outside your management chain speaks Welsh right now.");
        none.Funnel!.SpeakLanguage.ShouldBe(1);
        Matcher.Suggest(Request(1, "ur"), welsh).None!.Reason.ShouldBe(UnmatchedReason.NoneSpeaksLanguage);
        Matcher.Suggest(Request(1, null) with { SourcesOfHarm = [Id(3), Id(1)] }, welsh).None!.Reason.ShouldBe(UnmatchedReason.AllConnectedToNamedPeople);
        Matcher.Suggest(Request(1, null) with { BlockedSupporters = [a.PersonId, b.PersonId] }, welsh).None!.Reason.ShouldBe(UnmatchedReason.AllBlocked);
        Matcher.Suggest(Request(1, null), new MatchingPool(chart, [a], new HashSet<Guid>())).None!.Reason.ShouldBe(UnmatchedReason.NoSupporterAvailable);
    }

    [Fact]
    public void The_requesters_words_read_the_same_whether_the_people_they_blocked_are_available_or_not()
    {
        var (chart, a, b) = TwoSupporterChart();
        var both = new MatchingPool(chart, [a, b], new HashSet<Guid> { a.PersonId, b.PersonId });

        // Everyone blocked: coordinators see why; the requester reads what they would if nobody were available at all.
        var everyone = Request(1, null) with { BlockedSupporters = [a.PersonId, b.PersonId] };
        var none = Matcher.Suggest(everyone, both).None!;
        none.Reason.ShouldBe(UnmatchedReason.AllBlocked);
        none.CoordinatorSummary.ShouldContain("0 not blocked");
        none.RequesterText.ShouldBe("No peer supporter is available right now.");
        none.RequesterText.ShouldBe(Matcher.Suggest(everyone, new MatchingPool(chart, [], new HashSet<Guid>())).None!.RequesterText);

        // Id(3) manages B. Blocking A leaves only B, in the requester's chain: it reads as it would with A paused.
        var fromManager = Request(3, null) with { BlockedSupporters = [a.PersonId] };
        var chain = Matcher.Suggest(fromManager, both).None!;
        chain.Reason.ShouldBe(UnmatchedReason.AllBlocked);
        chain.RequesterText.ShouldBe("No supporter outside your management chain is available right now.");
        chain.RequesterText.ShouldBe(Matcher.Suggest(fromManager, both with { Supporters = [a with { Paused = true }, b] }).None!.RequesterText);
    }

    [Fact]
    public void A_supporter_without_ratings_that_count_is_neutral_and_their_summary_shows_no_feedback_value()
    {
        var (chart, a, b) = TwoSupporterChart();
        var pool = new MatchingPool(chart, [a with { Cap = 2 }, b with { Cap = 2, Feedback = new FeedbackStats(5, 4.2) }], new HashSet<Guid> { a.PersonId, b.PersonId });
        var suggestions = Matcher.Suggest(Request(1, null), pool).Suggestions;

        var ada = suggestions.Single(s => s.SupporterId == a.PersonId).Explanation;
        ada.CoordinatorSummary.ShouldContain("Past feedback too few ratings to show (neutral) × weight 0.5 = 0.25");
        ada.Terms.Single(t => t.Name == "Past feedback").Points.ShouldBe(Scoring.FeedbackPoints(FeedbackStats.None));
        // Five ratings are an aggregate the minimum group size allows: (5·4.2 + 3·3) / 8 = 3.75, or 0.688 of the range.
        suggestions.Single(s => s.SupporterId == b.PersonId).Explanation.CoordinatorSummary.ShouldContain("Past feedback 0.688 × weight 0.5");
    }

    [Fact]
    public void Bad_input_is_refused_with_a_clear_message()
    {
        var (chart, a, b) = TwoSupporterChart();
        var ids = new HashSet<Guid> { a.PersonId, b.PersonId };
        Should.Throw<ArgumentException>(() => new SupportMatcher(new MatchingOptions { FeedbackWeight = -1 })).Message.ShouldContain("FeedbackWeight must be a number from 0 to 100");
        Should.Throw<ArgumentException>(() => new SupportMatcher(new MatchingOptions { LoadBalanceWeight = double.NaN })).Message.ShouldContain("LoadBalanceWeight");
        Should.Throw<ArgumentException>(() => new SupportMatcher(new MatchingOptions { FeedbackPriorMean = 7 })).Message.ShouldContain("FeedbackPriorMean");
        Should.Throw<ArgumentException>(() => Matcher.AssignQueue([Request(1, null)], new MatchingPool(chart, [a with { Cap = -1 }], ids))).Message.ShouldContain("caseload cap below zero");
        Should.Throw<ArgumentException>(() => Matcher.AssignQueue([Request(1, null)], new MatchingPool(chart, [a, a], ids))).Message.ShouldContain("appears more than once");
        var request = Request(1, null);
        Should.Throw<ArgumentException>(() => Matcher.AssignQueue([request, request], new MatchingPool(chart, [a], ids))).Message.ShouldContain($"Request {request.Id} appears more than once");
        Should.Throw<ArgumentException>(() => Matcher.Suggest(request, new MatchingPool(chart, [a with { OpenCases = -2 }], ids))).Message.ShouldContain("negative number of open cases");
    }

    /// <summary>1 tops 2 and 3; 2 manages 4 (supporter A); 3 manages 5 (supporter B). A is in department 800, B in 801.</summary>
    private static (OrgChart Chart, SupporterProfile A, SupporterProfile B) TwoSupporterChart()
    {
        var chart = OrgChart.Build([(Id(1), null), (Id(2), Id(1)), (Id(3), Id(1)), (Id(4), Id(2)), (Id(5), Id(3)), (Id(6), Id(1))]);
        var a = new SupporterProfile { PersonId = Id(4), Name = "Ada Supporter", DepartmentId = Id(800), Languages = ["en", "cy"], Cap = 1 };
        var b = new SupporterProfile { PersonId = Id(5), Name = "Ben Supporter", DepartmentId = Id(801), Languages = ["en"], Cap = 1 };
        return (chart, a, b);
    }

    /// <summary>A request from person Id(6) (in department 802, nobody's manager) unless <paramref name="person"/> says otherwise.</summary>
    private static SupportRequest Request(int n, string? language, int? person = null) => new()
    {
        Id = Id(1000 + n),
        RequesterId = person is { } p ? Id(p) : n == 3 ? Id(3) : Id(6),
        DepartmentId = Id(802),
        Language = language,
    };
}
