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
/// up; a revoked or expired token, or one whose account is locked out, deactivated, or its person's leave date come
/// (which stops the account there and then, <see cref="LeaveDates"/>), is refused.
/// </summary>
public sealed class PersonalAccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    AppDbContext db, TimeProvider clock, LeaveDates leaveDates)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalAccessToken";

    /// <summary>The token, its account and its person's leave date in one read; compiled once, as every API call runs it.</summary>
    private static readonly ModelBoundQuery<Func<AppDbContext, string, CancellationToken, Task<FoundToken?>>> FindToken = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, string hash, CancellationToken ct) =>
            (from t in db.PersonalAccessTokens.IgnoreQueryFilters()
             where t.TokenHash == hash
             join a in db.Users on t.AccountId equals a.Id
             from p in db.People.IgnoreQueryFilters().Where(p => p.Id == a.PersonId).DefaultIfEmpty()
             select new FoundToken(t.Id, t.ExpiresAt, t.RevokedAt, t.LastUsedAt, a.Id, a.OrganisationId, a.PersonId, a.LockoutEnd, a.TwoFactorEnabled,
                 a.DeactivatedAt, p != null ? p.LeaveDate : null))
            .AsNoTracking()
            .SingleOrDefault()));

    /// <summary>
    /// The account's role names, read only once the token is known to be good. A separate plain read: with the roles
    /// as a collection inside the token's read, EF orders and shapes the rows, and SQLite sorts them in a temporary
    /// tree on every call.
    /// </summary>
    private static readonly ModelBoundQuery<Func<AppDbContext, Guid, IAsyncEnumerable<string>>> RolesOf = new(() =>
        EF.CompileAsyncQuery((AppDbContext db, Guid accountId) =>
            from ar in db.UserRoles
            join r in db.Roles on ar.RoleId equals r.Id
            where ar.UserId == accountId
            select r.Name!));

    private sealed record FoundToken(
        Guid Id, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt, Guid AccountId,
        Guid OrganisationId, Guid? PersonId, DateTimeOffset? LockoutEnd, bool TwoFactorEnabled, DateTimeOffset? DeactivatedAt, DateOnly? LeaveDate);

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
        var ct = Context.RequestAborted;

        // One open connection for this request's queries (the endpoint's own reuse it), one read for
        // the token and its account, and one for the account's roles.
        await db.Database.OpenConnectionAsync(ct);
        var found = await FindToken.For(db)(db, hash, ct);
        if (found is null || found.RevokedAt is not null || now >= found.ExpiresAt)
        {
            return AuthenticateResult.Fail("The access token is unknown, expired or revoked.");
        }
        // Deactivation revokes the account's tokens too; this holds even for a token issued afterwards.
        if (found.DeactivatedAt is not null || found.LockoutEnd is { } end && end > now)
        {
            return AuthenticateResult.Fail("The account behind this access token cannot sign in.");
        }
        if (found.PersonId is { } leaver && leaveDates.HasCome(found.OrganisationId, found.LeaveDate))
        {
            // The leave date came before the hourly pass: the account stops now, as the pass would stop it (this token with it).
            await leaveDates.StopAsync(found.OrganisationId, leaver, ct);
            return AuthenticateResult.Fail("The account behind this access token cannot sign in.");
        }

        // Record use at most once a minute per token, so reads stay reads.
        if (found.LastUsedAt is null || now - found.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            await db.PersonalAccessTokens.IgnoreQueryFilters().Where(t => t.Id == found.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(t => t.LastUsedAt, now), ct);
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, found.AccountId.ToString()),
            new(UpstanderClaims.Organisation, found.OrganisationId.ToString()),
            new(UpstanderClaims.TokenId, found.Id.ToString()),
            new("amr", "token"),
            new(TwoFactorRequirement.Claim, found.TwoFactorEnabled ? "on" : "off"),
        };
        if (found.PersonId is { } personId)
        {
            claims.Add(new Claim(UpstanderClaims.Person, personId.ToString()));
        }
        await foreach (var role in RolesOf.For(db)(db, found.AccountId).WithCancellation(ct))
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }
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
