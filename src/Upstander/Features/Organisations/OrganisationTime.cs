using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Data;
using Upstander.Platform.Tenancy;
using Upstander.Platform.Web;

namespace Upstander.Features.Organisations;

/// <summary>
/// Each organisation's time zone, read from the database and kept for a minute: a change saved in this process
/// is seen at once (<see cref="Forget"/>), one saved by another process within the minute. Singleton.
/// </summary>
public sealed class OrganisationZones(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, (TimeZoneInfo Zone, DateTimeOffset LoadedAt)> _zones = new();

    public TimeZoneInfo For(Guid organisationId)
    {
        var now = clock.GetUtcNow();
        if (_zones.TryGetValue(organisationId, out var cached) && now - cached.LoadedAt < RefreshAfter)
        {
            return cached.Zone;
        }
        // A scope of its own (no organisation entered), so the tenancy filter is lifted for this lookup by id.
        using var scope = scopes.CreateScope();
        var id = scope.ServiceProvider.GetRequiredService<AppDbContext>().Organisations.IgnoreQueryFilters()
            .Where(o => o.Id == organisationId).Select(o => o.TimeZone).FirstOrDefault();
        // A zone the server's time-zone data no longer has (it was checked when saved) falls back to UTC, which pages then name.
        var zone = id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
        _zones[organisationId] = (zone, now);
        return zone;
    }

    public void Forget(Guid organisationId) => _zones.TryRemove(organisationId, out _);

    /// <summary>
    /// Today's date where the organisation is: the date its people read on their calendars. Dates without a time
    /// (leave dates, pauses, practice and development dates) are compared with this, never with the date in UTC,
    /// which is a day ahead or behind for hours of every day in most zones.
    /// </summary>
    public DateOnly Today(Guid organisationId) => DateIn(For(organisationId), clock.GetUtcNow());

    /// <summary>The calendar date a moment falls on in a zone.</summary>
    public static DateOnly DateIn(TimeZoneInfo zone, DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
}

/// <summary>
/// Moments as the people of the current organisation read and write them: shown in the organisation's time zone
/// and named ("3 June 2026, 14:00 London time"), and wall-clock times entered in it turned into moments. Outside
/// an organisation (the first-run page, an unknown report link) it is UTC. Scoped.
/// </summary>
public sealed class OrganisationTime(OrganisationScope scope, OrganisationZones zones, TimeProvider clock, IStringLocalizer<SharedResource> t)
{
    private TimeZoneInfo? _zone;

    /// <summary>Kept once an organisation is entered; until then UTC, and read again, since a request may enter one later.</summary>
    public TimeZoneInfo Zone => _zone ?? (scope.OrganisationId is { } id ? _zone = zones.For(id) : TimeZoneInfo.Utc);

    /// <summary>Today's date in the organisation's zone (see <see cref="OrganisationZones.Today"/>).</summary>
    public DateOnly Today => OrganisationZones.DateIn(Zone, clock.GetUtcNow());

    /// <summary>The calendar date a moment falls on in the organisation's zone, without a time ("3 June 2026").</summary>
    public string Date(DateTimeOffset at) => OrganisationZones.DateIn(Zone, at).ToString("d MMMM yyyy", CultureInfo.CurrentCulture);

    /// <summary>The date and time in the organisation's zone, the month in the reader's culture, and the zone's name.</summary>
    public string When(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Zone).ToString("d MMMM yyyy, HH:mm", CultureInfo.CurrentCulture) + " " + Label;

    /// <summary>"UTC", or the zone's place: "London time", "New York time".</summary>
    public string Label => Zone.Id is "UTC" or "Etc/UTC" ? "UTC" : t["{0} time", Place(Zone.Id)];

    /// <summary>The last part of an IANA name, as people write it: America/New_York is New York.</summary>
    public static string Place(string zoneId) => zoneId[(zoneId.LastIndexOf('/') + 1)..].Replace('_', ' ');

    /// <summary>
    /// The first moment of a day in the organisation's zone: its midnight, or, where the clocks go forward over midnight
    /// (as in Santiago), the moment they jump, which is midnight at the offset of the day before.
    /// </summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return Moment(day, TimeOnly.MinValue) ?? new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight.AddTicks(-1)));
    }

    /// <summary>
    /// The moment a date and wall-clock time name in the organisation's zone. Null when the clocks skip that time (they
    /// go forward over it); a time that happens twice (the clocks go back) is its first occurrence.
    /// </summary>
    public DateTimeOffset? Moment(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        if (Zone.IsInvalidTime(local))
        {
            return null;
        }
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
