namespace Upstander.Features.Organisations;

/// <summary>
/// Answers released in whole groups of the organisation's minimum group size, in order of arrival: of n answers, the
/// oldest ⌊n / minimum⌋ · minimum. A later answer waits until a whole further group has arrived, so what a reader can see
/// never changes by fewer answers than the minimum, and never by one.
/// </summary>
public static class WholeGroups
{
    /// <summary>How many of <paramref name="count"/> answers are released.</summary>
    public static int Released(int count, int minimum) => count / minimum * minimum;

    /// <summary>The released answers of <paramref name="inArrivalOrder"/> (oldest first).</summary>
    public static IReadOnlyList<T> Of<T>(IReadOnlyList<T> inArrivalOrder, int minimum) => [.. inArrivalOrder.Take(Released(inArrivalOrder.Count, minimum))];
}
