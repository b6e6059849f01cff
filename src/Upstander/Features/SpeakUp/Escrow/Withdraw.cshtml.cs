using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Web;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>/speak-up/escrow/withdraw: deletes a held entry given the code its reporter was shown once. Works without JavaScript.</summary>
[Authorize]
public sealed class WithdrawModel(EscrowStore store, IStringLocalizer<SharedResource> t) : PageModel
{
    public const int CodeMaxLength = 60;

    [BindProperty] public string? Code { get; set; }

    public bool Done { get; private set; }

    public void OnGet(bool withdrawn = false) => Done = withdrawn;

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Code is not { Length: > 0 and <= CodeMaxLength } || EscrowStore.NormalizeCode(Code).Length != 24)
        {
            ModelState.AddModelError(nameof(Code), t["Enter the withdrawal code exactly as it was shown: 24 letters and digits."]);
            return Page();
        }
        switch (await store.WithdrawAsync(Code, ct))
        {
            case WithdrawOutcome.Withdrawn:
                return Redirect("/speak-up/escrow/withdraw?withdrawn=true");
            case WithdrawOutcome.AlreadyReleased:
                ModelState.AddModelError(nameof(Code), t["This report was already released to the case team, so it can no longer be withdrawn. You can still write to the case team about it."]);
                return Page();
            default:
                ModelState.AddModelError(nameof(Code), t["No held report has this withdrawal code. Check it and try again. A report that was withdrawn is gone, and its code no longer works."]);
                return Page();
        }
    }
}
