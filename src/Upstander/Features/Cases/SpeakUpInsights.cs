using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Features.PeerSupport.Queue;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;

namespace Upstander.Features.Cases;

/// <summary>A count, or null when it is hidden (fewer than the minimum group size, or a total that would reveal a hidden cell).</summary>
public sealed record Cell(int? Value)
{
    public bool Hidden => Value is null;
}

/// <summary>A table of counts with its row totals, column totals and grand total, after suppression.</summary>
public sealed record CountTable(IReadOnlyList<string> Rows, IReadOnlyList<string> Columns, Cell[][] Cells, Cell[] RowTotals, Cell[] ColumnTotals, Cell Total);

/// <summary>
/// A median duration over the cases whose step (acknowledging, closing) fell in each quarter, and over all the quarters;
/// null where it is hidden.
/// </summary>
public sealed record StepMedians(IReadOnlyList<TimeSpan?> ByQuarter, TimeSpan? Overall);

public sealed record SpeakUpInsight(int Minimum, IReadOnlyList<string> Periods, CountTable Volumes, StepMedians ToAcknowledge, StepMedians ToClose,
    double? AnonymousShare, CountTable Outcomes);

/// <summary>
/// Aggregate insight on speaking up for leaders and researchers over the last four completed calendar quarters
/// (never the one in progress): reports received by category and quarter and the share of them that were anonymous;
/// the median time to acknowledge by the quarter reports were acknowledged in; the median time to close by the quarter
/// cases were first closed in; the outcomes by the quarter cases were first both closed and given an outcome. Each figure is counted in the quarter its step happened, so a case
/// acknowledged or closed today changes nothing until its quarter is over, and a completed quarter's figures never
/// change. Never a figure below the organisation's minimum group size: a cell below it is hidden, and so is every total
/// that covers a hidden cell (complementary suppression), so no hidden figure can be worked out by subtraction. Scoped.
/// </summary>
public sealed class SpeakUpInsights(AppDbContext db, CompletedPeriods periods)
{
    public const int Quarters = 4;

