using System.Globalization;

namespace Upstander.Features.Organisations;

/// <summary>The calendar periods aggregates of people's answers are shown for. A quarter is three whole months.</summary>
public enum PeriodKind
{
    Month = 1,
    Quarter = 3,
}

/// <summary>
/// A calendar period in the organisation's time zone: its first and last dates, and the moments it starts and ends
/// (<see cref="End"/> is the start of the next period, not part of this one).
/// </summary>
public sealed record CalendarPeriod(PeriodKind Kind, DateOnly First, DateOnly Last, DateTimeOffset Start, DateTimeOffset End)
{
    public bool Contains(DateTimeOffset at) => at >= Start && at < End;

    /// <summary>The quarter of the year <paramref name="day"/> falls in, 1 to 4 ("2026 Q3").</summary>
    public static int QuarterOf(DateOnly day) => ((day.Month - 1) / 3) + 1;

    /// <summary>"1–31 October 2026", or "1 July–30 September 2026" across months, the month names in the reader's culture.</summary>
    public string Dates => First.Month == Last.Month
        ? First.Day.ToString(CultureInfo.CurrentCulture) + "–" + Last.ToString("d MMMM yyyy", CultureInfo.CurrentCulture)
        : First.ToString("d MMMM", CultureInfo.CurrentCulture) + "–" + Last.ToString("d MMMM yyyy", CultureInfo.CurrentCulture);
}

/// <summary>
/// Completed calendar periods in the organisation's time zone, for aggregates of people's answers. A figure over a window
/// that moves with the clock changes with every answer that comes in or drops out, so two loads of a page a minute apart
/// give one person's answer; a figure over a completed period never changes once it can be shown, and the period in
/// progress is not shown at all, so what a reader sees changes only when a whole period closes. Scoped.
/// </summary>
public sealed class CompletedPeriods(OrganisationTime time)
{
    /// <summary>The last <paramref name="count"/> completed periods of a kind, oldest first; the one in progress is never among them.</summary>
    public IReadOnlyList<CalendarPeriod> Last(PeriodKind kind, int count = 1)
    {
        var today = time.Today;
        var months = (int)kind;
        var current = new DateOnly(today.Year, ((today.Month - 1) / months * months) + 1, 1);
        return [.. Enumerable.Range(1, count).Reverse().Select(back => Of(kind, current.AddMonths(-months * back)))];
    }

    /// <summary>When the period of a kind in progress began (the end of the last completed one).</summary>
    public DateTimeOffset InProgressSince(PeriodKind kind) => Last(kind)[0].End;

    /// <summary>The months a quarter is made of, in order.</summary>
    public IReadOnlyList<CalendarPeriod> MonthsOf(CalendarPeriod quarter) =>
        [.. Enumerable.Range(0, (int)quarter.Kind).Select(i => Of(PeriodKind.Month, quarter.First.AddMonths(i)))];

    private CalendarPeriod Of(PeriodKind kind, DateOnly first)
    {
        var next = first.AddMonths((int)kind);
        // In UTC, as the database compares moments (PostgreSQL takes no other offset).
        return new CalendarPeriod(kind, first, next.AddDays(-1), time.StartOf(first).ToUniversalTime(), time.StartOf(next).ToUniversalTime());
    }

    /// <summary>
    /// Whether an aggregate over a whole period (<paramref name="whole"/> contributions) may show beside its parts
    /// (<paramref name="parts"/>: each part's contributions; the parts tile the whole, and each shows on its own when it
    /// has at least <paramref name="minimum"/>). The whole needs at least the minimum, and what it holds beyond the parts
    /// that show must be none or at least the minimum: otherwise the whole and the parts shown would together give the
    /// few in the hidden parts (a quarter of 12 beside two months of 5 shown gives the third month's 2 exactly).
    /// </summary>
    public static bool WholeShown(int whole, IEnumerable<int> parts, int minimum)
    {
        var hidden = whole - parts.Where(n => n >= minimum).Sum();
        return whole >= minimum && (hidden == 0 || hidden >= minimum);
    }
}
