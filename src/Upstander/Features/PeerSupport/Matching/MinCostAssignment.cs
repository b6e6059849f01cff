namespace Upstander.Features.PeerSupport.Matching;

/// <summary>
/// Minimum-cost flow for "each request goes to one supporter or stays unmatched", solved by successive
/// shortest paths with Dijkstra and node potentials (the Jonker-Volgenant scheme on a sparse graph).
/// </summary>
/// <remarks>
/// <para>Network: every request r has one unit to place. It can go along a candidate edge r → s (cost
/// <c>cost[e]</c> ≥ 0) and then through one of s's capacity slots to the sink (slot j costs
/// <c>slotCost[slotStart[s] + j]</c> ≥ 0, never falling with j, so a supporter's cheaper slots are always used
/// first), or it can stay unmatched along its own edge r → sink (cost <c>unmatched[r]</c>).</para>
/// <para>Requests are placed one at a time. For request r0, Dijkstra on reduced costs finds the cheapest way to
/// place it: straight to a free slot, or by moving already-placed requests along (r0 → s1, r1 leaves s1 for s2,
/// …, the last one takes a free slot or becomes unmatched). Potentials are kept valid for every residual edge
/// (reduced costs never negative), which is the optimality certificate: after each placement the flow is a
/// minimum-cost one for the requests placed so far; after the last, for the whole queue. The search stops as
/// soon as the sink is settled, and only settled nodes' potentials move.</para>
/// <para>Cost per placement: O((V' + E') log V') over the part of the graph the search settles; in the worst case
/// the whole graph, so O(n (V + E) log V) in all. No edge outside the candidate lists exists for the solver:
/// <see cref="ReducedCost"/> lets the caller test whether an outside edge would improve the answer.</para>
/// </remarks>
internal sealed class MinCostAssignment
{
    public const int Unmatched = -1;

    private readonly int _n;
    private readonly int _m;
    private readonly int[][] _target;     // request -> candidate supporters
    private readonly long[][] _cost;      // request -> cost of each candidate edge
    private readonly long[] _unmatched;
    private readonly int[] _slotStart;
    private readonly long[] _slotCost;

    private readonly int[] _assigned;     // request -> supporter or Unmatched (after placement)
    private readonly long[] _assignedCost; // request -> cost of its request→supporter edge
    private readonly int[] _holder;       // slot position -> request placed there (first _used[s] of s's range)
    private readonly int[] _holderPos;    // request -> its position in _holder
    private readonly int[] _used;
    private readonly long[] _potential;   // requests 0..n-1, supporters n..n+m-1, sink n+m
    private readonly long[] _dist;
    private readonly int[] _seen;         // stamp when _dist is valid
    private readonly int[] _parent;
    private readonly long[] _parentCost;
    private readonly List<int> _settled = [];
    private readonly PriorityQueue<int, long> _heap = new();
    private int _stamp;

    public MinCostAssignment(int supporters, int[][] target, long[][] cost, long[] unmatched, int[] slotStart, long[] slotCost)
    {
        _n = target.Length;
        _m = supporters;
        _target = target;
        _cost = cost;
        _unmatched = unmatched;
        _slotStart = slotStart;
        _slotCost = slotCost;
        _assigned = new int[_n];
        _assignedCost = new long[_n];
        _holder = new int[slotStart[_m]];
        _holderPos = new int[_n];
        _used = new int[_m];
        var nodes = _n + _m + 1;
        _potential = new long[nodes];
        _dist = new long[nodes];
        _seen = new int[nodes];
        _parent = new int[nodes];
        _parentCost = new long[nodes];
        Array.Fill(_assigned, Unmatched);
        _placed = new bool[_n];
    }

    private readonly bool[] _placed;

    public int EdgeCount => _target.Sum(t => t.Length);

    /// <summary>Adds candidate edges to a request (the caller checks they are new).</summary>
    public void AddEdges(int request, IReadOnlyList<(int S, long Cost)> edges)
    {
        var old = _target[request].Length;
        var targets = new int[old + edges.Count];
        var costs = new long[old + edges.Count];
        _target[request].CopyTo(targets, 0);
        _cost[request].CopyTo(costs, 0);
        for (var i = 0; i < edges.Count; i++)
        {
            targets[old + i] = edges[i].S;
            costs[old + i] = edges[i].Cost;
        }
        _target[request] = targets;
        _cost[request] = costs;
    }

