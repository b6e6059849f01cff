using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

public sealed record PasskeyRow(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>Your account: passkeys (add, rename, remove), two-factor status, your password, and recent sign-ins and changes.</summary>
public sealed class IndexModel(
    UserManager<Account> users, SignInManager<Account> signIn, RecentSignIn recent, AuditLog audit, AccountSecurityNotices notices, CurrentActor actor,
    OrganisationTime time, AccountActivity activity, IStringLocalizer<SharedResource> t) : PageModel
{
    public const int PasswordMaxLength = 200;
    public const string Path = "/account";

    [BindProperty] public string? PasskeyId { get; set; }
    [BindProperty] public string? PasskeyName { get; set; }
    [BindProperty] public string? CurrentPassword { get; set; }
    [BindProperty] public string? NewPassword { get; set; }
    [BindProperty] public string? ConfirmPassword { get; set; }

    public string Email { get; private set; } = "";
    public bool HasPassword { get; private set; }
    public bool TwoFactorEnabled { get; private set; }

    /// <summary>Whether this session may add a passkey or set a first password now (<see cref="RecentSignIn"/>).</summary>
    public bool RecentlySignedIn { get; private set; }
    public IReadOnlyList<PasskeyRow> Passkeys { get; private set; } = [];

    /// <summary>The recent sign-ins and changes to how this account signs in (<see cref="AccountActivity"/>).</summary>
    public IReadOnlyList<AccountActivityRow> Activity { get; private set; } = [];

    /// <summary>When an activity line happened, in the organisation's time zone.</summary>
    public string When(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, time.Zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
    public string? Message { get; private set; }
    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync() =>
        await AccountAsync() is { } account ? await ShowAsync(account) : Forbid();

    public async Task<IActionResult> OnPostRenamePasskeyAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        var name = PasskeyNames.Clean(PasskeyName);
        if (PasskeyNames.ParseId(PasskeyId) is not { } id || await users.GetPasskeyAsync(account, id) is not { } passkey)
        {
            return NotFound();
        }
        if (name is null)
        {
            Errors.Add(t["Give the passkey a name, such as the device it is on."]);
            return await ShowAsync(account);
        }
        passkey.Name = name;
        await users.AddOrUpdatePasskeyAsync(account, passkey);
        audit.Record(AuditActions.PasskeyRenamed, "account", account.Id);
        await audit.SaveAsync(ct);
        Message = t["Passkey renamed."];
        return await ShowAsync(account);
    }

    public async Task<IActionResult> OnPostRemovePasskeyAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        if (PasskeyNames.ParseId(PasskeyId) is not { } id || await users.GetPasskeyAsync(account, id) is null)
        {
            return NotFound();
        }
        if (!await users.HasPasswordAsync(account) && (await users.GetPasskeysAsync(account)).Count <= 1)
        {
            Errors.Add(t["This is your only way to sign in. Set a password first, then you can remove this passkey."]);
            return await ShowAsync(account);
        }
        await users.RemovePasskeyAsync(account, id);
        audit.Record(AuditActions.PasskeyRemoved, "account", account.Id);
        await audit.SaveAsync(ct);
        Message = t["Passkey removed. It can no longer be used to sign in."];
        return await ShowAsync(account);
    }

    public async Task<IActionResult> OnPostPasswordAsync(CancellationToken ct)
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        var hasPassword = await users.HasPasswordAsync(account);
        // A first password is a new way in, like a passkey; changing one asks for the current password instead.
        if (!hasPassword && !await recent.IsRecentAsync())
        {
            return RecentSignIn.ConfirmFirst(Path);
        }
        var password = NewPassword ?? "";
        if (hasPassword && string.IsNullOrEmpty(CurrentPassword))
        {
            Errors.Add(t["Enter your current password."]);
        }
        if (password.Length == 0)
        {
            Errors.Add(t["Choose a new password."]);
        }
        else if (password.Length > PasswordMaxLength)
        {
            Errors.Add(t["Use at most {0} characters.", PasswordMaxLength]);
        }
        else if (!string.Equals(password, ConfirmPassword, StringComparison.Ordinal))
        {
            Errors.Add(t["The two passwords are not the same. Type the same password in both fields."]);
        }
        if (Errors.Count > 0)
        {
            return await ShowAsync(account);
        }
        if (hasPassword)
        {
            // Checked as sign-in checks it, so this form is no way around the lockout for someone holding the session:
            // nothing is checked while the account is locked, and a wrong password counts and is audited.
            var current = await AccountLockout.CheckPasswordAsync(signIn, audit, account, CurrentPassword!, ct);
            if (!current.Succeeded)
            {
                Errors.Add(AccountLockout.RefusalMessage(current, t, PasswordMessages.CurrentPasswordWrong(t)));
                return await ShowAsync(account);
            }
        }
        var result = IdentityResult.Success;
        var changed = await notices.ChangeAsync(account, hasPassword ? SignInChange.PasswordChanged : SignInChange.PasswordAdded, async () =>
        {
            result = hasPassword
                ? await users.ChangePasswordAsync(account, CurrentPassword!, password)
                : await users.AddPasswordAsync(account, password);
            if (result.Succeeded)
            {
                audit.Record(AuditActions.PasswordSet, "account", account.Id, detail: hasPassword ? "changed" : "added");
            }
            return result.Succeeded;
        }, ct);
        if (!changed)
        {
            Errors.AddRange(result.Errors.Select(e => PasswordMessages.Describe(e, t)));
            return await ShowAsync(account);
        }
        // The password change moved the security stamp; keep this session, end the others at their next check.
        await signIn.RefreshSignInAsync(account);
        Message = t["Your password has been changed."];
        return await ShowAsync(account);
    }

    /// <summary>
    /// Ends every other session of this account (another browser, a shared computer): a new security stamp, which each
    /// session checks on its next request (<see cref="AccountChangeNotices"/>; within <see cref="SecurityServices.StampInterval"/>
    /// on another process); this one is signed in again with it.
    /// </summary>
    public async Task<IActionResult> OnPostEndOtherSessionsAsync()
    {
        if (await AccountAsync() is not { } account)
        {
            return Forbid();
        }
        // Recorded first, so the audit event is written by the same save as the new stamp.
        audit.Record(AuditActions.OtherSessionsEnded, "account", account.Id);
        var result = await users.UpdateSecurityStampAsync(account);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("The account's security stamp could not be changed: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
        await signIn.RefreshSignInAsync(account);
        Message = t["Your other sessions are signed out. This one stays signed in."];
        return await ShowAsync(account);
    }

    /// <summary>Only a person signed in through the browser manages their own account; a program's token cannot.</summary>
    private async Task<Account?> AccountAsync() =>
        actor.Kind == "account" ? await users.GetUserAsync(User) : null;

    private async Task<PageResult> ShowAsync(Account account)
    {
        Email = account.Email ?? account.UserName ?? "";
        HasPassword = await users.HasPasswordAsync(account);
        TwoFactorEnabled = account.TwoFactorEnabled;
        RecentlySignedIn = await recent.IsRecentAsync();
        Passkeys = (await users.GetPasskeysAsync(account))
            .OrderBy(p => p.CreatedAt)
            .Select(p => new PasskeyRow(PasskeyNames.Id(p.CredentialId), p.Name ?? PasskeyNames.Default(OrganisationZones.DateIn(time.Zone, p.CreatedAt)), p.CreatedAt))
            .ToList();
        Activity = await activity.RecentAsync(account.Id, HttpContext.RequestAborted);
        CurrentPassword = NewPassword = ConfirmPassword = null;
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }
}
