using Upstander.Features.People;

namespace Upstander.Tests.Features.People;

public sealed class OrgChartTests
{
    private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    /// <summary>
    ///        1
    ///      /   \
    ///     2     3
    ///    / \     \
    ///   4   5     6
    ///             |
    ///             7
    /// and 8 alone.
    /// </summary>
    private static OrgChart Sample() => OrgChart.Build(
    [
        (Id(4), Id(2)), (Id(1), null), (Id(2), Id(1)), (Id(3), Id(1)), (Id(5), Id(2)), (Id(6), Id(3)), (Id(7), Id(6)), (Id(8), null),
    ]);

    [Fact]
    public void Managers_are_listed_nearest_first_up_to_the_top()
    {
        var chart = Sample();
        chart.Managers(Id(7)).ShouldBe([Id(6), Id(3), Id(1)]);
        chart.Managers(Id(1)).ShouldBeEmpty();
        chart.Managers(Id(99)).ShouldBeEmpty();
    }

    [Fact]
    public void Reports_are_direct_or_at_any_depth_and_page_in_chart_order()
    {
        var chart = Sample();
        chart.Reports(Id(1), directOnly: true).ShouldBe([Id(2), Id(3)]);
        chart.Reports(Id(1), directOnly: false).ShouldBe([Id(2), Id(4), Id(5), Id(3), Id(6), Id(7)]);
        chart.Reports(Id(1), directOnly: false, skip: 2, take: 3).ShouldBe([Id(5), Id(3), Id(6)]);
        chart.Reports(Id(1), directOnly: false, skip: 10, take: 3).ShouldBeEmpty();
        chart.ReportCount(Id(1), directOnly: false).ShouldBe(6);
        chart.ReportCount(Id(3), directOnly: true).ShouldBe(1);
        chart.Reports(Id(8), directOnly: false).ShouldBeEmpty();
    }

    [Fact]
    public void In_same_line_is_true_only_when_one_manages_the_other()
    {
        var chart = Sample();
        chart.InSameLine(Id(1), Id(7)).ShouldBeTrue();
        chart.InSameLine(Id(7), Id(1)).ShouldBeTrue();
        chart.InSameLine(Id(2), Id(4)).ShouldBeTrue();
        chart.InSameLine(Id(4), Id(5)).ShouldBeFalse("colleagues with the same manager");
        chart.InSameLine(Id(4), Id(6)).ShouldBeFalse("cousins");
        chart.InSameLine(Id(2), Id(3)).ShouldBeFalse();
        chart.InSameLine(Id(8), Id(1)).ShouldBeFalse();
        chart.InSameLine(Id(4), Id(4)).ShouldBeFalse("a person is not in line with themselves");
        chart.InSameLine(Id(4), Id(99)).ShouldBeFalse();
        chart.Manages(Id(3), Id(7)).ShouldBeTrue();
        chart.Manages(Id(7), Id(3)).ShouldBeFalse();
    }

    [Fact]
    public void A_cycle_in_the_data_is_cut_and_its_members_stay_in_one_line()
    {
        // 1 -> 2 -> 3 -> 1 is a loop; 4 reports into it; 5 names a manager who is not in the directory; 6 manages themself.
        var chart = OrgChart.Build([(Id(1), Id(2)), (Id(2), Id(3)), (Id(3), Id(1)), (Id(4), Id(2)), (Id(5), Id(42)), (Id(6), Id(6))]);
        chart.CyclesCut.ShouldBe(1);
        chart.InSameLine(Id(1), Id(2)).ShouldBeTrue();
        chart.InSameLine(Id(2), Id(3)).ShouldBeTrue();
        chart.InSameLine(Id(1), Id(3)).ShouldBeTrue();
        chart.InSameLine(Id(4), Id(3)).ShouldBeTrue();
        chart.Managers(Id(4)).Count.ShouldBeLessThanOrEqualTo(3);
        chart.Managers(Id(5)).ShouldBeEmpty();
        chart.Managers(Id(6)).ShouldBeEmpty();
        chart.ReportCount(Id(5), directOnly: false).ShouldBe(0);
        (chart.ReportCount(Id(1), false) + chart.ReportCount(Id(2), false) + chart.ReportCount(Id(3), false)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void A_very_deep_chain_needs_no_recursion()
    {
        const int depth = 100_000;
        var chart = OrgChart.Build(Enumerable.Range(1, depth).Select(i => (Id(i), i == 1 ? (Guid?)null : Id(i - 1))).ToList());
        chart.Managers(Id(depth)).Count.ShouldBe(depth - 1);
        chart.InSameLine(Id(1), Id(depth)).ShouldBeTrue();
        chart.ReportCount(Id(1), directOnly: false).ShouldBe(depth - 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Matches_a_naive_walk_of_the_manager_links_on_random_charts(int seed)
    {
        var random = new Random(seed);
        var n = random.Next(50, 400);
        var ids = Enumerable.Range(1, n).Select(Id).ToArray();
        // Forests only (managers come earlier), with some missing managers: the naive answer is then unambiguous.
        var pairs = ids.Select((id, i) => (id, i == 0 || random.Next(10) == 0 ? (random.Next(3) == 0 ? Id(100_000 + i) : (Guid?)null) : ids[random.Next(i)]))
            .OrderBy(_ => random.Next()).ToList();
        var managerOf = pairs.ToDictionary(p => p.id, p => p.Item2 is { } m && ids.Contains(m) ? m : (Guid?)null);
        var chart = OrgChart.Build(pairs);

        List<Guid> NaiveManagers(Guid id)
        {
            var chain = new List<Guid>();
            for (var m = managerOf[id]; m is { } x; m = managerOf[x])
            {
                chain.Add(x);
            }
            return chain;
        }

        foreach (var id in ids)
        {
            chart.Managers(id).ShouldBe(NaiveManagers(id));
            var naiveReports = ids.Where(other => NaiveManagers(other).Contains(id)).ToHashSet();
            chart.Reports(id, directOnly: false).ToHashSet().SetEquals(naiveReports).ShouldBeTrue();
            chart.Reports(id, directOnly: true).ToHashSet().SetEquals(ids.Where(o => managerOf[o] == id)).ShouldBeTrue();
        }
        for (var k = 0; k < 2000; k++)
        {
            var a = ids[random.Next(n)];
            var b = ids[random.Next(n)];
            var naive = a != b && (NaiveManagers(a).Contains(b) || NaiveManagers(b).Contains(a));
            chart.InSameLine(a, b).ShouldBe(naive, $"{a} / {b}");
        }
    }

    [Fact]
    public void Random_graphs_with_cycles_always_answer_and_every_person_is_placed_once()
    {
        var random = new Random(7);
        for (var round = 0; round < 20; round++)
        {
            var n = random.Next(1, 300);
            var ids = Enumerable.Range(1, n).Select(Id).ToArray();
            var chart = OrgChart.Build(ids.Select(id => (id, random.Next(5) == 0 ? (Guid?)null : ids[random.Next(n)])).ToList());
            var tops = ids.Where(id => chart.ManagerOf(id) is null).ToList();
            tops.Sum(t => 1 + chart.ReportCount(t, directOnly: false)).ShouldBe(n);
            foreach (var id in ids)
            {
                var managers = chart.Managers(id);
                managers.Count.ShouldBeLessThan(n);
                managers.ShouldAllBe(m => chart.Manages(m, id));
            }
        }
    }
}