    public async Task<SpeakUpInsight> BuildAsync(CancellationToken ct)
    {
        var organisationId = db.CurrentOrganisationId;
        var minimum = await db.Organisations.Where(o => o.Id == organisationId).Select(o => o.MinimumGroupSize).SingleAsync(ct);
        // The last four completed calendar quarters where the organisation is (a report received on 1 April there is in
        // Q2, whatever the date in UTC). Not the quarter in progress: its figures would change with each report, and a
        // reader who knew someone had just reported would read that report's category, and whether it was anonymous, in
        // the change. A completed quarter's figures never change.
        var quarters = periods.Last(PeriodKind.Quarter, Quarters);
        var (since, until) = (quarters[0].Start, quarters[^1].End);
        var periodLabels = quarters.Select(q => $"{q.First.Year} Q{CalendarPeriod.QuarterOf(q.First)}").ToList();
        int PeriodOf(DateTimeOffset at) => quarters.Count(q => q.End <= at);

        var reports = await db.Set<ReportRecord>().Where(r => r.ReceivedAt >= since && r.ReceivedAt < until)
            .Select(r => new { r.Category, r.Way, r.ReceivedAt })
            .ToListAsync(ct);
        var volumes = Table([.. ReportCategories.All.Select(c => c.Key)], reports.Select(r => r.Category), periodLabels,
            (c, p) => reports.Count(r => r.Category == c && PeriodOf(r.ReceivedAt) == p), minimum);
        // The share over the four quarters, read again next quarter over a window one quarter on, gives with the totals
        // the difference between the quarter that came in and the one that dropped out: a quarter's one anonymous report
        // would show in it. So the share shows only while each quarter's anonymous reports, and its named ones, are
        // none or at least the minimum; then no difference between windows can give a few.
        bool Few(int n) => n > 0 && n < minimum;
        var anonymousByQuarter = quarters.Select((_, q) => reports.Count(r => r.Way == ReportWay.Anonymous && PeriodOf(r.ReceivedAt) == q)).ToList();
        var namedByQuarter = quarters.Select((_, q) => reports.Count(r => r.Way != ReportWay.Anonymous && PeriodOf(r.ReceivedAt) == q)).ToList();
        double? share = reports.Count >= minimum && !anonymousByQuarter.Any(Few) && !namedByQuarter.Any(Few)
            ? (double)anonymousByQuarter.Sum() / reports.Count
            : null;

        // Steps taken later are counted in the quarter they were taken, never in the quarter the report came in: a case
        // acknowledged or closed today would otherwise change a completed quarter, and a reader who knew which case it
        // was would read its time, or its outcome, in the change. A report is acknowledged once.
        var acknowledged = await db.Set<ReportRecord>().Where(r => r.AcknowledgedAt >= since && r.AcknowledgedAt < until)
            .Select(r => new { At = r.AcknowledgedAt!.Value, r.ReceivedAt })
            .ToListAsync(ct);
        var toAcknowledge = Medians(acknowledged.Select(a => (PeriodOf(a.At), a.At - a.ReceivedAt)), quarters.Count, minimum);

        // A case counts as closed in the quarter it was first closed (a closed case can be reopened and closed again; its
        // first closing stays where it was). It counts by outcome once it has been both closed and given an outcome: in
        // the quarter it was first closed, or, when its first outcome was recorded only later, in the quarter that was
        // recorded in; with the last outcome recorded by the end of that quarter, so one recorded or changed later does not
        // move it. Both are the first events of their kind, and events are never changed or removed, so a completed quarter
        // keeps its cases and their outcomes and each case is counted once. Read for the cases with a closing or an outcome
        // in the four quarters (with their earlier ones, which place them).
        var stepped = db.Set<ReportEvent>()
            .Where(e => ((e.Kind == ReportEvent.StatusKind && e.ToStatus == ReportStatus.Closed) || e.Kind == ReportEvent.OutcomeKind) && e.At >= since && e.At < until)
            .Select(e => e.ReportId);
        var steps = await db.Set<ReportEvent>()
            .Where(e => stepped.Contains(e.ReportId) && ((e.Kind == ReportEvent.StatusKind && e.ToStatus == ReportStatus.Closed) || e.Kind == ReportEvent.OutcomeKind) && e.At < until)
            .Select(e => new { e.ReportId, e.Kind, e.At, e.Reason })
            .ToListAsync(ct);
        var cases = steps.GroupBy(s => s.ReportId)
            .Select(g => (ReportId: g.Key, FirstClosed: g.Where(s => s.Kind == ReportEvent.StatusKind).Min(s => (DateTimeOffset?)s.At),
                Outcomes: g.Where(s => s.Kind == ReportEvent.OutcomeKind).Select(s => (s.At, Outcome: s.Reason)).ToList()))
            .ToList();
        var firstClosed = cases.Where(c => c.FirstClosed >= since).Select(c => (c.ReportId, At: c.FirstClosed!.Value)).ToList();
        var closedIds = firstClosed.Select(c => c.ReportId).ToList();
        var receivedAt = await db.Set<ReportRecord>().Where(r => closedIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.ReceivedAt, ct);
        var toClose = Medians(firstClosed.Select(c => (PeriodOf(c.At), c.At - receivedAt[c.ReportId])), quarters.Count, minimum);

        var outcomeOf = cases
            .Where(c => c.FirstClosed is not null && c.Outcomes.Count > 0)
            .Select(c => (At: Later(c.FirstClosed!.Value, c.Outcomes.Min(o => o.At)), c.Outcomes))
            .Where(c => c.At >= since)
            .Select(c => (Quarter: PeriodOf(c.At), c.Outcomes.Where(o => o.At < quarters[PeriodOf(c.At)].End).MaxBy(o => o.At).Outcome))
            .ToList();
        var outcomes = Table([.. CaseReasons.Outcomes.Select(o => o.Key)], outcomeOf.Select(c => c.Outcome).OfType<string>(), periodLabels,
            (k, p) => outcomeOf.Count(c => c.Outcome == k && c.Quarter == p), minimum);

        return new SpeakUpInsight(minimum, periodLabels, volumes, toAcknowledge, toClose, share, outcomes);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// A table with a row for every key in <paramref name="known"/>, whether any report or case has it or not: a row that
    /// appeared only once something was counted in it would tell that it holds one or more, when its cells (zero included)
    /// say only "fewer than the minimum". A leader who knew which case was closed last quarter would read its outcome in the
    /// row that appeared. A key outside the list (an older row's) has a row only when one of its cells shows. The totals
    /// count every row.
    /// </summary>
    private static CountTable Table(IReadOnlyList<string> known, IEnumerable<string> present, IReadOnlyList<string> columns, Func<string, int, int> count, int minimum)
    {
        var rows = known.Concat(present.Where(k => !known.Contains(k)).Distinct().Order(StringComparer.Ordinal)).ToList();
        var table = Suppress(rows, columns, [.. rows.Select(r => columns.Select((_, p) => count(r, p)).ToArray())], minimum);
        var kept = Enumerable.Range(0, rows.Count).Where(i => i < known.Count || table.Cells[i].Any(c => !c.Hidden)).ToList();
        return table with { Rows = [.. kept.Select(i => rows[i])], Cells = [.. kept.Select(i => table.Cells[i])], RowTotals = [.. kept.Select(i => table.RowTotals[i])] };
    }

    /// <summary>Hides every cell below <paramref name="minimum"/> (zero included) and every total that covers a hidden cell.</summary>
    public static CountTable Suppress(IReadOnlyList<string> rows, IReadOnlyList<string> columns, int[][] counts, int minimum)
    {
        var cells = counts.Select(row => row.Select(n => new Cell(n >= minimum ? n : null)).ToArray()).ToArray();
        var rowTotals = cells.Select((row, i) => new Cell(row.Any(c => c.Hidden) ? null : counts[i].Sum())).ToArray();
        var columnTotals = columns.Select((_, j) => new Cell(cells.Any(row => row[j].Hidden) ? null : counts.Sum(row => row[j]))).ToArray();
        var any = cells.Any(row => row.Any(c => c.Hidden));
        var total = counts.Sum(row => row.Sum());
        return new CountTable(rows, columns, cells, rowTotals, columnTotals, new Cell(any || total < minimum ? null : total));
    }

    /// <summary>
    /// The median of each quarter's durations, shown from the minimum number of cases; and over all the quarters, shown
    /// beside them only as <see cref="CompletedPeriods.WholeShown"/> allows, so the cases of a quarter hidden for having
    /// too few are not read from the difference.
    /// </summary>
    private static StepMedians Medians(IEnumerable<(int Quarter, TimeSpan Took)> steps, int quarters, int minimum)
    {
        var all = steps.ToList();
        var byQuarter = Enumerable.Range(0, quarters).Select(q => all.Where(s => s.Quarter == q).Select(s => s.Took).ToList()).ToList();
        return new StepMedians(
            [.. byQuarter.Select(q => q.Count >= minimum ? Durations.Of(q).Median : null)],
            CompletedPeriods.WholeShown(all.Count, byQuarter.Select(q => q.Count), minimum) ? Durations.Of(all.Select(s => s.Took)).Median : null);
    }
}
