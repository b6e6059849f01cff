using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>
/// "Confirm it's you": the signed-in person proves who they are again, with their password (and their authenticator
/// code, or a recovery code, when two-factor is on), so that for <see cref="RecentSignIn.Window"/> they may make the
/// changes that need a recent sign-in. Checked as sign-in checks: wrong passwords and codes count towards the lockout,
/// nothing is checked while the account is locked, every attempt is audited, and posts are rate limited like sign-in.
/// A person with passkeys may use one instead (passkeys.js and <see cref="PasskeyEndpoints"/>), and one without a
/// password can only do that. The form itself needs no JavaScript.
/// </summary>
[EnableRateLimiting(RateLimitPolicies.SignIn)]
public sealed class ConfirmIdentityModel(
    UserManager<Account> users, AccountSignInManager signIn, AuditLog audit, CurrentActor actor, IStringLocalizer<SharedResource> t) : PageModel
{
    public const string Path = "/account/confirm";

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string Email { get; private set; } = "";
    public bool HasPassword { get; private set; }
    public bool TwoFactorEnabled { get; private set; }
    public bool HasPasskeys { get; private set; }
    public string? Message { get; private set; }

    /// <summary>Where the person goes back to, confirmed or not: a local path only.</summary>
    public string Back => SignInModel.SafeReturnUrl(ReturnUrl);

    public async Task<IActionResult> OnGetAsync() =>
        await AccountAsync() is { } account ? await ShowAsync(account) : Forbid();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        if (!await users.HasPasswordAsync(account))
        {
            return await RefuseAsync(account, t["Your account has no password. Confirm with one of your passkeys instead."]);
        }
        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal);
        if (string.IsNullOrEmpty(Password) || Password.Length > 1000)
        {
            return await RefuseAsync(account, t["Enter your password."]);
        }
        if (account.TwoFactorEnabled && code.Length is 0 or > 64)
        {
            return await RefuseAsync(account, t["Enter the code from your authenticator app, or one of your recovery codes."]);
        }

        var checkedPassword = await AccountLockout.CheckPasswordAsync(signIn, audit, account, Password, ct);
        if (!checkedPassword.Succeeded)
        {
            return await RefuseAsync(account, AccountLockout.RefusalMessage(checkedPassword, t, t["That password is not right. Check it and try again."]));
        }
        if (account.TwoFactorEnabled)
        {
            if (!await CodeWorksAsync(account, code))
            {
                // As the second step of sign-in does: a wrong code counts towards the lockout too.
                var refused = await AccountLockout.CountFailureAsync(users, account);
                await AccountLockout.RecordRefusalAsync(audit, account, refused, ct);
                return await RefuseAsync(account, refused.IsLockedOut ? SignInModel.LockedOut(t)
                    : t["That code did not work. Codes change every 30 seconds; enter the one showing now, or a recovery code."]);
            }
            await users.ResetAccessFailedCountAsync(account);
        }
        await signIn.ConfirmedAsync(account);
        audit.Record(AuditActions.SignInConfirmed, "account", account.Id, detail: "password");
        await audit.SaveAsync(ct);
        return LocalRedirect(Back);
    }

    /// <summary>Six digits from the authenticator app (typed with a dash or not), or else one of the recovery codes (which is then used up).</summary>
    private async Task<bool> CodeWorksAsync(Account account, string code)
    {
        var digits = code.Replace("-", "", StringComparison.Ordinal);
        return digits.Length == 6 && digits.All(char.IsAsciiDigit)
            ? await users.VerifyTwoFactorTokenAsync(account, users.Options.Tokens.AuthenticatorTokenProvider, digits)
            : (await users.RedeemTwoFactorRecoveryCodeAsync(account, code)).Succeeded;
    }

    /// <summary>Only a person signed in through the browser confirms; a program's token never can.</summary>
    private async Task<Account?> AccountAsync() =>
        actor.Kind == "account" ? await users.GetUserAsync(User) : null;

    /// <summary>Shows the message and answers 400 (see InvalidFormStatus): the attempt was not accepted.</summary>
    private async Task<IActionResult> RefuseAsync(Account account, string message)
    {
        Message = message;
        ModelState.AddModelError("", message);
        return await ShowAsync(account);
    }

    private async Task<PageResult> ShowAsync(Account account)
    {
        Email = account.Email ?? account.UserName ?? "";
        HasPassword = await users.HasPasswordAsync(account);
        TwoFactorEnabled = account.TwoFactorEnabled;
        HasPasskeys = (await users.GetPasskeysAsync(account)).Count > 0;
        Password = Code = null;
        return Page();
    }
}
