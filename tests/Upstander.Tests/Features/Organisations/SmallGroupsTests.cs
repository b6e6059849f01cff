using Upstander.Features.Organisations;

namespace Upstander.Tests.Features.Organisations;

public sealed class SmallGroupsTests
{
    [Theory]
    [InlineData(new[] { 6, 5, 2 }, new[] { false, true, true })]
    [InlineData(new[] { 6, 1 }, new[] { true, true })]
    [InlineData(new[] { 6, 0 }, new[] { false, true })]
    [InlineData(new[] { 5, 5 }, new[] { false, false })]
    [InlineData(new[] { 9, 3, 3 }, new[] { false, true, true })]
    // ProQOL bands (low, moderate, high) of five and of six supporters with one high: "moderate 83%" would say the
    // sixth is low or high, so nothing shows; with one more beside them in the low band, the two hold five.
    [InlineData(new[] { 0, 4, 1 }, new[] { true, true, true })]
    [InlineData(new[] { 0, 5, 1 }, new[] { true, true, true })]
    [InlineData(new[] { 4, 6, 1 }, new[] { true, false, true })]
    [InlineData(new[] { 0, 6, 0 }, new[] { true, false, true })]
    public void Complementary_suppression_hides_until_the_hidden_groups_hold_the_minimum(int[] sizes, bool[] hidden) =>
        SmallGroups.Hidden(sizes, 5).ShouldBe(hidden);

    [Fact]
    public void People_in_more_than_one_hidden_group_count_once()
    {
        // Six said fine; the same three said drained and shaken: six answers hidden, but from three people.
        int[][] people = [[1, 2, 3, 4, 5, 6], [1, 2, 3], [1, 2, 3], []];
        int Together(IEnumerable<int> groups) => groups.SelectMany(g => people[g]).Distinct().Count();
        SmallGroups.Hidden([.. people.Select(p => p.Length)], Together, 5).ShouldBe([true, true, true, true]);
        SmallGroups.Hidden([.. people.Select(p => p.Length)], 5).ShouldBe([false, true, true, true], "summed, they would seem six");
    }
}
