using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Cases;

/// <summary>
/// The identity custodian's page: pending requests to reveal a held identity (no report content, only the made-up
/// name, who asked, when and the reason), and approving or refusing. A custodian conflicted on a report never sees it.
/// </summary>
[Authorize(Roles = Roles.Custodian)]
public sealed class CustodianModel(CustodianDesk desk, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    public IReadOnlyList<RevealRow> Pending { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty] public Guid? RequestId { get; set; }
    [BindProperty] public string? Decision { get; set; }

    public async Task<IActionResult> OnGetAsync(string? done, CancellationToken ct)
    {
        if (actor.PersonId is not { } me)
        {
            return NotFound();
        }
        Done = done is "approved" or "refused" ? done : null;
        Pending = await desk.PendingAsync(me, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (actor.PersonId is not { } me || RequestId is not { } id || await desk.FindAsync(id, me, ct) is not { } found)
        {
            return NotFound();
        }
        await using var _ = found.Case;
        if (Decision is not ("approve" or "refuse"))
        {
            ModelState.AddModelError(nameof(Decision), t["Choose to approve or refuse."]);
            Pending = await desk.PendingAsync(me, ct);
            return Page();
        }
        await desk.DecideAsync(found.Request, found.Case.Report, Decision == "approve", me, ct);
        return Redirect("/custodian?done=" + (Decision == "approve" ? "approved" : "refused"));
    }
}
