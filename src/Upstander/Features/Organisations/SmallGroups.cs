namespace Upstander.Features.Organisations;

/// <summary>
/// Which groups of a set to hide when a total over all of them shows beside them (a cohort table's total row, or
/// shares, which always add up to the whole): every group of fewer than the organisation's minimum group size, none
/// included, so that "fewer than N" never says "at least one"; and, while the hidden groups together hold some but
/// fewer than the minimum, the smallest group still shown too (complementary suppression), until they hold at least
/// the minimum. Otherwise the total less the groups shown would give the few in the hidden ones: exactly, when one is
/// hidden, and as "fewer than N among these", when more are.
/// </summary>
public static class SmallGroups
{
    /// <summary>For groups no one is in twice: each is <paramref name="sizes"/> people, the hidden ones together their sum.</summary>
    public static bool[] Hidden(IReadOnlyList<int> sizes, int minimum) => Hidden(sizes, hidden => hidden.Sum(i => sizes[i]), minimum);

    /// <summary>
    /// For groups a person may be in more than once (a supporter who gave two answers): <paramref name="together"/>
    /// counts the people in the groups of the indices it is given, each once.
    /// </summary>
    public static bool[] Hidden(IReadOnlyList<int> sizes, Func<IEnumerable<int>, int> together, int minimum)
    {
        var hidden = sizes.Select(s => s < minimum).ToArray();
        var order = Enumerable.Range(0, sizes.Count).Where(i => !hidden[i]).OrderBy(i => sizes[i]).ToList();
        foreach (var next in order)
        {
            var held = together(Enumerable.Range(0, sizes.Count).Where(i => hidden[i]));
            if (held == 0 || held >= minimum)
            {
                break;
            }
            hidden[next] = true;
        }
        return hidden;
    }
}
