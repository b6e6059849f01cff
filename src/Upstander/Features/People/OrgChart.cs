namespace Upstander.Features.People;

/// <summary>
/// The organisation's management lines, built once from (person, manager) pairs and then answered in
/// O(1) or O(chain length). People are numbered by a depth-first pre-order walk, so everyone who
/// reports to a person, directly or not, sits in one contiguous range after them, and "A manages B"
/// is a comparison of two numbers. Pure and immutable: safe to share between requests.
/// </summary>
/// <remarks>
/// Directory data is not always clean. A manager who is not in the directory, or a person recorded as
/// their own manager, makes that person a top of the chart. A cycle (A reports to B, B to A) is cut at
/// one member, who becomes its top; everyone in the cycle then stays in one line, which is the answer
/// conflict-of-interest checks need. Nothing here can loop forever.
/// </remarks>
public sealed class OrgChart
{
    private const int None = -1;

    private readonly Guid[] _ids;
    private readonly Dictionary<Guid, int> _index;
    private readonly int[] _manager;      // node -> manager node, or None at a top (after cycles are cut)
    private readonly int[] _pre;          // node -> position in the pre-order walk
    private readonly int[] _end;          // node -> position just past its last (indirect) report
    private readonly int[] _order;        // pre-order position -> node
    private readonly int[] _childStart;   // node -> first of its direct reports in _children (CSR)
    private readonly int[] _children;

    private OrgChart(Guid[] ids, Dictionary<Guid, int> index, int[] manager, int[] pre, int[] end, int[] order, int[] childStart, int[] children)
    {
        _ids = ids;
        _index = index;
        _manager = manager;
        _pre = pre;
        _end = end;
        _order = order;
        _childStart = childStart;
        _children = children;
    }

    public static OrgChart Empty { get; } = Build([]);

    public int Count => _ids.Length;

    /// <summary>The number of people whose recorded manager chain looped and had to be cut.</summary>
    public int CyclesCut { get; private init; }

    public static OrgChart Build(IReadOnlyCollection<(Guid Id, Guid? ManagerId)> people)
    {
        var n = people.Count;
        var ids = new Guid[n];
        var index = new Dictionary<Guid, int>(n);
        var i = 0;
        foreach (var (id, _) in people)
        {
            if (index.TryAdd(id, i))
            {
                ids[i++] = id;
            }
        }
        if (i != n)
        {
            // Duplicate ids cannot come from the database (primary key); keep the first of each.
            n = i;
            Array.Resize(ref ids, n);
        }

        var manager = new int[n];
        Array.Fill(manager, None);
        foreach (var (id, managerId) in people)
        {
            var node = index[id];
            if (managerId is { } m && index.TryGetValue(m, out var managerNode) && managerNode != node)
            {
                manager[node] = managerNode;
            }
        }

        var cyclesCut = CutCycles(manager);

        // Direct reports as compressed rows, in input order.
        var childStart = new int[n + 1];
        for (var node = 0; node < n; node++)
        {
            if (manager[node] != None)
            {
                childStart[manager[node] + 1]++;
            }
        }
        for (var node = 0; node < n; node++)
        {
            childStart[node + 1] += childStart[node];
        }
        var children = new int[childStart[n]];
        var fill = (int[])childStart.Clone();
        for (var node = 0; node < n; node++)
        {
            if (manager[node] != None)
            {
                children[fill[manager[node]]++] = node;
            }
        }

        // Iterative depth-first walk from every top: no recursion, so a 100,000-deep chain is fine.
        var pre = new int[n];
        var end = new int[n];
        var order = new int[n];
        var next = 0;
        var stack = new int[n];
        var cursor = new int[n];
        for (var root = 0; root < n; root++)
        {
            if (manager[root] != None)
            {
                continue;
            }
            var depth = 0;
            stack[0] = root;
            cursor[root] = childStart[root];
            pre[root] = next;
            order[next++] = root;
            while (depth >= 0)
            {
                var node = stack[depth];
                if (cursor[node] < childStart[node + 1])
                {
                    var child = children[cursor[node]++];
                    cursor[child] = childStart[child];
                    pre[child] = next;
                    order[next++] = child;
                    stack[++depth] = child;
                }
                else
                {
                    end[node] = next;
                    depth--;
                }
            }
        }

        return new OrgChart(ids, index, manager, pre, end, order, childStart, children) { CyclesCut = cyclesCut };
    }

