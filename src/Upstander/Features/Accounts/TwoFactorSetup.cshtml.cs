using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>
/// Authenticator-app two-factor: set up (scan or type the key, confirm with a code), recovery codes
/// shown once, and turning it off for people whose roles do not require it. Reachable before
/// two-factor is on, because privileged people are sent here until it is. Turning it on needs only the
/// session (it makes signing in harder, not easier); new recovery codes, a different app and turning it
/// off need a recent sign-in (<see cref="RecentSignIn"/>).
/// </summary>
[AllowWithoutTwoFactor]
public sealed class TwoFactorSetupModel(
    UserManager<Account> users, SignInManager<Account> signIn, RecentSignIn recent, AuditLog audit, AccountSecurityNotices notices, CurrentActor actor,
    IStringLocalizer<SharedResource> t) : PageModel
{
    public const int RecoveryCodeCount = 10;

    [BindProperty(SupportsGet = true)]
    public bool Required { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public bool Enabled { get; private set; }
    public bool RoleRequiresIt { get; private set; }
    public string? GroupedKey { get; private set; }
    public string? QrSvg { get; private set; }
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }
    public int RecoveryCodesLeft { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        await LoadAsync(account);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        if (account.TwoFactorEnabled)
        {
            return RedirectToPage();
        }
        var code = (Code ?? "").Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var valid = code.Length == 6 && code.All(char.IsAsciiDigit)
            && await users.VerifyTwoFactorTokenAsync(account, users.Options.Tokens.AuthenticatorTokenProvider, code);
        if (!valid)
        {
            Message = t["That code did not work. Codes change every 30 seconds; enter the one showing now in your app."];
            ModelState.AddModelError(nameof(Code), Message);
            await LoadAsync(account);
            return Page();
        }
        await users.SetTwoFactorEnabledAsync(account, true);
        RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(account, RecoveryCodeCount))?.ToList();
        audit.Record(AuditActions.TwoFactorEnabled, "account", account.Id);
        await audit.SaveAsync(ct);
        // A new sign-in cookie carries "upstander:2fa"=on and the new security stamp.
        await signIn.RefreshSignInAsync(account);
        await LoadAsync(account);
        return Page();
    }

    public async Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        if (!account.TwoFactorEnabled)
        {
            return RedirectToPage();
        }
        // New codes are shown on this page, and each one stands in for the authenticator at sign-in.
        if (!await recent.IsRecentAsync())
        {
            return RecentSignIn.ConfirmFirst(TwoFactorRequirement.SetupPath);
        }
        await notices.ChangeAsync(account, SignInChange.RecoveryCodesReplaced, async () =>
        {
            RecoveryCodes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(account, RecoveryCodeCount))?.ToList();
            audit.Record(AuditActions.TwoFactorEnabled, "account", account.Id, detail: "recovery-codes-replaced");
            return true;
        }, ct);
        await signIn.RefreshSignInAsync(account);
        await LoadAsync(account);
        return Page();
    }

    /// <summary>Turns two-factor off and forgets the key, so the old app's codes stop working.</summary>
    public async Task<IActionResult> OnPostDisableAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        if (!account.TwoFactorEnabled)
        {
            // Already off (a second post of the form): nothing to turn off, and no notice of a change that did not happen.
            return RedirectToPage();
        }
        if (await RoleRequiresTwoFactorAsync(account))
        {
            Message = t["Your role requires two-factor authentication, so it cannot be turned off. You can move it to a new phone instead."];
            await LoadAsync(account);
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return Page();
        }
        if (!await recent.IsRecentAsync())
        {
            return RecentSignIn.ConfirmFirst(TwoFactorRequirement.SetupPath);
        }
        await TurnOffAsync(account, "disabled", ct);
        return RedirectToPage();
    }

    /// <summary>Starts again with a new key (a new phone, or a lost one after signing in with a recovery code).</summary>
    public async Task<IActionResult> OnPostResetAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        if (!account.TwoFactorEnabled)
        {
            // Already off (a second post of the form): nothing to turn off, and no notice of a change that did not happen.
            return RedirectToPage();
        }
        // Until a new app is set up, a password alone signs in; and whoever sets it up holds the second step.
        if (!await recent.IsRecentAsync())
        {
            return RecentSignIn.ConfirmFirst(TwoFactorRequirement.SetupPath);
        }
        await TurnOffAsync(account, "reset", ct);
        return RedirectToPage(new { required = await RoleRequiresTwoFactorAsync(account) });
    }

    private async Task TurnOffAsync(Account account, string detail, CancellationToken ct)
    {
        await notices.ChangeAsync(account, detail == "reset" ? SignInChange.AuthenticatorReset : SignInChange.TwoFactorTurnedOff, async () =>
        {
            await users.SetTwoFactorEnabledAsync(account, false);
            await users.ResetAuthenticatorKeyAsync(account);
            audit.Record(AuditActions.TwoFactorDisabled, "account", account.Id, detail: detail);
            return true;
        }, ct);
        await signIn.RefreshSignInAsync(account);
    }

    /// <summary>Only a person signed in through the browser manages their own two-factor; a program's token cannot.</summary>
    private async Task<Account?> AccountAsync() =>
        actor.Kind == "account" ? await users.GetUserAsync(User) : null;

    private async Task<bool> RoleRequiresTwoFactorAsync(Account account) =>
        (await users.GetRolesAsync(account)).Any(Roles.RequireTwoFactor.Contains);

    private async Task LoadAsync(Account account)
    {
        Enabled = account.TwoFactorEnabled;
        RoleRequiresIt = await RoleRequiresTwoFactorAsync(account);
        if (Enabled)
        {
            RecoveryCodesLeft = await users.CountRecoveryCodesAsync(account);
            return;
        }
        var key = await users.GetAuthenticatorKeyAsync(account);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(account);
            // The reset changed the security stamp; refresh so this session is not signed out at its next check.
            await signIn.RefreshSignInAsync(account);
            key = await users.GetAuthenticatorKeyAsync(account);
        }
        GroupedKey = AuthenticatorQr.GroupedKey(key!);
        QrSvg = AuthenticatorQr.Svg(AuthenticatorQr.Uri(account.Email ?? account.UserName ?? "", key!), t["QR code for your authenticator app"]);
    }
}
