namespace Upstander.Features.PeerSupport.Matching;

/// <summary>
/// Matches people asking for support with trained peer supporters. Hard rules decide who may be offered;
/// weighted preferences decide who is best. <see cref="Suggest"/> gives one requester up to three choices;
/// <see cref="AssignQueue"/> assigns a whole queue optimally: first as many urgent requests as possible, then
/// as many requests as possible, then the highest total preference score.
/// </summary>
/// <remarks>
/// <para>The queue is a minimum-cost flow problem (see <see cref="MinCostAssignment"/>): each request goes to a
/// supporter slot or stays unmatched, and staying unmatched costs <c>B</c> (<c>2B</c> if urgent), where
/// <c>B = n·W + 1</c> exceeds any difference in total preference points (<c>W</c> is the most one match can score).
/// The minimum cost therefore maximises (urgent matched + matched) first, then points. Requests that can be
/// matched together form a matroid (a transversal one), so a set with the most urgent requests extends to a
/// largest set: the minimum reaches the most urgent and the most matches at once, which is the order wanted.</para>
/// <para>No pruning is trusted. The solver starts on a sparse candidate graph (each request's best
/// <see cref="RequestCandidates"/> supporters, and each supporter's best few requests), then prices every pair
/// the hard rules allow against the final potentials. A pair with negative reduced cost would improve the
/// answer, so it joins the graph and the graph is solved again; when no pair does, the potentials prove the
/// assignment optimal over all eligible pairs.</para>
/// </remarks>
public sealed class SupportMatcher
{
    public const int RequestCandidates = 12;
    public const int SupporterCandidatesPerSlot = 3;
    public const int SupporterCandidatesExtra = 8;
    public const int PricingAdditions = 32;

    private readonly MatchScoring _scoring;

    public SupportMatcher(MatchingOptions options)
    {
        _scoring = new MatchScoring(options);
    }

    public MatchingOptions Options => _scoring.Options;

    /// <summary>Sizes of the starting candidate lists. They change only speed, never the answer (tests shrink them to prove it).</summary>
    internal int CandidatesPerRequest { get; init; } = RequestCandidates;
    internal int CandidatesPerSupporterSlot { get; init; } = SupporterCandidatesPerSlot;
    internal int CandidatesPerSupporterExtra { get; init; } = SupporterCandidatesExtra;

    /// <summary>Up to three eligible supporters for one request, best first, each explained; or why there are none.</summary>
    public SuggestionResult Suggest(SupportRequest request, MatchingPool pool)
    {
        ArgumentNullException.ThrowIfNull(request);
        var index = new EligibilityIndex(pool, _scoring);
        var supporters = new int[index.Count];
        var points = new long[index.Count];
        var count = index.Scan(request, supporters, points);
        var best = Enumerable.Range(0, count)
            .Select(i => (S: supporters[i], Points: points[i] + index.LoadPoints(supporters[i], 0)))
            .OrderByDescending(c => c.Points)
            .ThenBy(c => index.Supporters[c.S].PersonId)
            .Take(MatchingOptions.MaxSuggestions)
            .Select(c => new Suggestion(index.Supporters[c.S].PersonId, MatchExplainer.Explain(index, request, c.S, 0)))
            .ToList();
        return new SuggestionResult(best, best.Count == 0 ? MatchExplainer.Unmatched(index, request) : null);
    }

