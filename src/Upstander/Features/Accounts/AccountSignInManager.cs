using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Upstander.Features.Accounts;

/// <summary>
/// Identity's sign-in rules plus two. A deactivated account (<see cref="AccountLifecycle"/>), or one whose person's leave
/// date has come (which <see cref="LeaveDates"/> stops there and then), cannot sign in by any route (password, two-factor,
/// passkey) nor confirm it is them, and a session of such an account ends at its next check, even if its security stamp
/// were somehow unchanged. And every sign-in records when the person proved who they are (<see cref="RecentSignIn"/>),
/// which re-issuing the cookie for other reasons keeps as it was.
/// </summary>
public sealed class AccountSignInManager(
    UserManager<Account> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<Account> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<Account>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Account> confirmation, TimeProvider clock, LeaveDates leaveDates)
    : SignInManager<Account>(users, context, claims, options, logger, schemes, confirmation)
{
    private bool _refreshing;

    /// <summary>
    /// Refused (NotAllowed) for an account that does not work now (<see cref="LeaveDates.AccountWorksAsync"/>), which is then
    /// deactivated, so callers tell the person why exactly as for any deactivated account.
    /// </summary>
    public override async Task<bool> CanSignInAsync(Account user) => await leaveDates.AccountWorksAsync(user) && await base.CanSignInAsync(user);

    /// <summary>
    /// Identity's recovery-code step checks neither whether the account may sign in nor whether it is locked, and does not
    /// count a wrong code. Here it does all three, as the authenticator-code step does: a deactivated account is refused
    /// (NotAllowed), a locked one checks nothing (LockedOut), and a wrong code counts towards the lockout.
    /// </summary>
    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        if (await GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return SignInResult.Failed;
        }
        if (await PreSignInCheck(user) is { } refused)
        {
            return refused;
        }
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        if (result.Succeeded)
        {
            await UserManager.ResetAccessFailedCountAsync(user);
            return result;
        }
        await UserManager.AccessFailedAsync(user);
        return await UserManager.IsLockedOutAsync(user) ? SignInResult.LockedOut : result;
    }

    /// <summary>
    /// Identity's check of the session's security stamp, every <see cref="Platform.Security.SecurityServices.StampInterval"/>
    /// or when the account changed (<see cref="AccountChangeNotices"/>), and then <see cref="LeaveDates.AccountWorksAsync"/>:
    /// one more read by key, so a leaver's session ends at the first check after their leave date comes.
    /// </summary>
    public override async Task<Account?> ValidateSecurityStampAsync(ClaimsPrincipal? principal) =>
        await base.ValidateSecurityStampAsync(principal) is { } account && await leaveDates.AccountWorksAsync(account) ? account : null;

    /// <summary>
    /// Every route into a session (password, two-factor, passkey, an accepted invitation, set-up) ends here, and so does
    /// <see cref="RefreshSignInAsync"/>, which passes the session's own properties on: only a real sign-in records now,
    /// and only a real sign-in (whose properties are new) starts a session with a new id (<see cref="EndedSessions"/>).
    /// </summary>
    public override Task SignInWithClaimsAsync(Account user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        authenticationProperties ??= new AuthenticationProperties();
        EndedSessions.Begin(authenticationProperties);
        if (!_refreshing)
        {
            RecentSignIn.Record(authenticationProperties, clock.GetUtcNow());
        }
        return base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims);
    }

    /// <summary>
    /// Issues the session again with the account as it is now (a new security stamp, roles, two-factor) without counting
    /// as a sign-in: when the person last proved who they are stays as it was.
    /// </summary>
    public override async Task RefreshSignInAsync(Account user)
    {
        _refreshing = true;
        try
        {
            await base.RefreshSignInAsync(user);
        }
        finally
        {
            _refreshing = false;
        }
    }

    /// <summary>The person proved who they are again in this session (<see cref="ConfirmIdentityModel"/>): issue it again as signed in now.</summary>
    public Task ConfirmedAsync(Account user) => base.RefreshSignInAsync(user);
}
