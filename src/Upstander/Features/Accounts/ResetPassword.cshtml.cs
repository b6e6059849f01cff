using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>
/// Where a password link lands. Anyone holding the link may use it once, so the page is anonymous and rate limited
/// like sign-in; it says nothing about a link it cannot use beyond why. It does not sign the person in: they sign in
/// with the new password, and with two-factor where it is on.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimitPolicies.SignIn)]
public sealed class ResetPasswordModel(AccountRecovery recovery, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Done { get; set; }

    /// <summary>On the page that says it is done: how many passkeys the account has, which still sign in.</summary>
    [BindProperty(SupportsGet = true)]
    public int Passkeys { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public UsablePasswordReset? Reset { get; private set; }
    public PasswordResetProblem Problem { get; private set; }
    public bool SignedInAlready { get; private set; }
    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => Done || await LoadAsync(ct) ? Page() : Refused();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Done = false;
        if (!await LoadAsync(ct))
        {
            return Refused();
        }
        var password = Password ?? "";
        Errors.AddRange(await PasswordMessages.ProblemsAsync(password, ConfirmPassword, p => recovery.CheckPasswordAsync(Reset!, p), t));
        if (Errors.Count > 0)
        {
            ModelState.AddModelError(nameof(Password), Errors[0]);
            return Page();
        }
        var passkeys = await recovery.SetPasswordAsync(Reset!, password, ct);
        return Redirect(AccountRecovery.ResetPath + "?done=true" + (passkeys > 0 ? "&passkeys=" + passkeys.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""));
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            // Someone else's link opened in a signed-in browser (a shared computer): ask them to sign out first.
            SignedInAlready = true;
            return false;
        }
        (Reset, Problem) = await recovery.FindAsync(Token, ct);
        return Reset is not null;
    }

    private PageResult Refused()
    {
        Response.StatusCode = PasswordMessages.RefusedLinkStatus(SignedInAlready, Problem == PasswordResetProblem.NotFound);
        return Page();
    }
}