    /// <summary>
    /// Warm start after <see cref="AddEdges"/>: takes the given requests (those with new, improving edges) out of
    /// the flow and places them again. Taking a request off a supporter frees a slot whose edge may now have a
    /// negative reduced cost; the supporter's potential is raised to fix it, and any request whose edge into that
    /// supporter then goes negative is taken out too. Taken-out requests have no incoming edges, so their own
    /// potentials can be set freely when placed; every residual edge is valid before each placement.
    /// </summary>
    public void Replace(IEnumerable<int> requests)
    {
        var holdersOf = IncomingEdges(out var inStart, out var inEdge);
        var pending = new Queue<int>();
        var taken = new List<int>();
        foreach (var r in requests)
        {
            if (_placed[r])
            {
                _placed[r] = false;
                pending.Enqueue(r);
            }
        }
        while (pending.TryDequeue(out var r))
        {
            taken.Add(r);
            var s = _assigned[r];
            if (s == Unmatched)
            {
                continue;
            }
            Move(r, Unmatched, 0);
            var node = _n + s;
            var bound = _potential[Sink] - _slotCost[_slotStart[s] + _used[s]];
            if (_potential[node] >= bound)
            {
                continue;
            }
            _potential[node] = bound;
            for (var k = inStart[s]; k < inStart[s + 1]; k++)
            {
                var q = holdersOf[k];
                var e = inEdge[k];
                if (_placed[q] && _assigned[q] != s && _cost[q][e] + _potential[q] - _potential[node] < 0)
                {
                    _placed[q] = false;
                    pending.Enqueue(q);
                }
            }
        }
        foreach (var r in taken)
        {
            Place(r);
        }
    }

    /// <summary>For each supporter, the requests with an edge into it and that edge's position in their list.</summary>
    private int[] IncomingEdges(out int[] inStart, out int[] inEdge)
    {
        inStart = new int[_m + 1];
        foreach (var targets in _target)
        {
            foreach (var s in targets)
            {
                inStart[s + 1]++;
            }
        }
        for (var s = 0; s < _m; s++)
        {
            inStart[s + 1] += inStart[s];
        }
        var from = new int[inStart[_m]];
        inEdge = new int[inStart[_m]];
        var fill = (int[])inStart.Clone();
        for (var r = 0; r < _n; r++)
        {
            for (var e = 0; e < _target[r].Length; e++)
            {
                var at = fill[_target[r][e]]++;
                from[at] = r;
                inEdge[at] = e;
            }
        }
        return from;
    }

    private int Sink => _n + _m;

    public int SupporterOf(int request) => _assigned[request];

    public int Used(int supporter) => _used[supporter];

    /// <summary>The reduced cost an edge r → s of cost <paramref name="cost"/> would have; negative means it would improve the flow.</summary>
    public long ReducedCost(int request, int supporter, long cost) => cost + _potential[request] - _potential[_n + supporter];

    /// <summary>
    /// Replaces the potentials with the tightest valid ones before pricing: each supporter's becomes minus its
    /// shortest residual distance to the sink (the smallest any valid potential can be), and each request's the
    /// largest its one incoming residual edge allows. Reduced costs stay non-negative on every residual edge, and an
    /// outside edge r → s is then reported as improving only when the flow really could use it cheaply.
    /// </summary>
    public void TightenPotentials()
    {
        var inFrom = IncomingEdges(out var inStart, out var inEdge);

        // Dijkstra towards the sink over reversed residual edges, on reduced costs.
        var stamp = ++_stamp;
        _settled.Clear();
        _heap.Clear();
        _seen[Sink] = stamp;
        _dist[Sink] = 0;
        _heap.Enqueue(Sink, 0);
        long farthest = 0;
        while (_heap.TryDequeue(out var x, out var d))
        {
            if (_seen[x] == -stamp || d != _dist[x])
            {
                continue;
            }
            _seen[x] = -stamp;
            _settled.Add(x);
            farthest = Math.Max(farthest, d);
            if (x == Sink)
            {
                for (var r = 0; r < _n; r++)
                {
                    if (_assigned[r] != Unmatched)
                    {
                        RelaxBack(r, d + _unmatched[r] + _potential[r] - _potential[Sink], stamp);
                    }
                }
                for (var s = 0; s < _m; s++)
                {
                    var free = _slotStart[s] + _used[s];
                    if (free < _slotStart[s + 1])
                    {
                        RelaxBack(_n + s, d + _slotCost[free] + _potential[_n + s] - _potential[Sink], stamp);
                    }
                }
            }
            else if (x >= _n)
            {
                var s = x - _n;
                for (var k = inStart[s]; k < inStart[s + 1]; k++)
                {
                    var r = inFrom[k];
                    if (_assigned[r] != s)
                    {
                        RelaxBack(r, d + _cost[r][inEdge[k]] + _potential[r] - _potential[x], stamp);
                    }
                }
            }
            else if (_assigned[x] is var s and not Unmatched)
            {
                RelaxBack(_n + s, d - _assignedCost[x] + _potential[_n + s] - _potential[x], stamp);
            }
        }

        // p'(v) = p(v) - (reduced distance to the sink); nodes that cannot reach it move by more than any that can.
        for (var v = 0; v < _n + _m; v++)
        {
            _potential[v] -= _seen[v] == -stamp ? _dist[v] : farthest + 1;
        }
        for (var r = 0; r < _n; r++)
        {
            _potential[r] = _assigned[r] == Unmatched
                ? _potential[Sink] - _unmatched[r]
                : _potential[_n + _assigned[r]] - _assignedCost[r];
        }
    }

