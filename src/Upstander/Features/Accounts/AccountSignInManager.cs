using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Upstander.Features.Accounts;

/// <summary>
/// Identity's sign-in rules plus two. A deactivated account (<see cref="AccountLifecycle"/>) cannot sign in by any route
/// (password, two-factor, passkey), and a session whose account has been deactivated ends at its next check, even if its
/// security stamp were somehow unchanged. And every sign-in records when the person proved who they are
/// (<see cref="RecentSignIn"/>), which re-issuing the cookie for other reasons keeps as it was.
/// </summary>
public sealed class AccountSignInManager(
    UserManager<Account> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<Account> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<Account>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Account> confirmation, TimeProvider clock)
    : SignInManager<Account>(users, context, claims, options, logger, schemes, confirmation)
{
    private bool _refreshing;

    public override async Task<bool> CanSignInAsync(Account user) => user.IsActive && await base.CanSignInAsync(user);

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

    public override async Task<Account?> ValidateSecurityStampAsync(ClaimsPrincipal? principal) =>
        await base.ValidateSecurityStampAsync(principal) is { IsActive: true } account ? account : null;

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
