using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>Why an invitation link cannot be used, so the page can explain it calmly.</summary>
public enum InvitationProblem
{
    None,
    NotFound,
    AlreadyUsed,
    Expired,
    Revoked,
    /// <summary>
    /// Another account, in any organisation, already has the person's work email: accounts are unique across the
    /// installation, so this invitation cannot make one.
    /// </summary>
    EmailHasAccount,
}

/// <summary>An invitation that can be accepted now, with the person it is for.</summary>
public sealed record UsableInvitation(Invitation Invitation, Person Person)
{
    public bool RequiresTwoFactor => Invitation.RoleList.Any(Roles.RequireTwoFactor.Contains);
}

/// <summary>
/// Turns an invitation link into an account: finds the invitation by the hash of its token (nobody is
/// signed in yet, so across organisations), then creates the account, grants the invited roles, marks
/// the invitation used and signs the person in, in one transaction. Acceptances in an organisation go one at a time
/// (<see cref="AcceptanceSection"/>), each reading the invitation and the person's account again first, so of two
/// at once (a double click, two tabs) one makes the account and the other finds the invitation used. An address another
/// account already has (a person in two organisations, whose other invitation was accepted first) makes none, and so
/// does the second of two acceptances of one address in two organisations at once, which the first may beat to it after
/// its checks (<see cref="InvitationProblem.EmailHasAccount"/>).
/// </summary>
public sealed class InvitationAcceptance(
    AppDbContext db, OrganisationScope scope, OrganisationSetup setup, UserManager<Account> users,
    SignInManager<Account> signIn, AuditLog audit, OrganisationZones zones, TimeProvider clock, ExclusiveLocks locks)
{
    public const string TokenPrefix = "inv";

    /// <summary>The section (<see cref="ExclusiveLocks"/>) in which an organisation's invitations are accepted, one at a time.</summary>
    public const string AcceptanceSection = "accounts.invitation-acceptance";

    /// <summary>
    /// Why an invitation link cannot be used, as the person holding it is told: by the invitation page under its heading
    /// ("This invitation link cannot be used") and by the passkey route, whose answer the page shows by the button. When
    /// another account has their address (<see cref="InvitationProblem.EmailHasAccount"/>) it never says which.
    /// </summary>
    public static string ProblemMessage(InvitationProblem problem, IStringLocalizer<SharedResource> t) => problem switch
    {
        InvitationProblem.AlreadyUsed => t["It has already been used to set up an account. If that was you, sign in with the password or passkey you chose."],
        InvitationProblem.Expired => t["It has expired: invitation links work for 7 days. Ask your administrator for a new one."],
        InvitationProblem.Revoked => t["It was withdrawn by an administrator. Ask your administrator if you still need an account."],
        InvitationProblem.EmailHasAccount => t["An account with this email address already exists, and one address can have only one account. Ask your administrator to check your details in the directory."],
        _ => t["It is not a link we recognise. Check that you copied all of it, or ask your administrator for a new one."],
    };

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
        if (Problem(invitation) is not InvitationProblem.None and var problem)
        {
            return (null, problem);
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
        if (await HasAccountAsync(person.Id, ct))
        {
            return (null, InvitationProblem.AlreadyUsed);
        }
        if (await AddressHasAccountAsync(person.WorkEmail, ct))
        {
            return (null, InvitationProblem.EmailHasAccount);
        }
        // From here on the request acts for the invitation's organisation, as a sign-in would.
        scope.Enter(invitation.OrganisationId);
        return (new UsableInvitation(invitation, person), InvitationProblem.None);
    }

    /// <summary>Identity's password rules for this person, checked before anything is created.</summary>
    public Task<IReadOnlyList<IdentityError>> CheckPasswordAsync(UsableInvitation usable, string password) =>
        PasswordMessages.RuleBreachesAsync(users, new Account { UserName = usable.Person.WorkEmail, Email = usable.Person.WorkEmail }, password);

    /// <summary>
    /// Makes the account with a password and signs the person in; <see cref="InvitationProblem.None"/> then, otherwise why
    /// the invitation can no longer be used (accepted, or withdrawn or expired, since it was found), with nothing made.
    /// </summary>
    public Task<InvitationProblem> AcceptWithPasswordAsync(UsableInvitation usable, string password, CancellationToken ct) =>
        AcceptAsync(usable, password, Guid.CreateVersion7(), null, ct);

    /// <summary>
    /// As <see cref="AcceptWithPasswordAsync"/>, with a passkey registered for <paramref name="accountId"/> (its user
    /// handle), so the account takes that id.
    /// </summary>
    public Task<InvitationProblem> AcceptWithPasskeyAsync(UsableInvitation usable, Guid accountId, UserPasskeyInfo passkey, CancellationToken ct) =>
        AcceptAsync(usable, null, accountId, passkey, ct);

    private async Task<InvitationProblem> AcceptAsync(UsableInvitation usable, string? password, Guid accountId, UserPasskeyInfo? passkey, CancellationToken ct)
    {
        var invitation = usable.Invitation;
        Account account;
        await using (var section = await locks.EnterAsync(db, AcceptanceSection, invitation.OrganisationId, ct))
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Another acceptance may have gone first, of this invitation or another for the same person.
            await db.Entry(invitation).ReloadAsync(ct);
            if (Problem(invitation) is not InvitationProblem.None and var gone)
            {
                return gone;
            }
            if (await HasAccountAsync(usable.Person.Id, ct))
            {
                return InvitationProblem.AlreadyUsed;
            }
            if (await AddressHasAccountAsync(usable.Person.WorkEmail, ct))
            {
                return InvitationProblem.EmailHasAccount;
            }
            try
            {
                account = await setup.CreateAccountAsync(usable.Person, password, accountId, ct);
            }
            catch (Exception e) when (e is DbUpdateException or ArgumentException)
            {
                // Another organisation's acceptance of the same address, in its own section, may pass the check above at the
                // same moment. On PostgreSQL the second is then refused by Identity's own check, once the first has committed,
                // or by the unique index on user names, which holds it until the first commits; SQLite's write lock, taken
                // when the transaction began, already put them one after the other. Either way nothing of this one is kept.
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                if (await AddressHasAccountAsync(usable.Person.WorkEmail, ct))
                {
                    return InvitationProblem.EmailHasAccount;
                }
                throw;
            }
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
        return InvitationProblem.None;
    }

    private InvitationProblem Problem(Invitation invitation) => invitation.StatusAt(clock.GetUtcNow()) switch
    {
        InvitationStatus.Accepted => InvitationProblem.AlreadyUsed,
        InvitationStatus.Revoked => InvitationProblem.Revoked,
        InvitationStatus.Expired => InvitationProblem.Expired,
        _ => InvitationProblem.None,
    };

    private Task<bool> HasAccountAsync(Guid personId, CancellationToken ct) => db.Users.AnyAsync(a => a.PersonId == personId, ct);

    /// <summary>Whether an account, in any organisation, has the address as its user name or email (the person has none).</summary>
    private async Task<bool> AddressHasAccountAsync(string workEmail, CancellationToken ct) =>
        (await AccountEmails.ForAsync(db, users, [workEmail], ct)).HeldByAnother(workEmail, null);
}
