using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

/// <summary>Whether a person's account works, and if not since when and why.</summary>
public sealed record AccountState(Guid AccountId, bool Active, DateTimeOffset? DeactivatedAt, string? DeactivatedBecause);

/// <summary>Why an administrator's change to an account was not made (nothing changed then).</summary>
public enum AccountChangeRefusal
{
    None,
    /// <summary>No such person in this organisation, or they have no account.</summary>
    NoAccount,
    /// <summary>Administrators cannot deactivate their own account (so one always remains who can undo it), and manage their own sign-in on their account page.</summary>
    OwnAccount,
    /// <summary>The person's leave date has come: it must be cleared or moved before the account can work again.</summary>
    PersonHasLeft,
    /// <summary>The account is deactivated: help signing in again (<see cref="AccountRecovery"/>) waits until it is reactivated.</summary>
    NotActive,
    /// <summary>
    /// The administrator's browser session did not sign in or confirm recently enough (<see cref="RecentSignIn"/>): asked by
    /// the acts that hand someone a way into an account (reactivating it, a password link, turning two-factor off).
    /// </summary>
    NotRecent,
}

/// <summary>
/// Stops and restarts accounts. An account stops when the person's leave date comes (by <see cref="LeaversJob"/>, at
/// once after an import or an edit that sets a past date, and by whatever finds the date come before the job does:
/// <see cref="LeaveDates"/>) or when an administrator deactivates it. Stopping marks
/// the account, changes its security stamp (every session ends at its next check, within
/// <see cref="SecurityServices.StampInterval"/>), revokes its access tokens and withdraws the person's unused
/// invitations with their unsent mail; <see cref="AccountSignInManager"/> refuses its sign-ins from then on. Nothing the
/// person wrote or asked for is removed. Restarting is always an administrator's act, never automatic. Scoped.
/// </summary>
public sealed class AccountLifecycle(
    AppDbContext db, AuditLog audit, CurrentActor actor, OrganisationTime time, MailOutbox outbox,
    IEnumerable<IHandOverSweep> sweeps, TimeProvider clock, RecentSignIn recent, ExclusiveLocks locks)
{
    /// <summary>
    /// The section (<see cref="ExclusiveLocks"/>) in which leavers are found and stopped, by the hourly pass and by whatever
    /// finds a leave date come first, so that each is stopped, and audited, once.
    /// </summary>
    public const string LeaversSection = "accounts.leavers";

    /// <summary>The state of a person's account in the current organisation; null when they have none.</summary>
    public async Task<AccountState?> StateAsync(Guid personId, CancellationToken ct) =>
        await AccountOfAsync(personId, ct) is { } account ? State(account) : null;

    /// <summary>The state of an account already loaded.</summary>
    public static AccountState State(Account account) => new(account.Id, account.IsActive, account.DeactivatedAt, account.DeactivatedBecause);

    /// <summary>An administrator stops the account of a person in the current organisation (already stopped: nothing changes).</summary>
    public async Task<AccountChangeRefusal> DeactivateAsync(Guid personId, CancellationToken ct)
    {
        if (await AccountOfAsync(personId, ct) is not { } account)
        {
            return AccountChangeRefusal.NoAccount;
        }
        if (account.Id == actor.Id)
        {
            return AccountChangeRefusal.OwnAccount;
        }
        if (!account.IsActive)
        {
            return AccountChangeRefusal.None;
        }
        await StopAsync(account, DeactivationReason.Administrator, ct);
        await SaveAsync(ct);
        await SweepAsync(ct);
        return AccountChangeRefusal.None;
    }

    /// <summary>
    /// An administrator lets the account work again (already active: nothing changes); refused while the person's leave
    /// date has passed, and unless <see cref="RecentSignIn.AllowsAsync"/> (a stopped account working again is a way in).
    /// </summary>
    public async Task<AccountChangeRefusal> ReactivateAsync(Guid personId, CancellationToken ct)
    {
        if (!await recent.AllowsAsync())
        {
            return AccountChangeRefusal.NotRecent;
        }
        if (await AccountOfAsync(personId, ct) is not { } account)
        {
            return AccountChangeRefusal.NoAccount;
        }
        if (account.IsActive)
        {
            return AccountChangeRefusal.None;
        }
        if (await db.People.Where(Person.LeftBy(time.Today)).AnyAsync(p => p.Id == personId, ct))
        {
            return AccountChangeRefusal.PersonHasLeft;
        }
        account.Reactivate();
        // The sessions and tokens from before stay ended: the person signs in again.
        Restamp(account);
        audit.Record(AuditActions.AccountReactivated, "account", account.Id);
        await SaveAsync(ct);
        return AccountChangeRefusal.None;
    }

    /// <summary>
    /// Stops the account of everyone in the current organisation whose leave date has come (in the organisation's time
    /// zone) and withdraws their unused invitations. Returns how many accounts and invitations it stopped.
    /// </summary>
    public Task<int> DeactivateLeaversAsync(CancellationToken ct) =>
        StopAndSaveAsync(db.People.Where(Person.LeftBy(time.Today)).Select(p => p.Id), ct);

    /// <summary>
    /// Stops one person's account, as <see cref="DeactivateLeaversAsync"/> would, if their leave date has come (already
    /// stopped: nothing changes), and hands on what they held. For <see cref="LeaveDates"/>, which finds the date come
    /// before the hourly pass does; outside any transaction, as the sweeps take their own locks.
    /// </summary>
    public async Task StopLeaverNowAsync(Guid personId, CancellationToken ct)
    {
        if (await StopAndSaveAsync(db.People.Where(Person.LeftBy(time.Today)).Where(p => p.Id == personId).Select(p => p.Id), ct) > 0)
        {
            await SweepAsync(ct);
        }
    }

    private async Task<int> StopAndSaveAsync(IQueryable<Guid> leavers, CancellationToken ct)
    {
        var organisationId = db.CurrentOrganisationId ?? throw new InvalidOperationException("No organisation entered.");
        await using var section = await locks.EnterAsync(db, LeaversSection, organisationId, ct);
        var stopped = await StopLeaversAsync(leavers, ct);
        if (stopped > 0)
        {
            await SaveAsync(ct);
        }
        return stopped;
    }

    /// <summary>
    /// Stops one person's account and withdraws their invitations as a leaver, in the caller's unit of work: the caller
    /// has just set a leave date that has come and saves both together.
    /// </summary>
    public Task<int> StopLeaverAsync(Guid personId, CancellationToken ct) =>
        StopLeaversAsync(db.People.Where(p => p.Id == personId).Select(p => p.Id), ct);

    private async Task<int> StopLeaversAsync(IQueryable<Guid> leavers, CancellationToken ct)
    {
        var organisationId = db.CurrentOrganisationId ?? throw new InvalidOperationException("No organisation entered.");
        var accounts = await db.Users
            .Where(a => a.OrganisationId == organisationId && a.DeactivatedAt == null && a.PersonId != null && leavers.Contains(a.PersonId.Value))
            .ToListAsync(ct);
        foreach (var account in accounts)
        {
            await StopAsync(account, DeactivationReason.Left, ct);
        }
        var now = clock.GetUtcNow();
        var invitations = await db.Invitations
            .Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now && leavers.Contains(i.PersonId))
            .ToListAsync(ct);
        foreach (var invitation in invitations)
        {
            invitation.Revoke(now);
            audit.Record(AuditActions.InvitationRevoked, "invitation", invitation.Id, detail: "because=" + DeactivationReason.Left);
            await outbox.CancelWaitingAsync(invitation.Id, ct);
        }
        return accounts.Count + invitations.Count;
    }

    /// <summary>
    /// Hands on what stopped accounts held (<see cref="IHandOverSweep"/>). Call it outside any transaction, once
    /// the stop is committed: the sweeps take their own locks.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var moved = 0;
        foreach (var sweep in sweeps)
        {
            moved += await sweep.SweepAsync(ct);
        }
        return moved;
    }

    private async Task StopAsync(Account account, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        account.Deactivate(reason, now);
        Restamp(account);
        foreach (var token in await db.PersonalAccessTokens.Where(t => t.AccountId == account.Id && t.RevokedAt == null).ToListAsync(ct))
        {
            token.Revoke(now);
            audit.Record(AuditActions.TokenRevoked, "personal-access-token", token.Id, detail: "because=" + reason);
        }
        audit.Record(AuditActions.AccountDeactivated, "account", account.Id, detail: "because=" + reason);
    }

    private Task<Account?> AccountOfAsync(Guid personId, CancellationToken ct) => AccountOfAsync(db, personId, ct);

    /// <summary>The people in the current organisation holding a role on an active account, by person id.</summary>
    public static Task<List<Guid>> ActivePeopleInRoleAsync(AppDbContext db, string role, CancellationToken ct) =>
        ActivePeopleInRole(db, role).Distinct().OrderBy(id => id).ToListAsync(ct);

    /// <summary>
    /// The same people (<see cref="ActivePeopleInRoleAsync"/>) as a query for a caller to compose into its own, so that a
    /// filter by them runs in the database (a person may appear once per account).
    /// </summary>
    public static IQueryable<Guid> ActivePeopleInRole(AppDbContext db, string role)
    {
        var organisationId = db.CurrentOrganisationId;
        return db.Users
            .Where(a => a.OrganisationId == organisationId && a.PersonId != null && a.DeactivatedAt == null
                && db.UserRoles.Any(ur => ur.UserId == a.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == role)))
            .Select(a => a.PersonId!.Value);
    }

    /// <summary>The account of a person in the current organisation, if they have one (accounts are not filtered by organisation, so ask through the person).</summary>
    public static async Task<Account?> AccountOfAsync(AppDbContext db, Guid personId, CancellationToken ct)
    {
        var organisationId = db.CurrentOrganisationId;
        if (organisationId is null || !await db.People.AnyAsync(p => p.Id == personId, ct))
        {
            return null;
        }
        return await db.Users.SingleOrDefaultAsync(a => a.PersonId == personId && a.OrganisationId == organisationId, ct);
    }

    /// <summary>
    /// Saves the unit of work that stops or restarts accounts. Should Identity have saved one of those accounts since it
    /// was read here (a sign-in counting a wrong password gives it a new concurrency stamp), the save fails as a whole and
    /// nothing is written; the account is then read again, given the state this unit of work chose for it (stopped when,
    /// and why, or active) with new stamps, and the save is tried again. What Identity wrote (the failure count) stays.
    /// </summary>
    private async Task SaveAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateConcurrencyException conflict) when (attempt < 3 && conflict.Entries.All(e => e.Entity is Account))
            {
                foreach (var entry in conflict.Entries)
                {
                    var account = (Account)entry.Entity;
                    var (stoppedAt, because) = (account.DeactivatedAt, account.DeactivatedBecause);
                    await entry.ReloadAsync(ct);
                    if (stoppedAt is { } at)
                    {
                        account.Deactivate(because!, at);
                    }
                    else
                    {
                        account.Reactivate();
                    }
                    Restamp(account);
                }
            }
        }
    }

    /// <summary>
    /// A new security stamp (random, as Identity's are) ends the account's sessions at their next check. A new concurrency
    /// stamp makes a request still holding a copy of the account from before (a sign-in counting a wrong password) fail to
    /// save it, rather than write that copy back over this change: Identity saves an account by writing every column,
    /// guarded only by this stamp (<see cref="AccountStore.UpdateAsync"/>).
    /// </summary>
    private static void Restamp(Account account)
    {
        account.SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        account.ConcurrencyStamp = Guid.NewGuid().ToString();
    }
}

