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
/// a request to reveal a held-back reporter's name that nobody may decide waits unseen, so the page counts those, and
/// any that has waited long (never which report).
/// </summary>
[Authorize(Roles = Roles.Admin)]
public sealed class IndexModel(AppDbContext db, Cases.CustodianDesk custodians) : PageModel
{
    /// <summary>Requests to see a held-back reporter's name with nobody to decide them, or waiting long (<see cref="Cases.CustodianDesk.UnattendedAsync"/>).</summary>
    public int Unattended { get; private set; }

    /// <summary>Days after which a pending request is counted whatever the reason.</summary>
    public static int LongWaitDays => (int)Cases.CustodianDesk.LongWait.TotalDays;

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
        Unattended = await custodians.UnattendedAsync(ct);
    }
}