    /// <summary>
    /// The manager graph has at most one edge out of each node, so each cycle is found by walking from
    /// every unvisited node until the walk meets a node it has seen. A cycle found in the current walk is
    /// cut at the node where the walk first re-entered it.
    /// </summary>
    private static int CutCycles(int[] manager)
    {
        var n = manager.Length;
        var walk = new int[n]; // 0 = unvisited, otherwise the id of the walk (1-based) that visited it
        var cut = 0;
        for (var start = 0; start < n; start++)
        {
            if (walk[start] != 0)
            {
                continue;
            }
            var mark = start + 1;
            var node = start;
            while (node != None && walk[node] == 0)
            {
                walk[node] = mark;
                node = manager[node];
            }
            if (node != None && walk[node] == mark)
            {
                manager[node] = None;
                cut++;
            }
        }
        return cut;
    }

    public bool Contains(Guid id) => _index.ContainsKey(id);

    /// <summary>True when <paramref name="manager"/> is above <paramref name="person"/> in their line, directly or not.</summary>
    public bool Manages(Guid manager, Guid person) =>
        _index.TryGetValue(manager, out var m) && _index.TryGetValue(person, out var p) && IsAbove(m, p);

    /// <summary>True when either manages the other, directly or not: the two are in one management line.</summary>
    public bool InSameLine(Guid a, Guid b)
    {
        if (!_index.TryGetValue(a, out var x) || !_index.TryGetValue(b, out var y) || x == y)
        {
            return false;
        }
        return IsAbove(x, y) || IsAbove(y, x);
    }

    /// <summary>
    /// True when <paramref name="person"/> is one of <paramref name="people"/> or in the same line as one of them, up or down:
    /// the conflict rule of cases and of peer-support matching (a person named, and anyone in their chain).
    /// </summary>
    public bool IsOrInLineOf(IEnumerable<Guid> people, Guid person) => people.Any(p => p == person || InSameLine(p, person));

    private bool IsAbove(int manager, int person) => _pre[manager] < _pre[person] && _pre[person] < _end[manager];

    /// <summary>The person's managers, nearest first, up to the top of their chart. Empty for someone unknown.</summary>
    public IReadOnlyList<Guid> Managers(Guid id)
    {
        var chain = new List<Guid>();
        if (!_index.TryGetValue(id, out var node))
        {
            return chain;
        }
        for (var m = _manager[node]; m != None; m = _manager[m])
        {
            chain.Add(_ids[m]);
        }
        return chain;
    }

    public Guid? ManagerOf(Guid id) => _index.TryGetValue(id, out var node) && _manager[node] != None ? _ids[_manager[node]] : null;

    /// <summary>How many people report to this person: directly only, or at any depth.</summary>
    public int ReportCount(Guid id, bool directOnly)
    {
        if (!_index.TryGetValue(id, out var node))
        {
            return 0;
        }
        return directOnly ? _childStart[node + 1] - _childStart[node] : _end[node] - _pre[node] - 1;
    }

    /// <summary>
    /// One page of the people who report to this person, in chart order (each manager before their own
    /// reports). Indirect reports are a contiguous range of the walk, so a page costs only its size.
    /// </summary>
    public IReadOnlyList<Guid> Reports(Guid id, bool directOnly, int skip = 0, int take = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        if (!_index.TryGetValue(id, out var node))
        {
            return [];
        }
        int from, to;
        if (directOnly)
        {
            from = _childStart[node];
            to = _childStart[node + 1];
        }
        else
        {
            from = _pre[node] + 1;
            to = _end[node];
        }
        var start = (int)Math.Min((long)from + skip, to);
        var stop = (int)Math.Min((long)start + take, to);
        var page = new Guid[stop - start];
        for (var k = start; k < stop; k++)
        {
            page[k - start] = _ids[directOnly ? _children[k] : _order[k]];
        }
        return page;
    }
}
