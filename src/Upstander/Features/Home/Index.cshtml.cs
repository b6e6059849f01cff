using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Home;

/// <summary>
/// The signed-in home page: one section for each role the person holds. Support, peer support, the programme and cases
/// show what is waiting now (view components, so that only the roles held build their services); the other roles
/// describe their area. Each explains what shows there when nothing does yet.
/// </summary>
public sealed class IndexModel(AppDbContext db, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    public string FirstName { get; private set; } = "";
    public IReadOnlyList<string> RoleNames { get; private set; } = [];
    /// <summary>The roles without live figures on the home page: a description and a link.</summary>
    public List<EmptyState> Sections { get; } = [];

    /// <summary>Whether the person holds <paramref name="role"/>: the page invokes a role's cards only then.</summary>
    public bool Holds(string role) => actor.IsInRole(role);

    // Compiled once: every signed-in visit to the home page runs it, and the organisation filter still applies.
    private static readonly ModelBoundQuery<Func<AppDbContext, Guid, CancellationToken, Task<string?>>> NameById = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid personId, CancellationToken ct) =>
            db.People.Where(p => p.Id == personId).Select(p => p.Name).FirstOrDefault()));

    public async Task OnGetAsync(CancellationToken ct)
    {
        var name = actor.PersonId is { } personId
            ? await NameById.For(db)(db, personId, ct)
            : null;
        FirstName = name?.Split(' ', 2)[0] ?? t["there"];
        RoleNames = actor.Roles.Select(r => t[RoleLabels.Label(r)].Value).ToList();

        if (actor.IsInRole(Roles.Leader))
        {
            Sections.Add(new("leader", t["Culture insights"],
                t["Trends across the organisation, always in groups large enough that nobody can be singled out."], t["Open insights"], "/insights"));
        }
        if (actor.IsInRole(Roles.Researcher))
        {
            Sections.Add(new("researcher", t["Research"],
                t["Studies and de-identified, aggregated results, such as whether the peer-supporter training works."], t["Open research"], "/research"));
        }
        if (actor.IsInRole(Roles.Admin))
        {
            Sections.Add(new("admin", t["Administration"],
                t["Manage people, roles, invitations, imports, access tokens and the audit log."], t["Open administration"], "/admin"));
        }
    }
}