/// <summary>Once an hour, in every organisation: stops the accounts of people whose leave date has come.</summary>
public sealed class LeaversJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<LeaversJob> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    public override async Task RunOnceAsync(CancellationToken ct)
    {
        var stopped = await EveryOrganisation.SumAsync(scopes, async services =>
        {
            var lifecycle = services.GetRequiredService<AccountLifecycle>();
            return await lifecycle.DeactivateLeaversAsync(ct) + await lifecycle.SweepAsync(ct);
        }, (a, b) => a + b, 0, ct);
        if (stopped.Total > 0)
        {
            logger.LogInformation("Deactivated {Count} accounts, invitations, cases and requests of people who have left or whose accounts were deactivated.", stopped.Total);
        }
        stopped.ThrowIfAnyFailed();
    }
}

/// <summary>
/// Work a feature hands on when the person holding it no longer can, because their account was stopped or the role taken
/// away: a case manager's open cases go back to routing and their closed ones to nobody (so a reporter who writes again
/// reaches every case manager who may see the case), and a supporter's active conversations go back to the queue; a case
/// manager who has become conflicted on a case through a change to the chart lets go of it too. Each sweep finds such
/// work itself (so it is safe to run again and catches anything missed), and saves only when it changed something. Run
/// after every stop, role change, import and change of manager, and by <see cref="LeaversJob"/> each hour. Scoped.
/// </summary>
public interface IHandOverSweep
{
    /// <summary>Moves what deactivated accounts held in the current organisation; returns how many items moved.</summary>
    Task<int> SweepAsync(CancellationToken ct);
}
