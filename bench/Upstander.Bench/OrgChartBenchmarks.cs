using BenchmarkDotNet.Attributes;
using Upstander.Features.People;

namespace Upstander.Bench;

/// <summary>
/// The org chart for 100,000 people: a realistic shape (a few tops, managers with a handful to a few dozen
/// reports, chains about ten deep) built from (person, manager) pairs as the cache loads them.
/// </summary>
[MemoryDiagnoser]
public class OrgChartBenchmarks
{
    public const int People = 100_000;
    private const int Queries = 1_000;

    private List<(Guid Id, Guid? ManagerId)> _pairs = [];
    private OrgChart _chart = OrgChart.Empty;
    private Guid[] _ids = [];
    private (Guid A, Guid B)[] _queryPairs = [];
    private Guid _top;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _ids = Enumerable.Range(0, People).Select(_ => Guid.CreateVersion7()).ToArray();
        _pairs = new List<(Guid, Guid?)>(People);
        for (var i = 0; i < People; i++)
        {
            // Each person reports to someone among the previous tenth of the list: depth grows slowly.
            Guid? manager = i < 5 ? null : _ids[random.Next(Math.Max(0, i / 10 - 50), Math.Max(1, i / 10))];
            _pairs.Add((_ids[i], manager));
        }
        _chart = OrgChart.Build(_pairs);
        _top = _ids[0];
        _queryPairs = Enumerable.Range(0, Queries).Select(_ => (_ids[random.Next(People)], _ids[random.Next(People)])).ToArray();
    }

    [Benchmark(Description = "Build chart (100,000 people)")]
    public OrgChart Build() => OrgChart.Build(_pairs);

    [Benchmark(Description = "InSameLine (per query)", OperationsPerInvoke = Queries)]
    public int InSameLine()
    {
        var count = 0;
        foreach (var (a, b) in _queryPairs)
        {
            if (_chart.InSameLine(a, b))
            {
                count++;
            }
        }
        return count;
    }

    [Benchmark(Description = "Managers up the chain (per query)", OperationsPerInvoke = Queries)]
    public int Managers()
    {
        var total = 0;
        foreach (var (a, _) in _queryPairs)
        {
            total += _chart.Managers(a).Count;
        }
        return total;
    }

    [Benchmark(Description = "Reports of a top manager, one page of 50")]
    public IReadOnlyList<Guid> ReportsPage() => _chart.Reports(_top, directOnly: false, skip: 1_000, take: 50);

    [Benchmark(Description = "Count of all reports (per query)", OperationsPerInvoke = Queries)]
    public int ReportCount()
    {
        var total = 0;
        foreach (var (a, _) in _queryPairs)
        {
            total += _chart.ReportCount(a, directOnly: false);
        }
        return total;
    }
}
