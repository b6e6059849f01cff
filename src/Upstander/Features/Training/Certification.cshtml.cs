using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Training;

/// <summary>
/// The learner's own certification: status, each core module passed or not, asking for sign-off, the
/// expiry and the refresher, and the history. Only ever the signed-in person's own record.
/// </summary>
public sealed class CertificationModel(SupporterCertification certification, Learner learner, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    public CertificationState State { get; private set; } = null!;
    public bool IsCandidate { get; private set; }
    public string? DeclineReason { get; private set; }
    public CertificationOptions Options => certification.Options;

    [BindProperty(SupportsGet = true, Name = "requested")]
    public bool JustRequested { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ?? Page();

    public async Task<IActionResult> OnPostRequestAsync(CancellationToken ct)
    {
        if (actor.PersonId is not { } personId)
        {
            return NotFound();
        }
        if (!await certification.RequestAsync(personId, ct))
        {
            ModelState.AddModelError("", t["You cannot ask for sign-off now: every core module must be passed first, and you must not have a request waiting or a current certificate."]);
            JustRequested = false;
            return await LoadAsync(ct) ?? Page();
        }
        return Redirect("/training/certification?requested=true");
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken ct)
    {
        if (actor.PersonId is not { } personId)
        {
            return NotFound();
        }
        State = await certification.StateAsync(personId, ct);
        var available = await learner.AvailableAsync(ct);
        IsCandidate = State.Certificate is not null || State.CoreModules.Any(m => m.Passed) || available.Any(c => c.Course.Core);
        if (State.Declined is { } declined)
        {
            DeclineReason = await certification.ReadNoteAsync(declined, ct);
        }
        return null;
    }
}
