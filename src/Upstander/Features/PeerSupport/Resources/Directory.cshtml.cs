using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.PeerSupport.Resources;

/// <summary>
/// The resources directory as everyone in the organisation sees it: crisis resources first, then the
/// other published entries by kind, for one country (the person's own when their location is a country
/// the directory lists) or all. The filter is a plain GET form, so it works without JavaScript.
/// </summary>
public sealed class DirectoryModel(SupportResources resources, AppDbContext db, CurrentActor actor) : PageModel
{
    /// <summary>The country shown, or null for all.</summary>
    public string? Country { get; private set; }
    public IReadOnlyList<string> CountryChoices { get; private set; } = [];
    public IReadOnlyList<SupportResource> Crisis { get; private set; } = [];
    public IReadOnlyList<SupportResource> Others { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var listed = await resources.CountriesAsync(ct);
        // No "country" in the query: the form was not used yet, so start at the person's own country.
        if (!Request.Query.TryGetValue("country", out var asked))
        {
            var location = actor.PersonId is { } personId
                ? await db.People.Where(p => p.Id == personId).Select(p => p.Location).FirstOrDefaultAsync(ct)
                : null;
            Country = Countries.Normalise(location) is { } home && listed.Contains(home) ? home : null;
        }
        else
        {
            Country = Countries.Normalise(asked.ToString());
        }
        CountryChoices = listed.Append(Country).OfType<string>().Distinct().OrderBy(Countries.Name, StringComparer.CurrentCulture).ToList();
        Crisis = await resources.CrisisResourcesAsync(Country, ct);
        Others = (await resources.ListAsync(new ResourceFilter(Country), ct)).Where(r => !r.IsCrisis).ToList();
    }
}
