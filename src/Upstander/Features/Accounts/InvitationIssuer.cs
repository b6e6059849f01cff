using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

/// <summary>Why an invitation could not be created: each has a sentence for the page and a status for the API.</summary>
public enum InvitationRefusal
{
    None,
    PersonNotFound,
    PersonHasLeft,
    AlreadyHasAccount,
    AlreadyInvited,
    UnknownRole,
}

/// <summary>A new invitation and its link. The link exists only here: the database keeps a hash.</summary>
public sealed record IssuedInvitation(Invitation Invitation, string PersonName, string WorkEmail, string Link);

/// <summary>
/// Creates and revokes invitations for the admin pages and the API alike, so the rules (someone with an
/// account or a pending invitation cannot be invited again) hold on every route.
/// </summary>
public sealed class InvitationIssuer(AppDbContext db, CurrentActor actor, AuditLog audit, TimeProvider clock, IConfiguration configuration)
{
    public const string AcceptPath = "/account/invitation";

    public async Task<(IssuedInvitation? Issued, InvitationRefusal Refusal)> CreateAsync(
        Guid personId, IReadOnlyCollection<string> roles, string fallbackBaseUrl, CancellationToken ct)
    {
        if (roles.Any(r => !Roles.IsKnown(r)))
        {
            return (null, InvitationRefusal.UnknownRole);
        }
        var now = clock.GetUtcNow();
        var person = await db.People.Where(p => p.Id == personId)
            .Select(p => new { p.Id, p.OrganisationId, p.Name, p.WorkEmail, p.LeaveDate })
            .SingleOrDefaultAsync(ct);
        if (person is null)
        {
            return (null, InvitationRefusal.PersonNotFound);
        }
        if (person.LeaveDate is { } leave && leave <= DateOnly.FromDateTime(now.UtcDateTime))
        {
            return (null, InvitationRefusal.PersonHasLeft);
        }
        // Accounts carry no organisation query filter, so the person id (already scoped above) is the guard.
        if (await db.Users.AnyAsync(a => a.PersonId == personId, ct))
        {
            return (null, InvitationRefusal.AlreadyHasAccount);
        }
        if (await db.Invitations.AnyAsync(i => i.PersonId == personId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct))
        {
            return (null, InvitationRefusal.AlreadyInvited);
        }

        var (invitation, token) = Invitation.Create(person.OrganisationId, person.Id, roles.Append(Roles.Employee), actor.Id, now);
        db.Invitations.Add(invitation);
        audit.Record(AuditActions.InvitationCreated, "invitation", invitation.Id, detail: "roles=" + invitation.Roles.Replace(',', '+'));
        await db.SaveChangesAsync(ct);
        return (new IssuedInvitation(invitation, person.Name, person.WorkEmail, LinkFor(token, fallbackBaseUrl)), InvitationRefusal.None);
    }

    /// <summary>
    /// Invites up to <paramref name="limit"/> people who have no account or pending invitation, as employees,
    /// in one unit of work. Returns the links, which exist only in this result.
    /// </summary>
    public async Task<IReadOnlyList<IssuedInvitation>> CreateForEveryoneAsync(int limit, string fallbackBaseUrl, CancellationToken ct)
    {
        var people = await Uninvited().OrderBy(p => p.Name).ThenBy(p => p.Id).Take(limit)
            .Select(p => new { p.Id, p.OrganisationId, p.Name, p.WorkEmail })
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        var issued = new List<IssuedInvitation>(people.Count);
        foreach (var person in people)
        {
            var (invitation, token) = Invitation.Create(person.OrganisationId, person.Id, [Roles.Employee], actor.Id, now);
            db.Invitations.Add(invitation);
            audit.Record(AuditActions.InvitationCreated, "invitation", invitation.Id, detail: "roles=" + invitation.Roles + " bulk");
            issued.Add(new IssuedInvitation(invitation, person.Name, person.WorkEmail, LinkFor(token, fallbackBaseUrl)));
        }
        await db.SaveChangesAsync(ct);
        return issued;
    }

    /// <summary>People in the directory who have not left, have no account and no pending invitation.</summary>
    public IQueryable<People.Person> Uninvited()
    {
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return db.People.Where(p =>
            (p.LeaveDate == null || p.LeaveDate > today)
            && !db.Users.Any(a => a.PersonId == p.Id)
            && !db.Invitations.Any(i => i.PersonId == p.Id && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now));
    }

    public async Task<bool> RevokeAsync(Guid invitationId, CancellationToken ct)
    {
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId, ct);
        if (invitation is null)
        {
            return false;
        }
        if (invitation.AcceptedAt is null && invitation.RevokedAt is null)
        {
            invitation.Revoke(clock.GetUtcNow());
            audit.Record(AuditActions.InvitationRevoked, "invitation", invitation.Id);
            await db.SaveChangesAsync(ct);
        }
        return true;
    }

    /// <summary>The configured public address wins, so links are right behind a reverse proxy.</summary>
    public string LinkFor(string token, string fallbackBaseUrl)
    {
        var baseUrl = (configuration["PublicUrl"] is { Length: > 0 } configured ? configured : fallbackBaseUrl).TrimEnd('/');
        return $"{baseUrl}{AcceptPath}?token={Uri.EscapeDataString(token)}";
    }
}
