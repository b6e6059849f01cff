namespace Upstander.Platform.Web;

/// <summary>Where a numbered page of a list starts.</summary>
public static class Paging
{
    /// <summary>
    /// How many rows come before page <paramref name="page"/> (from 1) of <paramref name="pageSize"/>: computed in long,
    /// and held at int.MaxValue, far beyond any list, so a huge page number is an empty page. In int it wrapped negative,
    /// which PostgreSQL refuses (an error) and SQLite reads as the first page.
    /// </summary>
    public static int Offset(int page, int pageSize) => (int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize);
}
