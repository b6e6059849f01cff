using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;
using Upstander.Platform.Security;

namespace Upstander.Features.Training;

/// <summary>A development entry as typed into the form.</summary>
public sealed class DevelopmentForm
{
    public string? Kind { get; set; }
    public string? Date { get; set; }
    public string? Hours { get; set; }
    public string? Title { get; set; }
    public string? Reflection { get; set; }
}

/// <summary>A development entry that passed <see cref="DevelopmentRules"/>.</summary>
public sealed record DevelopmentInput(string Kind, DateOnly Date, int QuarterHours, string Title, string? Reflection);

/// <summary>Checks a development entry; the messages are English localization keys, keyed by form field.</summary>
public static class DevelopmentRules
{
    public static (DevelopmentInput? Input, Dictionary<string, string> Errors) Check(DevelopmentForm form, DateOnly today)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var kind = form.Kind?.Trim() ?? "";
        if (!DevelopmentKind.All.Contains(kind))
        {
            errors[nameof(DevelopmentForm.Kind)] = "Choose training, supervision or other.";
        }
        if (!DateOnly.TryParseExact(form.Date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors[nameof(DevelopmentForm.Date)] = "Enter the date as year-month-day, for example 2026-03-31.";
        }
        else if (date > today)
        {
            errors[nameof(DevelopmentForm.Date)] = "The date cannot be in the future.";
        }
        var quarters = 0;
        if (!decimal.TryParse(form.Hours?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var hours)
            || hours * 4 != decimal.Truncate(hours * 4)
            || hours * 4 is < DevelopmentEntry.MinQuarterHours or > DevelopmentEntry.MaxQuarterHours)
        {
            errors[nameof(DevelopmentForm.Hours)] = "Enter hours from 0.25 to 100, in quarter hours (for example 1.5 or 0.75).";
        }
        else
        {
            quarters = (int)(hours * 4);
        }
        var title = form.Title?.Trim() ?? "";
        if (title.Length == 0)
        {
            errors[nameof(DevelopmentForm.Title)] = "Enter a short title.";
        }
        else if (title.Length > DevelopmentEntry.TitleMaxLength || title.Any(char.IsControl))
        {
            errors[nameof(DevelopmentForm.Title)] = "The title must be one line of at most 120 characters.";
        }
        var reflection = string.IsNullOrWhiteSpace(form.Reflection) ? null : form.Reflection.Trim();
        if (reflection is { Length: > DevelopmentEntry.ReflectionMaxLength })
        {
            errors[nameof(DevelopmentForm.Reflection)] = "The reflection must be at most 4000 characters.";
        }
        return errors.Count > 0 ? (null, errors) : (new DevelopmentInput(kind, date, quarters, title, reflection), errors);
    }
}

/// <summary>One person's hours by kind over a period: what the coordinator's cohort view may show (no titles, no reflections).</summary>
public sealed record DevelopmentHours(decimal Training, decimal Supervision, decimal Other)
{
    public decimal Total => Training + Supervision + Other;
}

/// <summary>A development entry as its owner sees it, the reflection opened.</summary>
public sealed record DevelopmentEntryView(Guid Id, string Kind, DateOnly Date, decimal Hours, string Title, string? Reflection);

/// <summary>The signed-in person's continuing-development log. Scoped. Only the owner reaches their entries.</summary>
public sealed class DevelopmentLog(AppDbContext db, CurrentActor actor, FieldProtector protector, AuditLog audit, TimeProvider clock, OrganisationTime time)
{
    /// <summary>Peer supporters, and candidates (anyone a coordinator has enrolled on a course), keep a log.</summary>
    public async Task<bool> MayKeepAsync(CancellationToken ct) =>
        actor.PersonId is { } personId
        && (actor.IsInRole(Roles.PeerSupporter) || await db.Set<CourseEnrolment>().AnyAsync(e => e.PersonId == personId, ct));

    /// <summary>Today in the organisation's zone: an entry dated today there is not in the future, whatever the date in UTC.</summary>
    public DateOnly Today => time.Today;

    public async Task<IReadOnlyList<DevelopmentEntryView>> EntriesAsync(CancellationToken ct)
    {
        var personId = actor.PersonId!.Value;
        var rows = await db.Set<DevelopmentEntry>().AsNoTracking().Where(e => e.PersonId == personId)
            .OrderByDescending(e => e.Date).ThenByDescending(e => e.CreatedAt).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    public async Task<DevelopmentEntryView?> FindAsync(Guid id, CancellationToken ct) =>
        await OwnAsync(id, ct) is { } row ? View(row) : null;

    public async Task<Guid> AddAsync(DevelopmentInput input, CancellationToken ct)
    {
        var entry = DevelopmentEntry.Create(actor.OrganisationId!.Value, actor.PersonId!.Value, clock.GetUtcNow());
        entry.Set(input, Seal(input.Reflection, entry.Id), clock.GetUtcNow());
        db.Set<DevelopmentEntry>().Add(entry);
        await db.SaveChangesAsync(ct);
        return entry.Id;
    }

    public async Task<bool> UpdateAsync(Guid id, DevelopmentInput input, CancellationToken ct)
    {
        if (await OwnAsync(id, ct) is not { } entry)
        {
            return false;
        }
        entry.Set(input, Seal(input.Reflection, entry.Id), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct)
    {
        if (await OwnAsync(id, ct) is not { } entry)
        {
            return false;
        }
        db.Set<DevelopmentEntry>().Remove(entry);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Hours by kind for each of <paramref name="personIds"/> with a date from <paramref name="from"/> to
    /// <paramref name="to"/> inclusive; people with no entries are absent. For the coordinator's cohort
    /// view: no titles and no reflections leave this method.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, DevelopmentHours>> HoursByPersonAsync(IReadOnlyCollection<Guid> personIds, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var sums = await db.Set<DevelopmentEntry>()
            .Where(e => personIds.Contains(e.PersonId) && e.Date >= from && e.Date <= to)
            .GroupBy(e => new { e.PersonId, e.Kind })
            .Select(g => new { g.Key.PersonId, g.Key.Kind, Quarters = g.Sum(e => e.QuarterHours) })
            .ToListAsync(ct);
        return sums.GroupBy(s => s.PersonId).ToDictionary(g => g.Key, g => new DevelopmentHours(
            g.Where(s => s.Kind == DevelopmentKind.Training).Sum(s => s.Quarters) / 4m,
            g.Where(s => s.Kind == DevelopmentKind.Supervision).Sum(s => s.Quarters) / 4m,
            g.Where(s => s.Kind is not (DevelopmentKind.Training or DevelopmentKind.Supervision)).Sum(s => s.Quarters) / 4m));
    }

    private Task<DevelopmentEntry?> OwnAsync(Guid id, CancellationToken ct) =>
        actor.PersonId is { } personId
            ? db.Set<DevelopmentEntry>().SingleOrDefaultAsync(e => e.Id == id && e.PersonId == personId, ct)
            : Task.FromResult<DevelopmentEntry?>(null);

    private string? Seal(string? reflection, Guid id)
    {
        if (reflection is null)
        {
            return null;
        }
        audit.Record(AuditActions.ProtectedWrite, "development-entry", id, detail: "reflection=written");
        return protector.Seal(reflection, DevelopmentEntry.ReflectionPurpose, id);
    }

    private DevelopmentEntryView View(DevelopmentEntry e) => new(e.Id, e.Kind, e.Date, e.Hours, e.Title,
        e.ReflectionSealed is null ? null : protector.Open(e.ReflectionSealed, DevelopmentEntry.ReflectionPurpose, e.Id));
}
