using Upstander.Features.People;

namespace Upstander.Features.PeerSupport.Matching;

/// <summary>
/// The supporters who can be offered at all (certified and active, not paused, available, under their cap),
/// laid out in arrays, with what the hard rules need prepared once: each language's speakers, experience
/// tags as bit sets, and for every person above a supporter the supporters below them. Per request it
/// marks the supporters a hard rule excludes and lists the rest with their request-and-supporter points.
/// </summary>
internal sealed class EligibilityIndex
{
    private readonly OrgChart _chart;
    private readonly Dictionary<Guid, int> _indexOf;
    private readonly Dictionary<string, int[]> _speakers;
    private readonly int[] _everyone;
    private readonly Dictionary<Guid, List<int>> _below;
    private readonly Dictionary<string, int> _tagIds;
    private readonly ulong[] _tagBits;       // supporter -> _tagWords words
    private readonly int _tagWords;
    private readonly long[] _feedbackPoints;
    private readonly Guid[] _department;  // supporter -> department, Guid.Empty when unknown
    private readonly ExclusionMarks _marks;

    public EligibilityIndex(MatchingPool pool, MatchScoring scoring)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(pool.Chart);
        ArgumentNullException.ThrowIfNull(pool.Supporters);
        ArgumentNullException.ThrowIfNull(pool.CurrentSupporterIds);
        Scoring = scoring;
        _chart = pool.Chart;