    /// <summary>Assigns the whole queue optimally (see the class remarks), every match and non-match explained.</summary>
    public QueueAssignment AssignQueue(IReadOnlyList<SupportRequest> queue, MatchingPool pool)
    {
        ValidateQueue(queue);
        var index = new EligibilityIndex(pool, _scoring);
        var n = queue.Count;
        var m = index.Count;

        // Slots: each supporter's remaining capacity, costing (load weight - load points) so cheaper slots come first.
        var slotStart = new int[m + 1];
        for (var s = 0; s < m; s++)
        {
            slotStart[s + 1] = slotStart[s] + index.Supporters[s].RemainingCapacity;
        }
        var slotCost = new long[slotStart[m]];
        for (var s = 0; s < m; s++)
        {
            for (var j = slotStart[s]; j < slotStart[s + 1]; j++)
            {
                slotCost[j] = _scoring.LoadWeightPoints - index.LoadPoints(s, j - slotStart[s]);
            }
        }
        var maxPair = _scoring.MaxPairPoints;
        var unmatched = UnmatchedCosts(queue, maxPair + _scoring.LoadWeightPoints);

        var (eligible, eligiblePoints) = ScanAll(queue, index);
        var eligiblePairs = eligible.Sum(e => (long)e.Length);
        var candidates = InitialCandidates(queue, index, eligible, eligiblePoints);
        var order = Enumerable.Range(0, n).OrderByDescending(r => queue[r].Urgency).ThenBy(r => r).ToArray();
        var solver = new MinCostAssignment(m, candidates.Select(c => c.Select(e => e.S).ToArray()).ToArray(),
            candidates.Select(c => c.Select(e => e.Cost).ToArray()).ToArray(), unmatched, slotStart, slotCost);
        solver.Solve(order);
        var rounds = 1;
        while (true)
        {
            solver.TightenPotentials();

            // Pricing: an eligible pair outside the graph with negative reduced cost would improve the flow.
            // Each request brings in its most improving few; none left proves the flow optimal over every pair.
            var added = new List<(int S, long Cost)>?[n];
            Parallel.For(0, n, () => (Best: new TopList(PricingAdditions), InList: new int[m]), (r, _, local) =>
            {
                foreach (var (s, _) in candidates[r])
                {
                    local.InList[s] = r + 1;
                }
                local.Best.Clear();
                var sup = eligible[r];
                var pts = eligiblePoints[r];
                for (var i = 0; i < sup.Length; i++)
                {
                    var reduced = solver.ReducedCost(r, sup[i], maxPair - pts[i]);
                    if (reduced < 0 && local.InList[sup[i]] != r + 1)
                    {
                        local.Best.Offer(-reduced, i);
                    }
                }
                if (local.Best.Count > 0)
                {
                    added[r] = local.Best.Entries().Select(e => (sup[e.Item], maxPair - pts[e.Item])).ToList();
                }
                return local;
            }, _ => { });
            var improving = new List<int>();
            for (var r = 0; r < n; r++)
            {
                if (added[r] is { } more)
                {
                    candidates[r].AddRange(more);
                    solver.AddEdges(r, more);
                    improving.Add(r);
                }
            }
            if (improving.Count == 0)
            {
                var supporterOf = new int[n];
                for (var r = 0; r < n; r++)
                {
                    supporterOf[r] = solver.SupporterOf(r);
                }
                return MatchExplainer.Report(index, queue, supporterOf, Array.ConvertAll(eligible, e => e.Length),
                    new AssignmentStatistics(eligiblePairs, solver.EdgeCount, rounds));
            }
            solver.Replace(improving);
            rounds++;
        }
    }

    /// <summary>Every pair the hard rules allow, with its request-and-supporter points, one array pair per request (in parallel).</summary>
    private static (int[][] Supporters, int[][] Points) ScanAll(IReadOnlyList<SupportRequest> queue, EligibilityIndex index)
    {
        var n = queue.Count;
        var supporters = new int[n][];
        var points = new int[n][];
        Parallel.For(0, n, () => (Marks: index.CreateMarks(), S: new int[index.Count], P: new long[index.Count]), (r, _, local) =>
        {
            var count = index.Scan(queue[r], local.S, local.P, local.Marks);
            supporters[r] = local.S.AsSpan(0, count).ToArray();
            var pts = new int[count];
            for (var i = 0; i < count; i++)
            {
                pts[i] = (int)local.P[i];
            }
            points[r] = pts;
            return local;
        }, _ => { });
        return (supporters, points);
    }

    internal static void ValidateQueue(IReadOnlyList<SupportRequest> queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var ids = new HashSet<Guid>();
        foreach (var request in queue)
        {
            if (request is null)
            {
                throw new ArgumentException("The queue contains a null request.", nameof(queue));
            }
            if (!ids.Add(request.Id))
            {
                throw new ArgumentException($"Request {request.Id} appears more than once in the queue.", nameof(queue));
            }
            if (!Enum.IsDefined(request.Urgency))
            {
                throw new ArgumentException($"Request {request.Id} has an unknown urgency ({(int)request.Urgency}).", nameof(queue));
            }
        }
    }

