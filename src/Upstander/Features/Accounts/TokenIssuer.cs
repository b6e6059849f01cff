using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

/// <summary>A token just issued: the secret exists only in this object and the one response that shows it.</summary>
public sealed record IssuedToken(PersonalAccessToken Token, string Secret);

public sealed record AccountChoice(Guid Id, string Label);

/// <summary>Issues and revokes personal access tokens for the admin page and the API alike.</summary>
public sealed class TokenIssuer(AppDbContext db, CurrentActor actor, AuditLog audit, TimeProvider clock, RecentSignIn recent)
{
    public const int MinLifetimeDays = 1;
    public const int MaxLifetimeDays = 365;

    /// <summary>Only a person in a browser session may issue: a leaked token must not be able to mint more.</summary>
    public bool CanIssue => actor.Kind == "account" && actor.Id is not null;

    /// <summary>
    /// Whether this session signed in, or confirmed it is them, recently enough to issue now (<see cref="RecentSignIn"/>):
    /// a token is a key to an account that lasts up to a year, beyond any session. The callers send the person to confirm
    /// first; <see cref="IssueAsync"/> refuses without it.
    /// </summary>
    public Task<bool> SignedInRecentlyAsync() => recent.IsRecentAsync();

    /// <summary>Accounts in the caller's organisation, with the directory name where there is one.</summary>
    public IQueryable<AccountChoice> AccountChoices() =>
        from a in db.Users
        where a.OrganisationId == db.CurrentOrganisationId && a.DeactivatedAt == null
        join p in db.People on a.PersonId equals p.Id into people
        from p in people.DefaultIfEmpty()
        orderby p == null ? a.Email : p.Name
        select new AccountChoice(a.Id, p == null ? a.Email! : p.Name + " (" + a.Email + ")");

    /// <summary>Null when the account is not an active one of the caller's organisation (the caller answers 404, never a hint).</summary>
    public async Task<IssuedToken?> IssueAsync(Guid accountId, string name, int lifetimeDays, CancellationToken ct)
    {
        if (!CanIssue)
        {
            throw new InvalidOperationException("Tokens are issued from a signed-in browser session only.");
        }
        if (!await SignedInRecentlyAsync())
        {
            throw new InvalidOperationException($"Tokens are issued only within {RecentSignIn.Window.TotalMinutes} minutes of signing in or confirming it is you.");
        }
        if (lifetimeDays is < MinLifetimeDays or > MaxLifetimeDays)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetimeDays), $"A token lasts between {MinLifetimeDays} and {MaxLifetimeDays} days.");
        }
        // Accounts carry no organisation query filter: the organisation is part of the query.
        var organisationId = db.CurrentOrganisationId;
        var account = await db.Users.AsNoTracking()
            .SingleOrDefaultAsync(a => a.Id == accountId && a.OrganisationId == organisationId && a.DeactivatedAt == null, ct);
        if (account is null)
        {
            return null;
        }
        var (token, secret) = PersonalAccessToken.Issue(account.OrganisationId, account.Id, name, TimeSpan.FromDays(lifetimeDays), actor.Id!.Value, clock.GetUtcNow());
        db.PersonalAccessTokens.Add(token);
        audit.Record(AuditActions.TokenIssued, "personal-access-token", token.Id, detail: $"account={account.Id:N} days={lifetimeDays}");
        await db.SaveChangesAsync(ct);
        return new IssuedToken(token, secret);
    }

    public async Task<bool> RevokeAsync(Guid tokenId, CancellationToken ct)
    {
        var token = await db.PersonalAccessTokens.SingleOrDefaultAsync(t => t.Id == tokenId, ct);
        if (token is null)
        {
            return false;
        }
        if (token.RevokedAt is null)
        {
            token.Revoke(clock.GetUtcNow());
            audit.Record(AuditActions.TokenRevoked, "personal-access-token", token.Id);
            await db.SaveChangesAsync(ct);
        }
        return true;
    }
}
