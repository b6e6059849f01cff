using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Platform.Web;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace Upstander.Features.Accounts;

/// <summary>The second step of signing in, reached only after a correct password.</summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimitPolicies.SignIn)]
public sealed class TwoFactorSignInModel(SignInManager<Account> signIn, AuditLog audit, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? RecoveryCode { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Message { get; private set; }

    /// <summary>Shows the message and answers 400 (see InvalidFormStatus): the attempt was not accepted.</summary>
    private PageResult Refuse(string message)
    {
        Message = message;
        ModelState.AddModelError("", message);
        return Page();
    }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Accounts/SignIn") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return await CompleteAsync(code.Length is 6 && code.All(char.IsAsciiDigit)
            ? account => signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : null, t["That code did not work. Codes change every 30 seconds; enter the one showing now."], ct);
    }

    public async Task<IActionResult> OnPostRecoveryAsync(CancellationToken ct)
    {
        var code = (RecoveryCode ?? "").Replace(" ", "", StringComparison.Ordinal);
        return await CompleteAsync(code.Length is > 0 and < 64
            ? account => signIn.TwoFactorRecoveryCodeSignInAsync(code)
            : null, t["That recovery code did not work. Check it and try again, or enter the code from your authenticator app."], ct);
    }

    /// <summary>Signs in when the attempt succeeds; otherwise says why, with <paramref name="refused"/> for a code that did not work.</summary>
    private async Task<IActionResult> CompleteAsync(Func<Account, Task<SignInResult>>? attempt, string refused, CancellationToken ct)
    {
        var account = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (account is null)
        {
            return RedirectToPage("/Accounts/SignIn");
        }
        var result = attempt is null ? SignInResult.Failed : await attempt(account);
        if (result.IsNotAllowed && !account.IsActive)
        {
            // Deactivated between the password and the code (AccountSignInManager refused it): the password was right, so say why.
            audit.RecordFor(account.OrganisationId, account.Id, AuditActions.SignInFailed, "account", account.Id.ToString("N"), "deactivated");
            await audit.SaveAsync(ct);
            return Refuse(SignInModel.Deactivated(t));
        }
        if (result.Succeeded)
        {
            audit.RecordFor(account.OrganisationId, account.Id, AuditActions.SignIn, "account", account.Id.ToString("N"), "success");
            await audit.SaveAsync(ct);
            return LocalRedirect(SignInModel.SafeReturnUrl(ReturnUrl));
        }
        audit.RecordFor(account.OrganisationId, account.Id, result.IsLockedOut ? AuditActions.LockedOut : AuditActions.SignInFailed,
            "account", account.Id.ToString("N"), result.IsLockedOut ? "denied" : "failure");
        await audit.SaveAsync(ct);
        return Refuse(result.IsLockedOut ? SignInModel.LockedOut(t) : refused);
    }
}