    /// <summary>B = n·W + 1 for a normal request left unmatched, 2B for an urgent one (see the class remarks).</summary>
    private static long[] UnmatchedCosts(IReadOnlyList<SupportRequest> queue, long maxMatchPoints)
    {
        var n = queue.Count;
        var b = checked((n * Math.Max(1, maxMatchPoints)) + 1);
        _ = checked(2 * b * (n + 1) * 4); // every path and potential stays far inside a long
        var costs = new long[n];
        for (var r = 0; r < n; r++)
        {
            costs[r] = queue[r].Urgency == Urgency.Urgent ? 2 * b : b;
        }
        return costs;
    }

    /// <summary>
    /// Each request's best few supporters (by points with the supporter's first free slot), and each supporter's
    /// best few requests (urgent first, then points), so that no supporter starts with nobody to take.
    /// </summary>
    private const int TieBits = 20;

    private static long TieBreak(int r, int s) => (long)((((uint)r * 2654435761u) ^ ((uint)s * 2246822519u)) * 3266489917u >> (32 - TieBits));

    private List<(int S, long Cost)>[] InitialCandidates(IReadOnlyList<SupportRequest> queue, EligibilityIndex index, int[][] eligible, int[][] eligiblePoints)
    {
        var n = queue.Count;
        var m = index.Count;
        var maxPair = index.Scoring.MaxPairPoints;
        var candidates = new List<(int S, long Cost)>[n];
        var firstLoad = new long[m];
        var perSupporter = new TopList[m];
        for (var s = 0; s < m; s++)
        {
            firstLoad[s] = index.LoadPoints(s, 0);
            perSupporter[s] = new TopList((CandidatesPerSupporterSlot * index.Supporters[s].RemainingCapacity) + CandidatesPerSupporterExtra);
        }
        var urgentBonus = maxPair + 1;
        var best = new TopList(CandidatesPerRequest);
        for (var r = 0; r < n; r++)
        {
            var sup = eligible[r];
            var pts = eligiblePoints[r];
            best.Clear();
            var bonus = queue[r].Urgency == Urgency.Urgent ? urgentBonus : 0;
            for (var i = 0; i < sup.Length; i++)
            {
                // Scores tie often; a per-pair hash breaks ties differently for each pair, so that supporters do
                // not all keep the same few requests (and requests the same few supporters).
                var tie = TieBreak(r, sup[i]);
                best.Offer(((pts[i] + firstLoad[sup[i]]) << TieBits) | tie, i);
                perSupporter[sup[i]].Offer(((pts[i] + bonus) << TieBits) | tie, r);
            }
            var list = new List<(int S, long Cost)>(RequestCandidates + 4);
            foreach (var (_, i) in best.Entries())
            {
                list.Add((sup[i], maxPair - pts[i]));
            }
            candidates[r] = list;
        }
        for (var s = 0; s < m; s++)
        {
            foreach (var (key, r) in perSupporter[s].Entries())
            {
                var cost = maxPair - ((key >> TieBits) - (queue[r].Urgency == Urgency.Urgent ? urgentBonus : 0));
                if (!candidates[r].Exists(c => c.S == s))
                {
                    candidates[r].Add((s, cost));
                }
            }
        }
        return candidates;
    }

}

/// <summary>The k items with the largest keys seen so far (a min-heap of size k).</summary>
internal sealed class TopList(int capacity)
{
    private readonly long[] _keys = new long[Math.Max(0, capacity)];
    private readonly int[] _items = new int[Math.Max(0, capacity)];
    private int _count;

    public int Count => _count;

    public void Clear() => _count = 0;

    public void Offer(long key, int item)
    {
        if (_count < _keys.Length)
        {
            var i = _count++;
            while (i > 0 && _keys[(i - 1) >> 1] > key)
            {
                _keys[i] = _keys[(i - 1) >> 1];
                _items[i] = _items[(i - 1) >> 1];
                i = (i - 1) >> 1;
            }
            _keys[i] = key;
            _items[i] = item;
            return;
        }
        if (_count == 0 || key <= _keys[0])
        {
            return;
        }
        // Replace the smallest and sift down.
        var at = 0;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= _count)
            {
                break;
            }
            if (child + 1 < _count && _keys[child + 1] < _keys[child])
            {
                child++;
            }
            if (_keys[child] >= key)
            {
                break;
            }
            _keys[at] = _keys[child];
            _items[at] = _items[child];
            at = child;
        }
        _keys[at] = key;
        _items[at] = item;
    }

    public IEnumerable<(long Key, int Item)> Entries()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return (_keys[i], _items[i]);
        }
    }
}