    private void RelaxBack(int node, long distance, int stamp)
    {
        var seen = _seen[node];
        if (seen == -stamp || (seen == stamp && _dist[node] <= distance))
        {
            return;
        }
        _seen[node] = stamp;
        _dist[node] = distance;
        _heap.Enqueue(node, distance);
    }

    /// <summary>Places every request, in the given order (any order gives the same minimum cost).</summary>
    public void Solve(IEnumerable<int> order)
    {
        foreach (var r in order)
        {
            Place(r);
        }
    }

    private void Place(int r0)
    {
        // A new source: give it the potential that makes all its edges' reduced costs non-negative (and one zero).
        var p0 = _potential[Sink] - _unmatched[r0];
        var targets0 = _target[r0];
        var costs0 = _cost[r0];
        for (var e = 0; e < targets0.Length; e++)
        {
            p0 = Math.Max(p0, _potential[_n + targets0[e]] - costs0[e]);
        }
        _potential[r0] = p0;
        _placed[r0] = true;

        var stamp = ++_stamp;
        _settled.Clear();
        _heap.Clear();
        Relax(r0, 0, -1, 0, stamp);
        long sinkDist = 0;
        while (_heap.TryDequeue(out var v, out var key))
        {
            var d = key >> 1;
            if (d != _dist[v] || _seen[v] == -stamp)
            {
                continue; // stale entry or already settled
            }
            _seen[v] = -stamp;
            if (v == Sink)
            {
                sinkDist = d;
                break;
            }
            _settled.Add(v);
            var pv = _potential[v];
            if (v < _n)
            {
                var current = _assigned[v];
                var targets = _target[v];
                var costs = _cost[v];
                for (var e = 0; e < targets.Length; e++)
                {
                    var s = targets[e];
                    if (s != current)
                    {
                        var node = _n + s;
                        Relax(node, d + costs[e] + pv - _potential[node], v, costs[e], stamp);
                    }
                }
                Relax(Sink, d + _unmatched[v] + pv - _potential[Sink], v, _unmatched[v], stamp);
            }
            else
            {
                var s = v - _n;
                var used = _used[s];
                var first = _slotStart[s];
                if (first + used < _slotStart[s + 1])
                {
                    var c = _slotCost[first + used];
                    Relax(Sink, d + c + pv - _potential[Sink], v, c, stamp);
                }
                for (var k = 0; k < used; k++)
                {
                    var q = _holder[first + k];
                    Relax(q, d - _assignedCost[q] + pv - _potential[q], v, -_assignedCost[q], stamp);
                }
            }
        }

        // Potentials: every settled node moves by (its distance - the sink's); reduced costs stay non-negative.
        foreach (var v in _settled)
        {
            _potential[v] += _dist[v] - sinkDist;
        }
        Augment(r0);
    }

    private void Relax(int node, long distance, int from, long edgeCost, int stamp)
    {
        var seen = _seen[node];
        if (seen == -stamp || (seen == stamp && _dist[node] <= distance))
        {
            return;
        }
        _seen[node] = stamp;
        _dist[node] = distance;
        _parent[node] = from;
        _parentCost[node] = edgeCost;
        // Ties go to the sink first: a placement that needs no moves ends the search at once.
        _heap.Enqueue(node, (distance << 1) | (node == Sink ? 0L : 1L));
    }

    /// <summary>Walks the path back from the sink, moving each request one step along it (last first, so no slot overfills).</summary>
    private void Augment(int r0)
    {
        var node = Sink;
        while (node != r0)
        {
            var from = _parent[node];
            if (from < _n)
            {
                // Request `from` moves to `node` (a supporter, or the sink: unmatched).
                Move(from, node == Sink ? Unmatched : node - _n, _parentCost[node]);
            }
            node = from;
        }
    }

    private void Move(int r, int supporter, long cost)
    {
        var old = _assigned[r];
        if (old != Unmatched)
        {
            // Take r out of old's slots: the last holder fills its place.
            var first = _slotStart[old];
            var last = first + --_used[old];
            var pos = _holderPos[r];
            var moved = _holder[last];
            _holder[pos] = moved;
            _holderPos[moved] = pos;
        }
        _assigned[r] = supporter;
        _assignedCost[r] = cost;
        if (supporter != Unmatched)
        {
            var pos = _slotStart[supporter] + _used[supporter]++;
            _holder[pos] = r;
            _holderPos[r] = pos;
        }
    }
}
