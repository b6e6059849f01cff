using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>A change to how an account signs in that its owner is told about (<see cref="AccountSecurityNotices"/>).</summary>
public enum SignInChange
{
    PasskeyAdded,
    PasswordChanged,
    PasswordAdded,
    PasswordSetWithLink,
    TwoFactorTurnedOff,
    AuthenticatorReset,
    RecoveryCodesReplaced,
    TwoFactorTurnedOffByAdministrator,
    SignInAddressChanged,
}

/// <summary>
/// Tells a person by email, when mail is on, that the way their account signs in has just changed: a passkey added, the
/// password changed or set, two-factor turned off (by them or by an administrator), the authenticator reset, new
/// recovery codes. Whoever used their unlocked computer, or an administrator acting without them, to give themselves
/// a way in is then noticed by the one person who knows it was not them. Sent to the account's own sign-in address; it
/// says what changed and when, what to do if it was not them, and nothing about anything else they do in Upstander
/// (docs/mail.md). Queued in the caller's unit of work, so it exists exactly when the change was saved. Scoped.
/// </summary>
public sealed class AccountSecurityNotices(AppDbContext db, WorkMail mail, TimeProvider clock, IStringLocalizer<SharedResource> t)
{
    public const string MailPurpose = "account.sign-in-changed";

    /// <summary>
    /// Makes a change to how <paramref name="account"/> signs in and queues its notice in one transaction: Identity's calls
    /// in <paramref name="make"/> each save on their own, so without it the change could stand with no notice. The caller
    /// records its audit event inside <paramref name="make"/>, which says whether the change was made; when it was not,
    /// nothing is saved and no notice goes.
    /// </summary>
    public async Task<bool> ChangeAsync(Account account, SignInChange change, Func<Task<bool>> make, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await make())
        {
            return false;
        }
        await QueueAsync(account, change, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Moves <paramref name="person"/>'s account to their work email (<see cref="AccountEmails.Follow"/>, saved by the
    /// caller with the person) and, when its sign-in address changed, queues <see cref="SignInChange.SignInAddressChanged"/>
    /// to the address it leaves, without the new one: an edit and an import alike.
    /// </summary>
    public async Task FollowAsync(Account account, Person person, UserManager<Account> users, CancellationToken ct)
    {
        var leaves = account.Email;
        AccountEmails.Follow(account, person.WorkEmail, users);
        if (account.NormalizedEmail != users.NormalizeEmail(leaves))
        {
            await QueueAsync(account, SignInChange.SignInAddressChanged, ct, address: leaves, name: person.Name);
        }
    }

    /// <summary>
    /// Queues the notice of <paramref name="change"/> to the account's sign-in address (or to <paramref name="address"/>:
    /// the address it had, when that is what changed). Runs in the account's organisation (a password link enters it).
    /// </summary>
    public async Task QueueAsync(Account account, SignInChange change, CancellationToken ct, string? address = null, string? name = null)
    {
        if (!mail.Enabled || (address ?? account.Email) is not { Length: > 0 } email)
        {
            return;
        }
        name ??= await db.People.Where(p => p.Id == account.PersonId).Select(p => p.Name).SingleOrDefaultAsync(ct) ?? email;
        var organisation = await mail.OrganisationAsync(ct);
        var when = mail.When(clock.GetUtcNow());
        string what = change switch
        {
            SignInChange.PasskeyAdded => t["A passkey was added to your Upstander account at {0}, on {1}. It signs in without a password.", organisation, when],
            SignInChange.PasswordChanged => t["The password of your Upstander account at {0} was changed on {1}.", organisation, when],
            SignInChange.PasswordAdded => t["A password was set for your Upstander account at {0} on {1}. Until then it signed in only with passkeys.", organisation, when],
            SignInChange.PasswordSetWithLink => t["A new password was set for your Upstander account at {0} with a password link on {1}.", organisation, when],
            SignInChange.TwoFactorTurnedOff => t["Two-factor sign-in was turned off for your Upstander account at {0} on {1}: a password alone now signs in.", organisation, when],
            SignInChange.AuthenticatorReset => t["The authenticator app of your Upstander account at {0} was reset on {1}, to set up a new one.", organisation, when],
            SignInChange.RecoveryCodesReplaced => t["New recovery codes were made for your Upstander account at {0} on {1}. The old ones no longer work.", organisation, when],
            SignInChange.SignInAddressChanged => t["The address your Upstander account at {0} signs in with was changed on {1}, with your work email in the directory. Emails about your account now go to the new address, not this one.", organisation, when],
            SignInChange.TwoFactorTurnedOffByAdministrator => t["An administrator turned off two-factor sign-in for your Upstander account at {0} on {1}, as is done for someone who lost their authenticator app.", organisation, when],
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Every change has its own sentence."),
        };
        mail.Queue(MailPurpose, account.Id, new WorkRecipient(account.PersonId ?? Guid.Empty, name, email), t["{0}: how your account signs in has changed", organisation],
            what,
            t["If this was you, there is nothing to do."],
            t["If it was not you, sign in now, remove any passkey you do not recognise, change your password and turn two-factor sign-in on, then tell your administrator:"],
            mail.Link(IndexModel.Path),
            t["This email is about your account only, and is sent whenever the way it signs in changes."]);
    }
}
