using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

[AllowAnonymous]
[EnableRateLimiting(RateLimitPolicies.SignIn)]
// Identity's services arrive with the post only: the page itself is shown far more often than it is
// submitted, and building SignInManager for every view is most of the page's cost.
public sealed class SignInModel(IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty, Required, EmailAddress, StringLength(254)]
    public string Email { get; set; } = "";

    [BindProperty, Required, StringLength(1000)]
    public string Password { get; set; } = "";

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

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(
        [FromServices] SignInManager<Account> signIn, [FromServices] UserManager<Account> users, [FromServices] AuditLog audit, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            return Refuse(t["Enter your work email and password."]);
        }
        var account = await users.FindByEmailAsync(Email.Trim());
        if (account is null)
        {
            // Same answer as a wrong password, after the same work: checking a password costs a deliberate amount of
            // time, and skipping it for unknown addresses would let anyone time which addresses have accounts.
            users.PasswordHasher.VerifyHashedPassword(NoAccount, _noAccountHash ??= users.PasswordHasher.HashPassword(NoAccount, Guid.NewGuid().ToString("N")), Password);
            audit.RecordFor(null, null, AuditActions.SignInFailed, "account", null, "failure");
            await audit.SaveAsync(ct);
            return Refuse(t["That email and password do not match. Check them and try again."]);
        }

        var result = await signIn.PasswordSignInAsync(account, Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsNotAllowed && !account.IsActive)
        {
            return await DeactivatedAsync(users, audit, account, ct);
        }
        if (result.Succeeded)
        {
            audit.RecordFor(account.OrganisationId, account.Id, AuditActions.SignIn, "account", account.Id.ToString("N"), "success");
            await audit.SaveAsync(ct);
            return LocalRedirect(SafeReturnUrl(ReturnUrl));
        }
        if (result.RequiresTwoFactor)
        {
            return RedirectToPage("/Accounts/TwoFactorSignIn", new { returnUrl = SafeReturnUrl(ReturnUrl) });
        }
        if (result.IsLockedOut)
        {
            return await LockedOutAsync(audit, account, ct);
        }
        audit.RecordFor(account.OrganisationId, account.Id, AuditActions.SignInFailed, "account", account.Id.ToString("N"), "failure");
        await audit.SaveAsync(ct);
        return Refuse(t["That email and password do not match. Check them and try again."]);
    }

    /// <summary>
    /// A deactivated account, which AccountSignInManager refused before looking at the password or the lockout. Only
    /// someone who knows the password learns why; anyone else gets the usual answer. The password counts as it would for
    /// an active account: wrong ones lock the account, and while it is locked none is checked and every one is told
    /// "locked", so this answer is no way to guess a password that works again once the account is reactivated.
    /// </summary>
    private async Task<IActionResult> DeactivatedAsync(UserManager<Account> users, AuditLog audit, Account account, CancellationToken ct)
    {
        if (await users.IsLockedOutAsync(account))
        {
            return await LockedOutAsync(audit, account, ct);
        }
        var knows = await users.CheckPasswordAsync(account, Password);
        if (knows)
        {
            await users.ResetAccessFailedCountAsync(account);
        }
        else if ((await AccountLockout.CountFailureAsync(users, account)).IsLockedOut)
        {
            return await LockedOutAsync(audit, account, ct);
        }
        audit.RecordFor(account.OrganisationId, account.Id, AuditActions.SignInFailed, "account", account.Id.ToString("N"), knows ? "deactivated" : "failure");
        await audit.SaveAsync(ct);
        return Refuse(knows ? Deactivated(t) : t["That email and password do not match. Check them and try again."]);
    }

    private async Task<IActionResult> LockedOutAsync(AuditLog audit, Account account, CancellationToken ct)
    {
        audit.RecordFor(account.OrganisationId, account.Id, AuditActions.LockedOut, "account", account.Id.ToString("N"), "denied");
        await audit.SaveAsync(ct);
        return Refuse(LockedOut(t));
    }

    private static readonly Account NoAccount = new();

    // A hash, by the accounts' own hasher (same algorithm and work), of a password nobody knows; made once per process.
    private static string? _noAccountHash;

    /// <summary>What a person reads when their account is locked after too many attempts (by any route).</summary>
    public static string LockedOut(IStringLocalizer<SharedResource> t) =>
        t["This account is locked for a while after too many attempts. Try again in 15 minutes, or ask your administrator."];

    /// <summary>What a person whose account was deactivated reads when they sign in (by any route).</summary>
    public static string Deactivated(IStringLocalizer<SharedResource> t) =>
        t["This account is no longer active, so it cannot sign in. If you think that is a mistake, ask your administrator. Reports you made anonymously, or set up a receipt for, can still be followed with that receipt."];

    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
