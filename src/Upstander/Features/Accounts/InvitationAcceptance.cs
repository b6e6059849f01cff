using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Accounts;

/// <summary>Why an invitation link cannot be used, so the page can explain it calmly.</summary>
public enum InvitationProblem
{
    None,
    NotFound,
    AlreadyUsed,
    Expired,
    Revoked,
}

/// <summary>An invitation that can be accepted now, with the person it is for.</summary>
public sealed record UsableInvitation(Invitation Invitation, Person Person)
{
    public bool RequiresTwoFactor => Invitation.RoleList.Any(Roles.RequireTwoFactor.Contains);
}

/// <summary>
/// Turns an invitation link into an account: finds the invitation by the hash of its token (nobody is
/// signed in yet, so across organisations), then creates the account, grants the invited roles, marks
/// the invitation used and signs the person in, in one transaction.
/// </summary>
public sealed class InvitationAcceptance(
    AppDbContext db, OrganisationScope scope, OrganisationSetup setup, UserManager<Account> users,
    SignInManager<Account> signIn, AuditLog audit, OrganisationZones zones, TimeProvider clock)
{
    public const string TokenPrefix = "inv";

    public async Task<(UsableInvitation? Usable, InvitationProblem Problem)> FindAsync(string? token, CancellationToken ct)
    {
        if (!SecretToken.LooksLike(token, TokenPrefix))
        {
            return (null, InvitationProblem.NotFound);
        }
        var hash = SecretToken.Hash(token!);
        var invitation = await db.Invitations.IgnoreQueryFilters().SingleOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null)
        {
            return (null, InvitationProblem.NotFound);
        }
        switch (invitation.StatusAt(clock.GetUtcNow()))
        {
            case InvitationStatus.Accepted: return (null, InvitationProblem.AlreadyUsed);
            case InvitationStatus.Revoked: return (null, InvitationProblem.Revoked);
            case InvitationStatus.Expired: return (null, InvitationProblem.Expired);
        }
        var person = await db.People.IgnoreQueryFilters()
            .SingleOrDefaultAsync(p => p.Id == invitation.PersonId && p.OrganisationId == invitation.OrganisationId, ct);
        if (person is null)
        {
            return (null, InvitationProblem.NotFound);
        }
        if (person.HasLeft(zones.Today(invitation.OrganisationId)))
        {
            // The leave date came before the hourly pass withdrew the invitation: it is withdrawn all the same.
            return (null, InvitationProblem.Revoked);
        }
        if (await db.Users.AnyAsync(a => a.PersonId == person.Id, ct))
        {
            return (null, InvitationProblem.AlreadyUsed);
        }
        // From here on the request acts for the invitation's organisation, as a sign-in would.
        scope.Enter(invitation.OrganisationId);
        return (new UsableInvitation(invitation, person), InvitationProblem.None);
    }

    /// <summary>Identity's password rules for this person, checked before anything is created.</summary>
    public Task<IReadOnlyList<IdentityError>> CheckPasswordAsync(UsableInvitation usable, string password) =>
        PasswordMessages.RuleBreachesAsync(users, new Account { UserName = usable.Person.WorkEmail, Email = usable.Person.WorkEmail }, password);

    public Task<Account> AcceptWithPasswordAsync(UsableInvitation usable, string password, CancellationToken ct) =>
        AcceptAsync(usable, password, Guid.CreateVersion7(), null, ct);

    /// <summary>The passkey was registered for <paramref name="accountId"/> (its user handle), so the account takes that id.</summary>
    public Task<Account> AcceptWithPasskeyAsync(UsableInvitation usable, Guid accountId, UserPasskeyInfo passkey, CancellationToken ct) =>
        AcceptAsync(usable, null, accountId, passkey, ct);

    private async Task<Account> AcceptAsync(UsableInvitation usable, string? password, Guid accountId, UserPasskeyInfo? passkey, CancellationToken ct)
    {
        var invitation = usable.Invitation;
        Account account;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            account = await setup.CreateAccountAsync(usable.Person, password, accountId, ct);
            if (passkey is not null)
            {
                var added = await users.AddOrUpdatePasskeyAsync(account, passkey);
                if (!added.Succeeded)
                {
                    throw new InvalidOperationException("The passkey could not be saved.");
                }
                audit.RecordFor(invitation.OrganisationId, account.Id, AuditActions.PasskeyAdded, "account", account.Id.ToString("N"), "success");
            }
            await setup.SetRolesAsync(account, invitation.RoleList, ct);
            invitation.Accept(clock.GetUtcNow());
            audit.RecordFor(invitation.OrganisationId, account.Id, AuditActions.InvitationAccepted, "invitation", invitation.Id.ToString("N"), "success");
            if (password is not null)
            {
                audit.RecordFor(invitation.OrganisationId, account.Id, AuditActions.PasswordSet, "account", account.Id.ToString("N"), "success");
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        await signIn.SignInAsync(account, isPersistent: false);
        return account;
    }
}
