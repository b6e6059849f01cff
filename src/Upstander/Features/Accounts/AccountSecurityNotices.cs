using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
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
}

/// <summary>
/// Tells a person by email, when mail is on, that the way their account signs in has just changed: a passkey added, the
/// password changed or set, two-factor turned off (by them or by an administrator), the authenticator reset, new
/// recovery codes. Whoever used their unlocked computer, or an administrator acting without them, to give themselves
/// a way in is then noticed by the one person who knows it was not them. Sent to the account's own sign-in address; it
/// says what changed and when, what to do if it was not them, and nothing about anything else they do in Upstander
/// (docs/mail.md). Queued in the caller's unit of work, so it exists exactly when the change was saved. Scoped.
/// </summary>
public sealed class AccountSecurityNotices(AppDbContext db, MailOutbox outbox, OrganisationTime time, TimeProvider clock,
    IStringLocalizer<SharedResource> t, IConfiguration configuration)
{
    public const string MailPurpose = "account.sign-in-changed";

    public async Task QueueAsync(Account account, SignInChange change, CancellationToken ct)
    {
        if (!outbox.Enabled || account.Email is not { Length: > 0 } email)
        {
            return;
        }
        // Accounts carry no organisation filter and this may run outside the organisation's scope (a password link).
        var name = await db.People.IgnoreQueryFilters().Where(p => p.Id == account.PersonId && p.OrganisationId == account.OrganisationId)
            .Select(p => p.Name).SingleOrDefaultAsync(ct) ?? email;
        var organisation = await Organisation.NameAsync(db, account.OrganisationId, ct);
        var when = time.WhenIn(account.OrganisationId, clock.GetUtcNow());
        string what = change switch
        {
            SignInChange.PasskeyAdded => t["A passkey was added to your Upstander account at {0}, on {1}. It signs in without a password.", organisation, when],
            SignInChange.PasswordChanged => t["The password of your Upstander account at {0} was changed on {1}.", organisation, when],
            SignInChange.PasswordAdded => t["A password was set for your Upstander account at {0} on {1}. Until then it signed in only with passkeys.", organisation, when],
            SignInChange.PasswordSetWithLink => t["A new password was set for your Upstander account at {0} with a password link on {1}.", organisation, when],
            SignInChange.TwoFactorTurnedOff => t["Two-factor sign-in was turned off for your Upstander account at {0} on {1}: a password alone now signs in.", organisation, when],
            SignInChange.AuthenticatorReset => t["The authenticator app of your Upstander account at {0} was reset on {1}, to set up a new one.", organisation, when],
            SignInChange.RecoveryCodesReplaced => t["New recovery codes were made for your Upstander account at {0} on {1}. The old ones no longer work.", organisation, when],
            _ => t["An administrator turned off two-factor sign-in for your Upstander account at {0} on {1}, as is done for someone who lost their authenticator app.", organisation, when],
        };
        outbox.Queue(account.OrganisationId, MailPurpose, account.Id, new MailMessage(email, name, t["{0}: how your account signs in has changed", organisation],
            string.Join("\n\n",
                t["Hello {0},", name],
                what,
                t["If this was you, there is nothing to do."],
                t["If it was not you, sign in now, remove any passkey you do not recognise, change your password and turn two-factor sign-in on, then tell your administrator:"],
                PublicUrl.Of(configuration) + IndexModel.Path,
                t["This email is about your account only, and is sent whenever the way it signs in changes."]) + "\n"));
    }
}
