using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Admin;

/// <summary>
/// The administration page: what an admin can do, and whether the organisation will still have an administrator. An
/// organisation whose only admin leaves (their leave date stops the account) can appoint another only from the
/// server's command line, so the page says so while there is still time to give the role to someone else. Likewise
/// a request to reveal a held-back reporter's name that no identity custodian may decide waits unseen, so the page counts
/// those (never which report).
/// </summary>
[Authorize(Roles = Roles.Admin)]
public sealed class IndexModel(AppDbContext db, Cases.CustodianDesk custodians) : PageModel
{
    /// <summary>Requests to see a held-back reporter's name that no identity custodian may decide (<see cref="Cases.CustodianDesk.UndecidableAsync"/>).</summary>
    public int Undecidable { get; private set; }

    /// <summary>Active administrators with no leave date.</summary>
    public int Staying { get; private set; }

    /// <summary>Active administrators with a leave date still to come, soonest first.</summary>
    public IReadOnlyList<(string Name, DateOnly Leaves)> Leaving { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var admins = await AccountLifecycle.ActivePeopleInRoleAsync(db, Roles.Admin, ct);
        var people = await db.People.AsNoTracking().Where(p => admins.Contains(p.Id)).Select(p => new { p.Name, p.LeaveDate }).ToListAsync(ct);
        Staying = people.Count(p => p.LeaveDate is null);
        Leaving = [.. people.Where(p => p.LeaveDate is not null).OrderBy(p => p.LeaveDate).ThenBy(p => p.Name).Select(p => (p.Name, p.LeaveDate!.Value))];
        Undecidable = await custodians.UndecidableAsync(ct);
    }
}
