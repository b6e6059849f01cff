using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Features.Cases;

/// <summary>
/// The one conflict-of-interest rule, used by every case query, page, count, routing, handover, notice and custodian
/// decision: a person is conflicted on a report when they are its reporter, or in its reporter's management line, up or
/// down, or when the report names them or anyone in their management line (<see cref="OrgChart.IsOrInLineOf"/> over the
/// named people and the reporter, as peer-support matching treats the requester). A reporter's own manager would
/// otherwise read, and recognise, a report whose identity is held back, and as custodian could approve its reveal; a
/// reporter who is a case manager never handles their own case. The named ids are read from the sealed involved-people JSON in memory only,
/// for the check; they are not shown and not kept. A report whose involved people cannot be read is treated as
/// conflicted for everyone (fail closed), and a report whose content retention removed is shown to nobody. Scoped.
/// </summary>
public sealed class CaseConflicts(AppDbContext db, FieldProtector protector, OrgChartCache charts, ILogger<CaseConflicts> logger)
{
    private readonly Dictionary<Guid, IReadOnlyList<Guid>?> _named = [];
    private OrgChart? _chart;

    public async Task<OrgChart> ChartAsync(CancellationToken ct) => _chart ??= await charts.ForAsync(db, ct);

    /// <summary>The directory ids a report names; null when they cannot be read.</summary>
    public IReadOnlyList<Guid>? Named(ReportRecord report)
    {
        if (_named.TryGetValue(report.Id, out var cached))
        {
            return cached;
        }
        IReadOnlyList<Guid>? named;
        try
        {
            named = report.InvolvedSealed is null ? [] : ReportContent.NamedIds(protector.Open(report.InvolvedSealed, ReportRecord.InvolvedPurpose, report.Id));
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException)
        {
            logger.LogError("The involved people of report {ReportId} cannot be read; the case is hidden from everyone until this is fixed.", report.Id);
            named = null;
        }
        _named[report.Id] = named;
        return named;
    }

    /// <summary>Whether <paramref name="person"/> may see, be assigned or decide on <paramref name="report"/>.</summary>
    public async Task<bool> MaySeeAsync(ReportRecord report, Guid person, CancellationToken ct) =>
        !report.ContentErased && Concerned(report) is { } concerned && !(await ChartAsync(ct)).IsOrInLineOf(concerned, person);

    /// <summary>The reports in <paramref name="query"/> that <paramref name="person"/> is not conflicted on.</summary>
    public async Task<List<ReportRecord>> VisibleAsync(IQueryable<ReportRecord> query, Guid person, CancellationToken ct)
    {
        var reports = await query.Where(r => r.ContentErasedAt == null).ToListAsync(ct);
        var chart = await ChartAsync(ct);
        return [.. reports.Where(r => Concerned(r) is { } concerned && !chart.IsOrInLineOf(concerned, person))];
    }

    /// <summary>Whom the rule keeps the report from, with their management lines: the people it names and its reporter (when known); null when the named cannot be read.</summary>
    private IReadOnlyList<Guid>? Concerned(ReportRecord report) =>
        Named(report) is not { } named ? null : report.ReporterId is { } reporter ? [.. named, reporter] : named;

    /// <summary>The active case managers who may see, be assigned or decide on <paramref name="report"/>.</summary>
    public async Task<List<Guid>> EligibleAsync(ReportRecord report, CancellationToken ct) => await EligibleAsync(report, await CaseManagersAsync(ct), ct);

    /// <summary>Those of <paramref name="managers"/> (the case managers, read once by a caller routing many reports; or custodians) who may see <paramref name="report"/>.</summary>
    public async Task<List<Guid>> EligibleAsync(ReportRecord report, IEnumerable<Guid> managers, CancellationToken ct)
    {
        var eligible = new List<Guid>();
        foreach (var manager in managers)
        {
            if (await MaySeeAsync(report, manager, ct))
            {
                eligible.Add(manager);
            }
        }
        return eligible;
    }

    /// <summary>Of <paramref name="eligible"/>, the case manager holding the fewest open cases (ties by id); null when there is none.</summary>
    public async Task<Guid?> LeastLoadedAsync(List<Guid> eligible, CancellationToken ct)
    {
        if (eligible.Count == 0)
        {
            return null;
        }
        var load = await db.Set<ReportRecord>()
            .Where(r => r.Status != ReportStatus.Closed && r.AssigneeId != null && eligible.Contains(r.AssigneeId.Value))
            .GroupBy(r => r.AssigneeId!.Value).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return eligible.OrderBy(m => load.GetValueOrDefault(m)).ThenBy(m => m).First();
    }

    /// <summary>The people holding the case manager role in the current organisation (with an active account and a directory entry).</summary>
    public Task<List<Guid>> CaseManagersAsync(CancellationToken ct) => AccountLifecycle.ActivePeopleInRoleAsync(db, Platform.Security.Roles.CaseManager, ct);
}
