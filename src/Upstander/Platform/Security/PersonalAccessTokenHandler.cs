using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Upstander.Features.Accounts;
using Upstander.Platform.Data;

namespace Upstander.Platform.Security;

/// <summary>
/// Authenticates API calls that carry "Authorization: Bearer upt_…". The token is hashed and looked
/// up; a revoked or expired token, or one whose account is locked out, is refused.
/// </summary>
public sealed class PersonalAccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AppDbContext db, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalAccessToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var secret = header["Bearer ".Length..].Trim();
        if (!SecretToken.LooksLike(secret, PersonalAccessToken.Prefix))
        {
            return AuthenticateResult.Fail("The access token is not in the expected format.");
        }
        var hash = SecretToken.Hash(secret);
        var now = clock.GetUtcNow();
        var token = await db.PersonalAccessTokens.IgnoreQueryFilters().SingleOrDefaultAsync(t => t.TokenHash == hash, Context.RequestAborted);
        if (token is null || !token.IsActive(now))
        {
            return AuthenticateResult.Fail("The access token is unknown, expired or revoked.");
        }
        var account = await db.Users.AsNoTracking().SingleOrDefaultAsync(a => a.Id == token.AccountId, Context.RequestAborted);
        if (account is null || (account.LockoutEnd is { } end && end > now))
        {
            return AuthenticateResult.Fail("The account behind this access token cannot sign in.");
        }
        var roles = await (from ar in db.UserRoles
                           join r in db.Roles on ar.RoleId equals r.Id
                           where ar.UserId == account.Id
                           select r.Name!).ToListAsync(Context.RequestAborted);

        // Record use at most once a minute per token, so reads stay reads.
        if (token.LastUsedAt is null || now - token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            token.MarkUsed(now);
            await db.SaveChangesAsync(Context.RequestAborted);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, account.Id.ToString()),
            new(UpstanderClaims.Organisation, account.OrganisationId.ToString()),
            new(UpstanderClaims.TokenId, token.Id.ToString()),
            new("amr", "token"),
            new(TwoFactorRequirement.Claim, account.TwoFactorEnabled ? "on" : "off"),
        };
        if (account.PersonId is { } personId)
        {
            claims.Add(new Claim(UpstanderClaims.Person, personId.ToString()));
        }
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.NameIdentifier, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}

/// <summary>Adds the organisation and person to the cookie principal when an account signs in.</summary>
public sealed class AccountClaimsFactory(
    UserManager<Account> users, RoleManager<IdentityRole<Guid>> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Account, IdentityRole<Guid>>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Account user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(UpstanderClaims.Organisation, user.OrganisationId.ToString()));
        identity.AddClaim(new Claim(TwoFactorRequirement.Claim, user.TwoFactorEnabled ? "on" : "off"));
        if (user.PersonId is { } personId)
        {
            identity.AddClaim(new Claim(UpstanderClaims.Person, personId.ToString()));
        }
        return identity;
    }
}