        var seen = new HashSet<Guid>();
        var offered = new List<SupporterProfile>();
        foreach (var s in pool.Supporters)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(pool));
            if (!seen.Add(s.PersonId))
            {
                throw new ArgumentException($"Supporter {s.PersonId} appears more than once.", nameof(pool));
            }
            if (s.Cap < 0)
            {
                throw new ArgumentException($"Supporter {s.PersonId} has a caseload cap below zero ({s.Cap}).", nameof(pool));
            }
            if (s.OpenCases < 0)
            {
                throw new ArgumentException($"Supporter {s.PersonId} has a negative number of open cases ({s.OpenCases}).", nameof(pool));
            }
            if (s.Feedback.Count < 0 || (s.Feedback.Count > 0 && !(s.Feedback.MeanRating is >= FeedbackStats.MinRating and <= FeedbackStats.MaxRating)))
            {
                throw new ArgumentException($"Supporter {s.PersonId} has feedback outside 1 to 5 or a negative count.", nameof(pool));
            }
            if (pool.CurrentSupporterIds.Contains(s.PersonId) && !s.Paused && s.Available && s.RemainingCapacity > 0)
            {
                offered.Add(s);
            }
        }
        Supporters = [.. offered];
        var m = Supporters.Length;
        _indexOf = new Dictionary<Guid, int>(m);
        for (var i = 0; i < m; i++)
        {
            _indexOf[Supporters[i].PersonId] = i;
        }
        _everyone = Enumerable.Range(0, m).ToArray();

        var speakers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        _tagIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < m; i++)
        {
            foreach (var language in Supporters[i].Languages.Select(Normalize).Distinct())
            {
                if (!speakers.TryGetValue(language, out var list))
                {
                    speakers[language] = list = [];
                }
                list.Add(i);
            }
            foreach (var tag in Supporters[i].SharedTags)
            {
                _tagIds.TryAdd(Normalize(tag), _tagIds.Count);
            }
        }
        _speakers = speakers.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _tagWords = Math.Max(1, (_tagIds.Count + 63) / 64);
        _tagBits = new ulong[m * _tagWords];
        _feedbackPoints = new long[m];
        _below = [];
        for (var i = 0; i < m; i++)
        {
            foreach (var tag in Supporters[i].SharedTags)
            {
                var id = _tagIds[Normalize(tag)];
                _tagBits[(i * _tagWords) + (id >> 6)] |= 1UL << (id & 63);
            }
            _feedbackPoints[i] = scoring.FeedbackPoints(Supporters[i].Feedback);
            foreach (var manager in _chart.Managers(Supporters[i].PersonId))
            {
                if (!_below.TryGetValue(manager, out var list))
                {
                    _below[manager] = list = [];
                }
                list.Add(i);
            }
        }
        _department = Supporters.Select(p => p.DepartmentId ?? Guid.Empty).ToArray();
        _marks = CreateMarks();
    }

    public MatchScoring Scoring { get; }
    public SupporterProfile[] Supporters { get; }
    public int Count => Supporters.Length;

    public static string Normalize(string value) => value.Trim().ToLowerInvariant();

    public bool TryIndexOf(Guid personId, out int index) => _indexOf.TryGetValue(personId, out index);

    public long FeedbackPoints(int supporter) => _feedbackPoints[supporter];

    public long LoadPoints(int supporter, int slot) => Scoring.LoadPoints(Supporters[supporter], slot);

    /// <summary>
    /// Lists the supporters every hard rule allows for <paramref name="request"/> into <paramref name="supporters"/>
    /// with their request-and-supporter points (department, tags, feedback; not load) into <paramref name="points"/>.
    /// Both buffers must hold <see cref="Count"/> entries. Returns how many were listed.
    /// </summary>
    public int Scan(SupportRequest request, int[] supporters, long[] points) => Scan(request, supporters, points, _marks);

    /// <summary>Marks for one thread's scans: <see cref="Scan(SupportRequest, int[], long[], ExclusionMarks)"/> may run in parallel with one each.</summary>
    public ExclusionMarks CreateMarks() => new(new int[Count]);

    public int Scan(SupportRequest request, int[] supporters, long[] points, ExclusionMarks marks)
    {
        var wanted = WantedTagIds(request, out var wantedCount);
        var tagPoints = new long[wantedCount + 1];
        for (var k = 0; k <= wantedCount; k++)
        {
            tagPoints[k] = Scoring.TagPoints(k, wantedCount);
        }
        var stamp = MarkExcluded(request, marks);
        var mark = marks.Mark;
        var pool = Candidates(request);
        var mine = request.WantsOutsideDepartment && request.DepartmentId is { } d ? d : Guid.Empty;
        var outsidePoints = Scoring.OutsideWeightPoints;
        var count = 0;
        foreach (var s in pool)
        {
            if (mark[s] == stamp)
            {
                continue;
            }
            var pts = _feedbackPoints[s];
            if (mine != Guid.Empty && _department[s] != Guid.Empty && _department[s] != mine)
            {
                pts += outsidePoints;
            }
            if (wantedCount > 0)
            {
                pts += tagPoints[SharedCount(s, wanted)];
            }
            supporters[count] = s;
            points[count++] = pts;
        }
        return count;
    }

    /// <summary>How many of the wanted tags (by id; unknown ones are -1) supporter <paramref name="s"/> has shared.</summary>
    private int SharedCount(int s, int[] wanted)
    {
        var shared = 0;
        var row = s * _tagWords;
        foreach (var id in wanted)
        {
            if (id >= 0 && (_tagBits[row + (id >> 6)] & (1UL << (id & 63))) != 0)
            {
                shared++;
            }
        }
        return shared;
    }

    private int[] WantedTagIds(SupportRequest request, out int count)
    {
        var distinct = request.WantedTags.Select(Normalize).Where(t => t.Length > 0).Distinct().ToArray();
        count = distinct.Length;
        return distinct.Select(t => _tagIds.TryGetValue(t, out var id) ? id : -1).ToArray();
    }

    /// <summary>The wanted tags (as the requester wrote them) that supporter <paramref name="s"/> has shared.</summary>
    public IReadOnlyList<string> SharedTags(SupportRequest request, int s)
    {
        var theirs = Supporters[s].SharedTags.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        return request.WantedTags.Where(t => theirs.Contains(Normalize(t))).DistinctBy(Normalize).ToArray();
    }

    private int[] Candidates(SupportRequest request) =>
        string.IsNullOrWhiteSpace(request.Language) ? _everyone : _speakers.GetValueOrDefault(Normalize(request.Language), []);

    /// <summary>Marks the requester, their management line, each named person and their line, and blocked supporters.</summary>
    private int MarkExcluded(SupportRequest request, ExclusionMarks marks)
    {
        var stamp = ++marks.Stamp;
        MarkLine(request.RequesterId, marks.Mark, stamp);
        foreach (var harm in request.SourcesOfHarm)
        {
            MarkLine(harm, marks.Mark, stamp);
        }
        foreach (var b in request.BlockedSupporters)
        {
            Mark(b, marks.Mark, stamp);
        }
        return stamp;
    }

    /// <summary>The person, everyone above them, and every supporter below them.</summary>
    private void MarkLine(Guid person, int[] mark, int stamp)
    {
        Mark(person, mark, stamp);
        foreach (var manager in _chart.Managers(person))
        {
            Mark(manager, mark, stamp);
        }
        if (_below.TryGetValue(person, out var below))
        {
            foreach (var s in below)
            {
                mark[s] = stamp;
            }
        }
    }

    private void Mark(Guid person, int[] mark, int stamp)
    {
        if (_indexOf.TryGetValue(person, out var s))
        {
            mark[s] = stamp;
        }
    }

    /// <summary>
    /// For a request nobody can take: how many offered supporters are left after each hard rule in turn, so that
    /// the explanation can name the rule that left none. With <paramref name="blockedLeftOut"/>, the requester's
    /// blocked supporters are left out from the start (as if they were not offered at all), so the counts do not
    /// depend on whether the people they blocked are available.
    /// </summary>
    public EligibilityFunnel Funnel(SupportRequest request, bool blockedLeftOut = false)
    {
        var blocked = request.BlockedSupporters.ToHashSet();
        var offered = blockedLeftOut ? _everyone.Where(s => !blocked.Contains(Supporters[s].PersonId)).ToArray() : _everyone;
        var byLanguage = Candidates(request).Where(s => Supporters[s].PersonId != request.RequesterId && !(blockedLeftOut && blocked.Contains(Supporters[s].PersonId))).ToArray();
        var mark = _marks.Mark;
        var stamp = ++_marks.Stamp;
        MarkLine(request.RequesterId, mark, stamp);
        var outsideChain = byLanguage.Where(s => mark[s] != stamp).ToArray();
        foreach (var harm in request.SourcesOfHarm)
        {
            MarkLine(harm, mark, stamp);
        }
        var awayFromHarm = outsideChain.Where(s => mark[s] != stamp).ToArray();
        var notBlocked = awayFromHarm.Count(s => !blocked.Contains(Supporters[s].PersonId));
        return new EligibilityFunnel(offered.Length, byLanguage.Length, outsideChain.Length, awayFromHarm.Length, notBlocked);
    }
}

/// <summary>Per-thread scratch for the hard-rule scan: a mark per supporter, valid when it equals the current stamp.</summary>
internal sealed class ExclusionMarks(int[] mark)
{
    public int[] Mark { get; } = mark;
    public int Stamp { get; set; }
}

/// <summary>Offered supporters remaining after each hard rule, in the order the rules are applied.</summary>
public sealed record EligibilityFunnel(int Offered, int SpeakLanguage, int OutsideManagementChain, int AwayFromNamedPeople, int NotBlocked);
