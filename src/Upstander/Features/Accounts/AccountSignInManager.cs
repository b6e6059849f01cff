using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Upstander.Features.Accounts;

/// <summary>
/// Identity's sign-in rules plus one: a deactivated account (<see cref="AccountLifecycle"/>) cannot sign in by any
/// route (password, two-factor, passkey), and a session whose account has been deactivated ends at its next check,
/// even if its security stamp were somehow unchanged.
/// </summary>
public sealed class AccountSignInManager(
    UserManager<Account> users, IHttpContextAccessor context, IUserClaimsPrincipalFactory<Account> claims,
    IOptions<IdentityOptions> options, ILogger<SignInManager<Account>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Account> confirmation)
    : SignInManager<Account>(users, context, claims, options, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(Account user) => user.IsActive && await base.CanSignInAsync(user);

    public override async Task<Account?> ValidateSecurityStampAsync(ClaimsPrincipal? principal) =>
        await base.ValidateSecurityStampAsync(principal) is { IsActive: true } account ? account : null;
}
