using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Upstander.Features.PeerSupport.Care;
using Upstander.Features.PeerSupport.Matching;
using Upstander.Features.PeerSupport.Offers;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Tests.Features.PeerSupport.Offers;
using Upstander.Tests.TestHost;
using static Upstander.Tests.Features.Training.TrainingPages;

namespace Upstander.Tests.Features.PeerSupport.Care;

/// <summary>A supporter's pause or lower cap saved while a matching run is under way: the run never offers them more after it.</summary>
public sealed class SupporterSettingsRaceTests
{
    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_pause_saved_while_a_matching_run_is_under_way_waits_for_it_and_no_offer_is_made_after_the_pause(Engine engine)
    {
        var (w, supporter, waiting, offered) = await SaveDuringRunAsync(engine, requests: 1, cap: 2, pauseDays: 7);
        await using var _ = w;

        offered.ShouldBe(1, "the run read the supporter before they paused, and offers before the pause is saved");
        (await w.PendingAsync(waiting[0])).SupporterId.ShouldBe(supporter);
        (await OrderAsync(w)).ShouldBe([OfferAudit.Offered, CareAudit.SettingsChanged], "an offer is made before the pause is saved, never after it");
        (await w.RunAsync()).ShouldBe(0);
    }

    [Theory]
    [InlineData(Engine.Sqlite)]
    [InlineData(Engine.Postgres)]
    public async Task A_lower_cap_saved_while_a_matching_run_is_under_way_waits_for_it_and_no_offer_is_made_beyond_it(Engine engine)
    {
        var (w, supporter, waiting, offered) = await SaveDuringRunAsync(engine, requests: 2, cap: 1);
        await using var _ = w;

        offered.ShouldBe(2, "the run read the cap of 2 before it was lowered, and offers before the lower cap is saved");
        (await OrderAsync(w)).ShouldBe([OfferAudit.Offered, OfferAudit.Offered, CareAudit.SettingsChanged], "offers are made before the lower cap is saved, never after it");
        foreach (var id in waiting)
        {
            (await w.PendingAsync(id)).SupporterId.ShouldBe(supporter);
        }
    }

    /// <summary>
    /// One available supporter (cap 2) and <paramref name="requests"/> routine requests waiting while matching turns automatic
    /// without running; a run reads the supporter's settings and is held there while the supporter saves the
    /// <paramref name="cap"/> (and a pause of <paramref name="pauseDays"/>) on the availability page, which is answered
    /// "saved", and then the run goes on.
    /// </summary>
    private static async Task<(OfferWorld World, Guid Supporter, List<Guid> Waiting, int Offered)> SaveDuringRunAsync(
        Engine engine, int requests, int cap, int? pauseDays = null)
    {
        var gate = new QueryGate("supporter_settings", "SELECT");
        var w = await OfferWorld.StartAsync(engine, services: gate.Register);
        var supporter = await w.SupporterAsync("Ada Supporter", cap: 2);
        var requester = await w.Factory.SignInAsync(w.Org[Roles.Employee]);
        var waiting = new List<Guid>();
        for (var i = 0; i < requests; i++)
        {
            waiting.Add(await OfferWorld.AskAsync(requester, OfferWorld.Form()));
            (await w.RequestAsync(waiting[^1])).Status.ShouldBe(RequestStatus.Waiting);
        }
        await w.Factory.InScopeAsync(w.Org.Id, async s =>
        {
            var db = s.GetRequiredService<AppDbContext>();
            var settings = await db.Set<MatchingSettings>().SingleOrDefaultAsync() ?? db.Add(MatchingSettings.Defaults(w.Org.Id)).Entity;
            settings.Apply(settings.Options with { Mode = MatchingMode.Automatic }, 24, 2, w.Factory.Clock.GetUtcNow());
            return await db.SaveChangesAsync();
        });
        var client = await w.Factory.SignInAsync(supporter);
        var token = await client.AntiforgeryTokenAsync(Availability);
        var fields = new List<(string, string)> { ("Available", "true"), ("Cap", cap.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Languages", "en") };
        if (pauseDays is { } days)
        {
            fields.Add(("PausedUntil", DateOnly.FromDateTime(w.Factory.Clock.GetUtcNow().UtcDateTime).AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        }
        gate.Arm();
        var run = Task.Run(w.RunAsync);
        await gate.ReachedAsync();

        // The save either goes through at once or waits for the section the run holds; then the run goes on.
        var held = w.Factory.Logs.WaitForNextAsync($"Section {SupportOffers.MatchingSection} of organisation {w.Org.Id} is held in this process", TimeSpan.FromMinutes(1));
        var save = Task.Run(() => client.PostWithTokenAsync(Availability, token, [.. fields]));
        await Task.WhenAny(held, save);
        gate.Open();
        var offered = await run;
        Location(await save).ShouldBe(Availability + "?saved=true");
        return (w, supporter.PersonId, waiting, offered);
    }

    private const string Availability = "/supporter/availability";

    /// <summary>The offers and the settings change, in the order they were saved.</summary>
    private static Task<List<string>> OrderAsync(OfferWorld w) => w.Factory.InScopeAsync(w.Org.Id, s => s.GetRequiredService<AppDbContext>().AuditEvents
        .Where(e => e.Action == OfferAudit.Offered || e.Action == CareAudit.SettingsChanged).OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());
}
