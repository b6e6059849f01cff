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

    /// <summary>
    /// Set only by the post that set the password, whose answer is the page saying so: nothing in an address can make the
    /// page claim a password was set, or how many passkeys an account has.
    /// </summary>
    public bool Done { get; private set; }

    /// <summary>On the page that says it is done: how many passkeys the account has, which still sign in.</summary>
    public int Passkeys { get; private set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public UsablePasswordReset? Reset { get; private set; }
    public PasswordResetProblem Problem { get; private set; }
    public bool SignedInAlready { get; private set; }
    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : Refused();

    /// <summary>
    /// Sets the password and answers with the page that says so, not a redirect: the passkey count comes from the account,
    /// never from the address. Sending the form again finds the link used, and says so.
    /// </summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
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
        (var problem, Passkeys) = await recovery.SetPasswordAsync(Reset!, password, ct);
        if (problem != PasswordResetProblem.None)
        {
            // Used (or ended) since the page found it, by another post at the same moment: say so, as for a used link.
            (Reset, Problem) = (null, problem);
            return Refused();
        }
        Done = true;
        return Page();
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
