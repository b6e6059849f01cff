using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;

namespace Upstander.Features.Accounts;

/// <summary>One line of <see cref="AccountActivity"/>: when, what happened (an English label, localized by the page), and who did it.</summary>
public sealed record AccountActivityRow(DateTimeOffset At, string What, AccountActivityBy By);

/// <summary>Who caused an event about an account, as its owner is shown it (never a name or an address).</summary>
public enum AccountActivityBy
{
    /// <summary>The account itself: its owner, or whoever signed in as them.</summary>
    You,
    /// <summary>Someone else's account: an administrator.</summary>
    Administrator,
    /// <summary>A personal access token (an administrator's program).</summary>
    Token,
    /// <summary>Upstander itself (the leavers pass, a sign-in that was not completed).</summary>
    Upstander,
    /// <summary>Someone signing in (a failed attempt is never shown as the owner's: it may not have been them).</summary>
    SigningIn,
}

/// <summary>
/// The recent sign-ins and changes to how an account signs in, read from the audit log (where they are recorded anyway,
/// with who and when, never content) for the account's own page. With mail on, each change to how the account signs in
/// is also emailed (<see cref="AccountSecurityNotices"/>); without mail this list is how a person notices a sign-in or a
/// change that was not theirs. Only the account's own events, newest first, at most <see cref="Shown"/>. Scoped.
/// </summary>
public sealed class AccountActivity(AppDbContext db)
{
    public const int Shown = 15;

    /// <summary>The events shown, and their labels (localization keys).</summary>
    public static readonly IReadOnlyDictionary<string, string> Labels = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [AuditActions.SignIn] = "Signed in",
        [AuditActions.SignInFailed] = "A sign-in failed: a wrong password, code or passkey",
        [AuditActions.LockedOut] = "Locked for a while after repeated failed sign-ins",
        [AuditActions.PasswordSet] = "Password set or changed",
        [AuditActions.PasswordReset] = "Password set with a link",
        [AuditActions.PasswordLinkGiven] = "A link to set the password was made",
        [AuditActions.PasskeyAdded] = "Passkey added",
        [AuditActions.PasskeyRemoved] = "Passkey removed",
        [AuditActions.TwoFactorEnabled] = "Two-factor authentication set up",
        [AuditActions.TwoFactorDisabled] = "Two-factor authentication turned off, or the authenticator reset",
        [AuditActions.TwoFactorTurnedOffByAdministrator] = "Two-factor authentication turned off",
        [AuditActions.OtherSessionsEnded] = "Signed out everywhere else",
        [AuditActions.AccountDeactivated] = "Account deactivated",
        [AuditActions.AccountReactivated] = "Account reactivated",
    };

    /// <summary>The label of new recovery codes, recorded as <see cref="AuditActions.TwoFactorEnabled"/> with this detail.</summary>
    public const string RecoveryCodesLabel = "New recovery codes made";

    public async Task<IReadOnlyList<AccountActivityRow>> RecentAsync(Guid accountId, CancellationToken ct)
    {
        var target = accountId.ToString("N");
        var actions = Labels.Keys.ToList();
        var events = await db.AuditEvents.AsNoTracking()
            .Where(e => e.TargetType == "account" && e.TargetId == target && actions.Contains(e.Action))
            .OrderByDescending(e => e.Sequence)
            .Take(Shown)
            .Select(e => new { e.At, e.Action, e.ActorKind, e.ActorId, e.Detail })
            .ToListAsync(ct);
        return [.. events.Select(e => new AccountActivityRow(e.At,
            e.Action == AuditActions.TwoFactorEnabled && e.Detail == "recovery-codes-replaced" ? RecoveryCodesLabel : Labels[e.Action],
            e.Action is AuditActions.SignInFailed or AuditActions.LockedOut ? AccountActivityBy.SigningIn
            : e.ActorId == accountId ? AccountActivityBy.You
            : e.ActorKind == "token" ? AccountActivityBy.Token
            : e.ActorKind == "account" && e.ActorId is not null ? AccountActivityBy.Administrator
            : e.ActorKind == "anonymous" ? AccountActivityBy.SigningIn
            : AccountActivityBy.Upstander))];
    }
}
