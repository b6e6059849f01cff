using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.Organisations;
using Upstander.Platform.Data;

namespace Upstander.Tests.TestHost;

/// <summary>
/// An organisation in Auckland at a moment when its date is a day ahead of the date in UTC: 20:00 UTC on 10 March 2031
/// is 09:00 on 11 March there (New Zealand daylight time, UTC+13). A "today" taken from the date in UTC is yesterday there.
/// </summary>
public static class AheadOfUtc
{
    public const string Zone = "Pacific/Auckland";
    public static readonly DateTimeOffset Moment = new(2031, 3, 10, 20, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly UtcDate = new(2031, 3, 10);
    public static readonly DateOnly LocalDate = new(2031, 3, 11);

    /// <summary>A date as a date field sends it: "2031-03-11".</summary>
    public static string Field(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Puts the organisation in Auckland and moves the clock to <paramref name="at"/> (<see cref="Moment"/> when not
    /// given). Sign in afterwards: a session from before the move is days or years old on the new clock.
    /// </summary>
    public static async Task EnterAsync(UpstanderFactory factory, Guid organisationId, DateTimeOffset? at = null)
    {
        await PlaceAsync(factory, organisationId, Zone);
        factory.Clock.Advance((at ?? Moment) - factory.Clock.GetUtcNow());
    }

    /// <summary>Sets the organisation's time zone, leaving the clock as it is.</summary>
    public static Task PlaceAsync(UpstanderFactory factory, Guid organisationId, string zone) =>
        factory.InScopeAsync(organisationId, async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            (await db.Organisations.SingleAsync(o => o.Id == organisationId)).SetTimeZone(zone);
            await db.SaveChangesAsync();
            services.GetRequiredService<OrganisationZones>().Forget(organisationId);
        });
}
