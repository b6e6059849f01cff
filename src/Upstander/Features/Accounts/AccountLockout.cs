using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Auditing;
using Upstander.Platform.Web;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace Upstander.Features.Accounts;

/// <summary>
/// How answers count towards the lockout, the same on every route that asks someone to prove who they are: sign-in
/// (including its answer to a deactivated account), "Confirm it's you" and its passkey, and the change-password form.
/// Wrong answers count and lock the account as sign-in does, nothing is checked while it is locked, and a signed-in
/// person's refusals are audited as failed sign-ins are (never what was typed).
/// </summary>
public static class AccountLockout
{
    /// <summary>Checks a signed-in person's password as sign-in does (nothing while locked; a wrong one counts), auditing a refusal.</summary>
    public static async Task<SignInResult> CheckPasswordAsync(SignInManager<Account> signIn, AuditLog audit, Account account, string password, CancellationToken ct)
    {
        var result = await signIn.CheckPasswordSignInAsync(account, password, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            await RecordRefusalAsync(audit, account, result, ct);
        }
        return result;
    }

    /// <summary>
    /// What a signed-in person is told when <see cref="CheckPasswordAsync"/> refused their password: that the account is
    /// locked, that it no longer works (deactivated, or their leave date came after this session last checked, which the
    /// check itself acted on: the session ends at its next request), or the form's own "not right".
    /// </summary>
    public static string RefusalMessage(SignInResult result, IStringLocalizer<SharedResource> t, string wrong) =>
        result.IsLockedOut ? SignInModel.LockedOut(t) : result.IsNotAllowed ? SignInModel.Deactivated(t) : wrong;

    /// <summary>Counts a wrong answer checked outside sign-in's own check (an authenticator code, a deactivated account's password): whether it locked the account.</summary>
    public static async Task<SignInResult> CountFailureAsync(UserManager<Account> users, Account account)
    {
        await users.AccessFailedAsync(account);
        return await users.IsLockedOutAsync(account) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    /// <summary>A signed-in person's failed confirmation, audited as a failed sign-in is (never what was typed).</summary>
    public static Task RecordRefusalAsync(AuditLog audit, Account account, SignInResult result, CancellationToken ct)
    {
        audit.Record(result.IsLockedOut ? AuditActions.LockedOut : AuditActions.SignInFailed, "account", account.Id,
            result.IsLockedOut || result.IsNotAllowed ? "denied" : "failure", detail: "confirm");
        return audit.SaveAsync(ct);
    }
}
