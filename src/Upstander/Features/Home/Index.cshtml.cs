using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Home;

/// <summary>The signed-in home page: one section for each role the person holds, each explaining what will appear there.</summary>
public sealed class IndexModel(AppDbContext db, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    public string FirstName { get; private set; } = "";
    public IReadOnlyList<string> RoleNames { get; private set; } = [];
    public List<EmptyState> Sections { get; } = [];

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

        Sections.Add(new("employee", t["Your support and reports"],
            t["When you ask a peer supporter for help or speak up about something that happened, your conversations and reports will appear here. Only you and the people you choose can see them."], t["Support services and helplines"], "/support/resources"));
        if (actor.IsInRole(Roles.PeerSupporter))
        {
            Sections.Add(new("supporter", t["Your peer support"],
                t["Requests offered to you, your open conversations and your training status will appear here once you are certified and available."], t["Open the supporter area"], "/supporter"));
        }
        if (actor.IsInRole(Roles.Coordinator))
        {
            Sections.Add(new("coordinator", t["The programme"],
                t["Queue health, supporters' load, training cohorts and well-being in aggregate will appear here."], t["Open the programme area"], "/coordinate"));
        }
        if (actor.IsInRole(Roles.CaseManager))
        {
            Sections.Add(new("case-manager", t["Cases"],
                t["Reports routed to you, with their deadlines, will appear here. Reports that name you or anyone you manage never reach you."], t["Open cases"], "/cases"));
        }
        if (actor.IsInRole(Roles.Leader))
        {
            Sections.Add(new("leader", t["Culture insights"],
                t["Trends across the organisation will appear here, always in groups large enough that nobody can be singled out."], t["Open insights"], "/insights"));
        }
        if (actor.IsInRole(Roles.Researcher))
        {
            Sections.Add(new("researcher", t["Research"],
                t["Studies and de-identified, aggregated results will appear here."], t["Open research"], "/research"));
        }
        if (actor.IsInRole(Roles.Admin))
        {
            Sections.Add(new("admin", t["Administration"],
                t["Manage people, roles, invitations, imports, access tokens and the audit log."], t["Open administration"], "/admin"));
        }
    }
}
