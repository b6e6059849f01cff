namespace Upstander.Features.PeerSupport.Matching;

/// <summary>
/// The baseline the optimal assignment is measured against: first come, first served. Each request in queue
/// order takes the best-scoring eligible supporter who still has room. Same hard rules and scores; no
/// look-ahead, so an early request can take the only supporter a later one could have had.
/// </summary>
public sealed class GreedyMatcher
{
    private readonly MatchScoring _scoring;

    public GreedyMatcher(MatchingOptions options)
    {
        _scoring = new MatchScoring(options);
    }

    public QueueAssignment AssignQueue(IReadOnlyList<SupportRequest> queue, MatchingPool pool)
    {
        SupportMatcher.ValidateQueue(queue);
        var index = new EligibilityIndex(pool, _scoring);
        var used = new int[index.Count];
        var buffer = new int[index.Count];
        var points = new long[index.Count];
        var supporterOf = new int[queue.Count];
        var eligibleCount = new int[queue.Count];
        long eligiblePairs = 0;
        for (var r = 0; r < queue.Count; r++)
        {
            var count = index.Scan(queue[r], buffer, points);
            eligiblePairs += count;
            eligibleCount[r] = count;
            var best = -1;
            var bestPoints = long.MinValue;
            for (var i = 0; i < count; i++)
            {
                var s = buffer[i];
                if (used[s] >= index.Supporters[s].RemainingCapacity)
                {
                    continue;
                }
                var total = points[i] + index.LoadPoints(s, used[s]);
                if (total > bestPoints)
                {
                    best = s;
                    bestPoints = total;
                }
            }
            supporterOf[r] = best;
            if (best >= 0)
            {
                used[best]++;
            }
        }
        return MatchExplainer.Report(index, queue, supporterOf, eligibleCount, new AssignmentStatistics(eligiblePairs, 0, 0));
    }
}
