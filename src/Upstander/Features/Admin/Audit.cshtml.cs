using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;

namespace Upstander.Features.Admin;

/// <summary>One event as the audit page shows it: who by name where the directory has them, never content (events hold none).</summary>
public sealed record AuditRow(long Sequence, DateTimeOffset At, string Who, string Action, string? Target, string Outcome, string? Detail);

/// <summary>
/// The organisation's audit log for its administrators: newest first, filtered by action, date and id, fifty at a
/// time; and a check of the chain. The chain is the installation's (one line through every organisation's events),
/// so the check reads all of it, but the page says nothing about other organisations' events beyond whether the
/// chain holds. Viewing and checking are themselves audited.
/// </summary>
[Authorize(Roles = Roles.Admin)]
public sealed class AuditModel(AppDbContext db, AuditLog audit, OrganisationTime time, KeyRing keys) : PageModel
{
    public const int PageSize = 50;
    public const int FilterMaxLength = 64;

    [FromQuery(Name = "action")] public string? ActionFilter { get; set; }
    [FromQuery] public DateOnly? From { get; set; }
    [FromQuery] public DateOnly? To { get; set; }
    [FromQuery(Name = "id")] public string? IdFilter { get; set; }
    [FromQuery] public long? Before { get; set; }

    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    /// <summary>The sequence to continue from for older events, or null on the last page.</summary>
    public long? Older { get; private set; }

    /// <summary>What is wrong with the filters: localisation keys with their arguments, formatted by the page.</summary>
    public List<(string Key, object[] Arguments)> Errors { get; } = [];

    /// <summary>After a check: whether the chain holds, and how many of this organisation's events it covered.</summary>
    public (bool Intact, long OwnEvents, long? BrokenAt, string? Problem)? Check { get; private set; }

    // The organisation's midnight of a date far from today would fall outside the range of times (a day is added to the end date).
    private static readonly DateOnly EarliestDay = new(1900, 1, 1), LatestDay = new(9998, 12, 31);

    private static bool OutOfRange(DateOnly? day) => day is { } d && (d < EarliestDay || d > LatestDay);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (ActionFilter is { Length: > FilterMaxLength } || IdFilter is { Length: > FilterMaxLength })
        {
            Errors.Add(("Filters are at most {0} characters.", [FilterMaxLength]));
        }
        if (OutOfRange(From) || OutOfRange(To))
        {
            Errors.Add(("Dates must be between {0} and {1}.", [Day(EarliestDay), Day(LatestDay)]));
        }
        else if (From is { } from && To is { } to && to < from)
        {
            Errors.Add(("The end date is before the start date.", []));
        }
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await LoadAsync(ct);
        audit.Record(AuditActions.AuditViewed, detail: Filters());
        await audit.SaveAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        var result = await AuditChain.VerifyAsync(AuditChain.InOrder(db.AuditEvents), keys.AuditKey(), null, ct);
        var own = await db.AuditEvents.LongCountAsync(ct);
        if (result.Intact)
        {
            Check = (true, own, null, null);
        }
        else
        {
            // Where it broke is shown only when the event is this organisation's; otherwise only that it broke.
            var ours = await db.AuditEvents.AnyAsync(e => e.Sequence == result.BrokenAtSequence, ct);
            Check = (false, own, ours ? result.BrokenAtSequence : null, ours ? result.Problem : null);
        }
        audit.Record(AuditActions.AuditChecked, outcome: result.Intact ? "success" : "failure");
        await audit.SaveAsync(ct);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(ActionFilter))
        {
            var prefix = ActionFilter.Trim();
            query = query.Where(e => e.Action.StartsWith(prefix));
        }
        if (!string.IsNullOrWhiteSpace(IdFilter))
        {
            var id = IdFilter.Trim();
            var asGuid = Guid.TryParse(id, out var parsed) ? parsed : (Guid?)null;
            var asTarget = asGuid is { } g ? g.ToString("N") : id;
            query = query.Where(e => e.TargetId == asTarget || e.TargetId == id || (asGuid != null && e.ActorId == asGuid));
        }
        if (From is { } from)
        {
            var start = time.StartOf(from);
            query = query.Where(e => e.At >= start);
        }
        if (To is { } to)
        {
            var end = time.StartOf(to.AddDays(1));
            query = query.Where(e => e.At < end);
        }
        if (Before is { } before)
        {
            query = query.Where(e => e.Sequence < before);
        }
        var events = await query.OrderByDescending(e => e.Sequence).Take(PageSize + 1).ToListAsync(ct);
        Older = events.Count > PageSize ? events[PageSize - 1].Sequence : null;
        var shown = events.Take(PageSize).ToList();

        var actorIds = shown.Where(e => e.ActorId is not null).Select(e => e.ActorId!.Value).Distinct().ToList();
        var names = await db.Users.Where(a => actorIds.Contains(a.Id))
            .Join(db.People, a => a.PersonId, p => p.Id, (a, p) => new { a.Id, p.Name })
            .ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        Rows = [.. shown.Select(e => new AuditRow(e.Sequence, e.At, Who(e, names), e.Action,
            e.TargetType is null ? null : e.TargetId is null ? e.TargetType : $"{e.TargetType} {e.TargetId}", e.Outcome, e.Detail))];
    }

    private static string Who(AuditEvent e, Dictionary<Guid, string> names) => e.ActorKind switch
    {
        CurrentActor.SystemKind => "Upstander",
        "anonymous" => "Someone not signed in",
        AuditLog.HiddenReporter => "Someone speaking up (not named in this log)",
        AuditLog.HiddenRequester => "Someone asking for support (not named in this log)",
        AuditLog.HiddenSupporter => "A peer supporter asking for a debrief (not named in this log)",
        "token" when e.ActorId is { } id => names.TryGetValue(id, out var name) ? $"{name} (access token)" : "An access token",
        _ when e.ActorId is { } id => names.TryGetValue(id, out var name) ? name : "An account no longer in the directory",
        _ => e.ActorKind,
    };

    /// <summary>Which filters were used, never their values (an id typed into a filter is not the admin's to leave in the log).</summary>
    private string Filters()
    {
        var used = new[] { ("action", !string.IsNullOrWhiteSpace(ActionFilter)), ("id", !string.IsNullOrWhiteSpace(IdFilter)), ("from", From is not null), ("to", To is not null), ("before", Before is not null) }
            .Where(f => f.Item2).Select(f => f.Item1).ToList();
        return used.Count == 0 ? "filters=none" : "filters=" + string.Join('+', used);
    }

    /// <summary>The address of the next, older page with the same filters.</summary>
    public string OlderLink(long older) => QueryHelpers.AddQueryString("/admin/audit", new Dictionary<string, string?>
    {
        ["action"] = string.IsNullOrWhiteSpace(ActionFilter) ? null : ActionFilter,
        ["id"] = string.IsNullOrWhiteSpace(IdFilter) ? null : IdFilter,
        ["from"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["to"] = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["before"] = older.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });
}
