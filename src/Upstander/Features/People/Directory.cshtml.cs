using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.People;

/// <summary>The directory for admins: search by name, email or employee id, filter by department, page through.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed class DirectoryModel(AppDbContext db) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "department")]
    public Guid? DepartmentId { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<PersonView> People { get; private set; } = [];
    /// <summary>People on this page with an account: true when it is active, false when it has been deactivated.</summary>
    public IReadOnlyDictionary<Guid, bool> Accounts { get; private set; } = new Dictionary<Guid, bool>();
    public IReadOnlyList<(Guid Id, string Name)> Departments { get; private set; } = [];
    public int Total { get; private set; }
    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (Search is { Length: > 200 })
        {
            Search = Search[..200];
        }
        PageNumber = Math.Max(1, PageNumber);
        Departments = (await db.Departments.OrderBy(d => d.Name).Select(d => new { d.Id, d.Name }).ToListAsync(ct))
            .Select(d => (d.Id, d.Name)).ToList();
        var query = PersonQueries.Search(db.People, Search);
        if (DepartmentId is { } departmentId)
        {
            query = query.Where(p => p.DepartmentId == departmentId);
        }
        Total = await query.CountAsync(ct);
        PageNumber = Math.Min(PageNumber, Pages);
        People = await PersonQueries.ToViews(db, query.OrderBy(p => p.Name).ThenBy(p => p.Id).Skip((PageNumber - 1) * PageSize).Take(PageSize)).ToListAsync(ct);
        var ids = People.Select(p => p.Id).ToList();
        var organisationId = db.CurrentOrganisationId;
        Accounts = await db.Users.Where(a => a.OrganisationId == organisationId && a.PersonId != null && ids.Contains(a.PersonId.Value))
            .ToDictionaryAsync(a => a.PersonId!.Value, a => a.DeactivatedAt == null, ct);
    }

    public string PageLink(int page) =>
        "/admin/people?" + string.Join('&', new[]
        {
            string.IsNullOrWhiteSpace(Search) ? null : "q=" + Uri.EscapeDataString(Search),
            DepartmentId is { } d ? "department=" + d.ToString("D") : null,
            "page=" + page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Where(p => p is not null));
}
