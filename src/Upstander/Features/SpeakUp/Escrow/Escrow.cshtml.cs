using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// /speak-up/escrow: a report held until others name the same person. The page explains what escrow promises and
/// what it does not; the browser does all the cryptography (wwwroot/js/escrow-page.js) and uploads only (π, c, t).
/// Without JavaScript the page says that escrow cannot work and offers the other ways; there is no server fallback,
/// so the server never sees whom a person names.
/// </summary>
[Authorize]
public sealed class EscrowModel(AppDbContext db, CurrentActor actor, OrganisationScope scope, EscrowStore store, TimeProvider clock, EscrowOptions options) : PageModel
{
    /// <summary>How long a held report waits before it is deleted (<see cref="HeldEntryExpiry"/>).</summary>
    public int HeldMonths => options.HeldMonths;

    public Guid OrganisationId { get; private set; }
    public Guid ReporterId { get; private set; }
    public string Attestation { get; private set; } = "";

    public IActionResult OnGet()
    {
        if (actor.PersonId is not { } personId || scope.OrganisationId is not { } organisationId)
        {
            return Forbid();
        }
        (OrganisationId, ReporterId, Attestation) = (organisationId, personId, store.Attest(personId));
        return Page();
    }

    /// <summary>Dismisses one of the signed-in person's release notices.</summary>
    public async Task<IActionResult> OnPostDismissAsync(Guid id, CancellationToken ct)
    {
        var notice = await db.Set<EscrowNotice>().SingleOrDefaultAsync(n => n.Id == id && n.PersonId == actor.PersonId, ct);
        if (notice is null)
        {
            return NotFound();
        }
        notice.Dismiss(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return Redirect("/speak-up/escrow");
    }
}
