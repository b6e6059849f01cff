using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.People;

namespace Upstander.Tests.Features.PeerSupport.Matching;

/// <summary>Random organisations, supporters and queues from a seed, and the hard rules written out naively.</summary>
internal sealed record MatchingWorld(OrgChart Chart, MatchingPool Pool, List<SupportRequest> Queue)
{
    public static readonly string[] Languages = ["en", "pl", "cy"];
    public static readonly string[] Tags = ["grief", "racism", "caring", "disability"];

    public static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    public static MatchingWorld Random(int seed, int people, int supporters, int requests, int maxCap = 3)
    {
        var random = new Random(seed);
        var departments = Enumerable.Range(0, 4).Select(d => Id(900_000 + d)).ToArray();
        // Each person reports to someone earlier in a window: trees several levels deep, with a few tops.
        var chart = OrgChart.Build(Enumerable.Range(0, people)
            .Select(i => (Id(i), i < 3 ? (Guid?)null : Id(random.Next(Math.Max(0, (i / 2) - 4), i)))).ToList());
        var profiles = new List<SupporterProfile>();
        var current = new HashSet<Guid>();
        foreach (var p in Pick(random, people, supporters))
        {
            var cap = random.Next(0, maxCap + 1);
            profiles.Add(new SupporterProfile
            {
                PersonId = Id(p),
                Name = $"Supporter Person {p}",
                DepartmentId = departments[random.Next(departments.Length)],
                Languages = Languages.Where(_ => random.NextDouble() < 0.5).ToArray(),
                SharedTags = Tags.Where(_ => random.NextDouble() < 0.4).ToArray(),
                Cap = cap,
                OpenCases = random.Next(0, cap + 1) / 2,
                Paused = random.NextDouble() < 0.1,
                Available = random.NextDouble() < 0.9,
                Feedback = random.NextDouble() < 0.5 ? FeedbackStats.None : new FeedbackStats(random.Next(1, 6), 1 + (4 * random.NextDouble())),
            });
            if (random.NextDouble() < 0.9)
            {
                current.Add(Id(p));
            }
        }
        var queue = new List<SupportRequest>();
        foreach (var p in Pick(random, people, requests))
        {
            queue.Add(new SupportRequest
            {
                Id = Guid.NewGuid(),
                RequesterId = Id(p),
                DepartmentId = departments[random.Next(departments.Length)],
                Urgency = random.NextDouble() < 0.3 ? Urgency.Urgent : Urgency.Normal,
                Language = random.NextDouble() < 0.5 ? null : Languages[random.Next(Languages.Length)],
                WantsOutsideDepartment = random.NextDouble() < 0.7,
                WantedTags = Tags.Where(_ => random.NextDouble() < 0.3).ToArray(),
                SourcesOfHarm = Enumerable.Range(0, random.Next(0, 3)).Select(_ => Id(random.Next(people))).ToArray(),
                BlockedSupporters = profiles.Count > 0 && random.NextDouble() < 0.3 ? [profiles[random.Next(profiles.Count)].PersonId] : [],
            });
        }
        return new MatchingWorld(chart, new MatchingPool(chart, profiles, current), queue);
    }

    private static int[] Pick(Random random, int people, int count) =>
        Enumerable.Range(0, people).OrderBy(_ => random.Next()).Take(Math.Min(count, people)).ToArray();

    public SupporterProfile Supporter(Guid id) => Pool.Supporters.Single(s => s.PersonId == id);

    /// <summary>Every hard rule, written out one by one without the engine's index. Null when allowed, else the broken rule.</summary>
    public string? BrokenRule(SupportRequest request, SupporterProfile s)
    {
        if (!Pool.CurrentSupporterIds.Contains(s.PersonId))
        {
            return "not certified and active";
        }
        if (s.Paused)
        {
            return "paused";
        }
        if (!s.Available)
        {
            return "not available";
        }
        if (s.OpenCases >= s.Cap)
        {
            return "at caseload cap";
        }
        if (s.PersonId == request.RequesterId)
        {
            return "the requester themself";
        }
        if (Chart.InSameLine(s.PersonId, request.RequesterId))
        {
            return "in the requester's management chain";
        }
        if (request.SourcesOfHarm.Any(h => h == s.PersonId || Chart.InSameLine(h, s.PersonId)))
        {
            return "a named person or in their chain";
        }
        if (request.BlockedSupporters.Contains(s.PersonId))
        {
            return "blocked";
        }
        if (request.Language is { } language && !s.Languages.Contains(language, StringComparer.OrdinalIgnoreCase))
        {
            return "does not speak the language";
        }
        return null;
    }

    /// <summary>The objective written out from its definition, for any assignment (supporter id or null per request).</summary>
    public AssignmentObjective Objective(MatchScoring scoring, IReadOnlyList<Guid?> supporterOf)
    {
        int urgent = 0, matched = 0;
        long points = 0;
        var taken = new Dictionary<Guid, int>();
        for (var r = 0; r < Queue.Count; r++)
        {
            if (supporterOf[r] is not { } id)
            {
                continue;
            }
            var request = Queue[r];
            var s = Supporter(id);
            matched++;
            urgent += request.Urgency == Urgency.Urgent ? 1 : 0;
            var wanted = request.WantedTags.Select(t => t.Trim().ToLowerInvariant()).Distinct().ToList();
            var shared = wanted.Count(t => s.SharedTags.Any(x => string.Equals(x.Trim(), t, StringComparison.OrdinalIgnoreCase)));
            points += scoring.OutsidePoints(MatchScoring.IsOutsideDepartment(request, s)) + scoring.TagPoints(shared, wanted.Count) + scoring.FeedbackPoints(s.Feedback);
            var slot = taken.GetValueOrDefault(id);
            points += scoring.LoadPoints(s, slot);
            taken[id] = slot + 1;
        }
        return new AssignmentObjective(urgent, matched, points);
    }

    /// <summary>The best objective over every feasible assignment, by enumeration (small cases only).</summary>
    public AssignmentObjective BruteForceBest(MatchScoring scoring)
    {
        var options = Queue.Select(r => Pool.Supporters.Where(s => BrokenRule(r, s) is null).Select(s => s.PersonId).ToArray()).ToArray();
        var choice = new Guid?[Queue.Count];
        var used = new Dictionary<Guid, int>();
        var best = new AssignmentObjective(-1, -1, -1);
        void Walk(int r)
        {
            if (r == Queue.Count)
            {
                var value = Objective(scoring, choice);
                if (value > best)
                {
                    best = value;
                }
                return;
            }
            choice[r] = null;
            Walk(r + 1);
            foreach (var id in options[r])
            {
                var s = Supporter(id);
                if (used.GetValueOrDefault(id) < s.Cap - s.OpenCases)
                {
                    used[id] = used.GetValueOrDefault(id) + 1;
                    choice[r] = id;
                    Walk(r + 1);
                    used[id]--;
                }
            }
            choice[r] = null;
        }
        Walk(0);
        return best;
    }
}
