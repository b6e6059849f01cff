using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
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

public sealed record SpeakUpInsight(int Minimum, IReadOnlyList<string> Periods, CountTable Volumes, TimeSpan? MedianToAcknowledge, TimeSpan? MedianToClose,
    double? AnonymousShare, CountTable Outcomes);

/// <summary>
/// Aggregate insight on speaking up for leaders and researchers over the last four completed calendar quarters
/// (never the one in progress): volumes by category and quarter, median time to
/// acknowledge and to close, the share of anonymous reports, and outcomes. Never a figure below the organisation's
/// minimum group size: a cell below it is hidden, and so is every total that covers a hidden cell (complementary
/// suppression), so no hidden figure can be worked out by subtraction. Scoped.
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
        var reports = await db.Set<ReportRecord>().Where(r => r.ReceivedAt >= since && r.ReceivedAt < until)
            .Select(r => new { r.Id, r.Category, r.Way, r.ReceivedAt, r.AcknowledgedAt, r.ClosedAt, r.Status })
            .ToListAsync(ct);
        var periodLabels = quarters.Select(q => $"{q.First.Year} Q{((q.First.Month - 1) / 3) + 1}").ToList();
        int PeriodOf(DateTimeOffset at) => quarters.Count(q => q.End <= at);

        var categories = reports.Select(r => r.Category).Distinct().Order(StringComparer.Ordinal).ToList();
        var volumes = Suppress(categories, periodLabels, categories.Select(c => periodLabels.Select((_, p) => reports.Count(r => r.Category == c && PeriodOf(r.ReceivedAt) == p)).ToArray()).ToArray(), minimum);

        var acknowledged = reports.Where(r => r.AcknowledgedAt is not null).Select(r => r.AcknowledgedAt!.Value - r.ReceivedAt).ToList();
        var closed = reports.Where(r => r.Status == ReportStatus.Closed && r.ClosedAt is not null).Select(r => r.ClosedAt!.Value - r.ReceivedAt).ToList();
        var anonymous = reports.Count(r => r.Way == ReportWay.Anonymous);
        bool Small(int n) => n > 0 && n < minimum;
        double? share = reports.Count >= minimum && !Small(anonymous) && !Small(reports.Count - anonymous) ? (double)anonymous / reports.Count : null;

        var ids = reports.Select(r => r.Id).ToList();
        var outcomeRows = await db.Set<CaseOutcome>().Where(o => ids.Contains(o.ReportId)).Select(o => o.Outcome).ToListAsync(ct);
        var outcomeKeys = CaseReasons.Outcomes.Select(o => o.Key).Where(k => outcomeRows.Contains(k)).ToList();
        var outcomes = Suppress(outcomeKeys, ["count"], outcomeKeys.Select(k => new[] { outcomeRows.Count(o => o == k) }).ToArray(), minimum);

        return new SpeakUpInsight(minimum, periodLabels, volumes,
            acknowledged.Count >= minimum ? Median(acknowledged) : null,
            closed.Count >= minimum ? Median(closed) : null,
            share, outcomes);
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

    private static TimeSpan Median(List<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
