using System.Globalization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.Organisations;
using Upstander.Features.People;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Mail;
using Upstander.Platform.Retention;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>Why a password link cannot be used, so the page can explain it calmly.</summary>
public enum PasswordResetProblem
{
    None,
    NotFound,
    AlreadyUsed,
    Expired,
    Withdrawn,
    AccountStopped,
}

/// <summary>A link an administrator made: shown once on their page, and emailed too when mail is on.</summary>
public sealed record GivenPasswordLink(string Link, DateTimeOffset ExpiresAt, bool Emailed, string WorkEmail);

/// <summary>A password link that can be used now, with the account it is for.</summary>
public sealed record UsablePasswordReset(PasswordReset Reset, Account Account);

/// <summary>One "forgot your password" request, waiting to be looked at away from the request that made it.</summary>
/// <remarks>It carries no address to build the link from: an emailed link never comes from the request (<see cref="PublicUrl.Link"/>).</remarks>
public sealed record PasswordLinkRequest(string Email, string Culture);

/// <summary>
/// Getting back into an account: a person who forgot their password asks for a link by email; an administrator makes a
/// link for someone who cannot receive it, or turns two-factor off for someone who lost their authenticator and recovery
/// codes. Setting a password with a link ends the account's sessions and clears a lockout; two-factor, where it is on,
/// is still asked for at the next sign-in.
/// </summary>
public sealed class AccountRecovery(
    AppDbContext db, OrganisationScope scope, UserManager<Account> users, AuditLog audit, MailOutbox outbox,
    LeaveDates leaveDates, OrganisationTime time, CurrentActor actor, TimeProvider clock, IConfiguration configuration,
    AccountSecurityNotices notices, IStringLocalizer<SharedResource> t, RecentSignIn recent, ExclusiveLocks locks)
{
    public const string ResetPath = "/account/reset-password";
    public const string MailPurpose = "password-reset";

    /// <summary>The section (<see cref="ExclusiveLocks"/>) in which an organisation's passwords are set with links, one at a time.</summary>
    public const string PasswordSection = "accounts.password-link-use";

    /// <summary>At most one emailed link per account in this time, however often it is asked for: no mailbox is flooded.</summary>
    public static readonly TimeSpan EmailInterval = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Emails a link to set a new password to <paramref name="request"/>'s address, if it is the work email of an active
    /// account whose person has not left (<see cref="LeaveDates"/>, which stops a leaver's account then), and no link went
    /// to it in the last <see cref="EmailInterval"/>. Otherwise nothing happens, and nobody is told which: the page that
    /// asked answered before this ran.
    /// </summary>
    public async Task SendAsync(PasswordLinkRequest request, CancellationToken ct)
    {
        if (!outbox.Enabled)
        {
            return;
        }
        if (await users.FindByEmailAsync(request.Email) is not { PersonId: { } personId } account)
        {
            return;
        }
        var person = await db.People.IgnoreQueryFilters()
            .SingleOrDefaultAsync(p => p.Id == personId && p.OrganisationId == account.OrganisationId, ct);
        if (person is null || !await leaveDates.AccountWorksAsync(account, person.LeaveDate, ct))
        {
            return;
        }
        scope.Enter(account.OrganisationId);
        var now = clock.GetUtcNow();
        if (await db.Set<PasswordReset>().AnyAsync(r => r.AccountId == account.Id && r.IssuedBy == null && r.CreatedAt > now - EmailInterval, ct))
        {
            return;
        }
        var culture = CultureInfo.GetCultureInfo(request.Culture);
        (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (culture, culture);
        var (reset, link) = await IssueAsync(account, issuedBy: null, shownAt: null, now, ct);
        audit.RecordFor(account.OrganisationId, null, AuditActions.PasswordLinkRequested, "account", account.Id.ToString("N"), "success");
        QueueEmail(reset, person, link, await Organisation.NameAsync(db, account.OrganisationId, ct));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// An administrator's link for a person in their organisation, valid for <see cref="PasswordReset.GivenLifetime"/>;
    /// earlier unused links for the account stop working. Emailed to the person too when mail is on; only a link that is
    /// not emailed may be built from <paramref name="requestAddress"/>, the address the administrator's browser used.
    /// </summary>
    public async Task<(GivenPasswordLink? Given, AccountChangeRefusal Refusal)> GiveLinkAsync(Guid personId, string requestAddress, CancellationToken ct)
    {
        var (account, refusal) = await AccountForAdministratorAsync(personId, ct);
        if (refusal != AccountChangeRefusal.None)
        {
            return (null, refusal);
        }
        var person = await db.People.SingleAsync(p => p.Id == personId, ct);
        var now = clock.GetUtcNow();
        var (reset, link) = await IssueAsync(account!, actor.Id, outbox.Enabled ? null : requestAddress, now, ct);
        audit.Record(AuditActions.PasswordLinkGiven, "account", account!.Id);
        if (outbox.Enabled)
        {
            QueueEmail(reset, person, link, await Organisation.NameAsync(db, account.OrganisationId, ct));
        }
        await db.SaveChangesAsync(ct);
        return (new GivenPasswordLink(link, reset.ExpiresAt, outbox.Enabled, person.WorkEmail), AccountChangeRefusal.None);
    }

    /// <summary>
    /// Turns two-factor off for someone who lost their authenticator and their recovery codes: a new authenticator key,
    /// no recovery codes, and every session ended. Roles that require two-factor send them to set it up again.
    /// </summary>
    public async Task<AccountChangeRefusal> TurnOffTwoFactorAsync(Guid personId, CancellationToken ct)
    {
        var (account, refusal) = await AccountForAdministratorAsync(personId, ct);
        if (refusal != AccountChangeRefusal.None || !account!.TwoFactorEnabled)
        {
            // Already off (a second post, a reload): nothing changes, and no second notice says it did.
            return refusal;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Turning two-factor off and resetting the key each give the account a new security stamp: every session ends.
        await Succeeded(users.SetTwoFactorEnabledAsync(account!, false));
        await Succeeded(users.ResetAuthenticatorKeyAsync(account!));
        await users.GenerateNewTwoFactorRecoveryCodesAsync(account!, 0);
        audit.Record(AuditActions.TwoFactorTurnedOffByAdministrator, "account", account!.Id);
        await notices.QueueAsync(account, SignInChange.TwoFactorTurnedOffByAdministrator, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return AccountChangeRefusal.None;
    }

    public async Task<(UsablePasswordReset? Usable, PasswordResetProblem Problem)> FindAsync(string? token, CancellationToken ct)
    {
        if (!SecretToken.LooksLike(token, PasswordReset.TokenPrefix))
        {
            return (null, PasswordResetProblem.NotFound);
        }
        var hash = SecretToken.Hash(token!);
        var reset = await db.Set<PasswordReset>().IgnoreQueryFilters().SingleOrDefaultAsync(r => r.TokenHash == hash, ct);
        if (reset is null)
        {
            return (null, PasswordResetProblem.NotFound);
        }
        if (ProblemOf(reset, clock.GetUtcNow()) is not PasswordResetProblem.None and var problem)
        {
            return (null, problem);
        }
        var account = await db.Users.SingleOrDefaultAsync(a => a.Id == reset.AccountId && a.OrganisationId == reset.OrganisationId, ct);
        if (account is null || !await leaveDates.AccountWorksAsync(account, ct))
        {
            return (null, PasswordResetProblem.AccountStopped);
        }
        // From here on the request acts for the link's organisation, as a sign-in would.
        scope.Enter(reset.OrganisationId);
        return (new UsablePasswordReset(reset, account), PasswordResetProblem.None);
    }

    /// <summary>Identity's password rules for this account, checked before anything changes.</summary>
    public Task<IReadOnlyList<IdentityError>> CheckPasswordAsync(UsablePasswordReset usable, string password) =>
        PasswordMessages.RuleBreachesAsync(users, usable.Account, password);

    /// <summary>
    /// Sets the new password, uses the link and withdraws every other link for the account, clears a lockout, and gives
    /// the account a new security stamp so that every session ends: in one transaction. Passkeys are left as they are
    /// (people use both, and a passkey is not something a lost password exposes); returns how many the account has, so
    /// the person can be told they still work. An organisation's links are used one at a time (<see cref="PasswordSection"/>),
    /// each reading the account again and taking its link only while it is still usable: of two posts at once, of one link
    /// (a double click, two tabs) or of two links for one account (two issuances at once can leave two working), the second
    /// finds its link used or withdrawn by the first and, with nothing changed, gets why it can no longer be used.
    /// </summary>
    public async Task<(PasswordResetProblem Problem, int Passkeys)> SetPasswordAsync(UsablePasswordReset usable, string password, CancellationToken ct)
    {
        var (reset, account) = usable;
        await using (var section = await locks.EnterAsync(db, PasswordSection, reset.OrganisationId, ct))
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var now = clock.GetUtcNow();
            // Another post may have gone first: its password change gave the account a new concurrency stamp.
            await db.Entry(account).ReloadAsync(ct);
            if (!account.IsActive)
            {
                return (PasswordResetProblem.AccountStopped, 0);
            }
            // Taken only while still usable: a link is also withdrawn outside the section, by a newer one.
            var taken = await db.Set<PasswordReset>().IgnoreQueryFilters().Where(r => r.Id == reset.Id).Where(PasswordReset.UsableAt(now))
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.UsedAt, now), ct);
            if (taken == 0)
            {
                await db.Entry(reset).ReloadAsync(ct);
                return (ProblemOf(reset, now) is not PasswordResetProblem.None and var problem ? problem : PasswordResetProblem.AlreadyUsed, 0);
            }
            if (await users.HasPasswordAsync(account))
            {
                await Succeeded(users.RemovePasswordAsync(account));
            }
            await Succeeded(users.AddPasswordAsync(account, password));
            if (await users.IsLockedOutAsync(account))
            {
                await Succeeded(users.SetLockoutEndDateAsync(account, null));
            }
            await Succeeded(users.ResetAccessFailedCountAsync(account));
            reset.Use(now);
            foreach (var other in await db.Set<PasswordReset>().Where(r => r.AccountId == account.Id && r.Id != reset.Id && r.UsedAt == null && r.WithdrawnAt == null).ToListAsync(ct))
            {
                other.Withdraw(now);
            }
            audit.RecordFor(account.OrganisationId, account.Id, AuditActions.PasswordReset, "account", account.Id.ToString("N"), "success");
            await notices.QueueAsync(account, SignInChange.PasswordSetWithLink, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        return (PasswordResetProblem.None, (await users.GetPasskeysAsync(account)).Count);
    }

    /// <summary>Why a link found by its token cannot be used at <paramref name="now"/>, if it cannot (its account aside).</summary>
    private static PasswordResetProblem ProblemOf(PasswordReset reset, DateTimeOffset now) =>
        reset.UsedAt is not null ? PasswordResetProblem.AlreadyUsed
        : reset.WithdrawnAt is not null ? PasswordResetProblem.Withdrawn
        : now >= reset.ExpiresAt ? PasswordResetProblem.Expired
        : PasswordResetProblem.None;

    /// <summary>A new link; <paramref name="shownAt"/> is the request's address for a link that is only shown, null for one that is emailed (<see cref="PublicUrl.Link"/>).</summary>
    private async Task<(PasswordReset Reset, string Link)> IssueAsync(Account account, Guid? issuedBy, string? shownAt, DateTimeOffset now, CancellationToken ct)
    {
        // One working link at a time: a newer one ends the ones before it.
        foreach (var earlier in await db.Set<PasswordReset>().Where(r => r.AccountId == account.Id && r.UsedAt == null && r.WithdrawnAt == null).ToListAsync(ct))
        {
            earlier.Withdraw(now);
        }
        var (reset, token) = PasswordReset.Create(account.OrganisationId, account.Id, issuedBy, now);
        db.Add(reset);
        return (reset, PublicUrl.Link(configuration, shownAt, ResetPath, token));
    }

    /// <summary>
    /// The account of a person in the current organisation that an administrator may help: active, and not their own. A
    /// password link and two-factor off each hand someone a way into it, so first of all the administrator must have
    /// signed in or confirmed recently (<see cref="RecentSignIn.AllowsAsync"/>).
    /// </summary>
    private async Task<(Account? Account, AccountChangeRefusal Refusal)> AccountForAdministratorAsync(Guid personId, CancellationToken ct) =>
        !await recent.AllowsAsync() ? (null, AccountChangeRefusal.NotRecent) : await AccountLifecycle.AccountOfAsync(db, personId, ct) switch
        {
            null => (null, AccountChangeRefusal.NoAccount),
            { } own when own.Id == actor.Id => (null, AccountChangeRefusal.OwnAccount),
            { IsActive: false } => (null, AccountChangeRefusal.NotActive),
            { } account => (account, AccountChangeRefusal.None),
        };

    /// <summary>The email: who asked or made it, the link and until when it works, and what to do if it was not them; plain text.</summary>
    private void QueueEmail(PasswordReset reset, Person person, string link, string organisationName) =>
        outbox.Queue(reset.OrganisationId, MailPurpose, reset.Id, new MailMessage(
            person.WorkEmail,
            person.Name,
            t["{0}: set a new password for Upstander", organisationName],
            string.Join("\n\n",
                t["Hello {0},", person.Name],
                reset.IssuedBy is null
                    ? t["Someone asked for a link to set a new password for your Upstander account at {0}. If it was you, use this link. It works once, until {1}:", organisationName, time.When(reset.ExpiresAt)]
                    : t["An administrator at {0} made a link for you to set a new password for your Upstander account. It works once, until {1}:", organisationName, time.When(reset.ExpiresAt)],
                link,
                t["If you did not ask for this, you can ignore this email: your password stays as it is. Setting a new password signs your account out everywhere, and if you use two-factor sign-in it is still asked for."]) + "\n"));

    /// <summary>How long the record of a link (its hash and dates, for the audit trail) is kept after it stopped working.</summary>
    public static readonly TimeSpan KeepEnded = TimeSpan.FromDays(30);

    /// <summary>Removes links that expired more than <see cref="KeepEnded"/> ago, used or not (a retention pass, hourly).</summary>
    public static Task<RetentionOutcome> RemoveOldAsync(IServiceScopeFactory scopes, CancellationToken ct) =>
        EveryOrganisation.SumAsync(scopes, async services =>
        {
            var cutoff = services.GetRequiredService<TimeProvider>().GetUtcNow() - KeepEnded;
            return await services.GetRequiredService<AppDbContext>().Set<PasswordReset>().Where(r => r.ExpiresAt < cutoff).ExecuteDeleteAsync(ct);
        }, (a, b) => a + b, 0, ct).DescribedAs(removed => new(removed > 0, $"Removed {removed} password links that ended more than {KeepEnded.TotalDays} days ago."));

    private static async Task Succeeded(Task<IdentityResult> change)
    {
        var result = await change;
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Identity refused the change: " + string.Join(", ", result.Errors.Select(e => e.Code)));
        }
    }
}

/// <summary>
/// "Forgot your password" requests, looked at one by one in the background: the page answers at once, in the same time
/// whether or not the address has an account, and the work that differs (finding the account, writing the link,
/// queueing the email) happens here, where nobody can time it. A request lost to a restart is asked for again.
/// </summary>
public sealed class PasswordLinkRequests(IServiceScopeFactory scopes, ILogger<PasswordLinkRequests> logger) : BackgroundService
{
    // Far above what the per-client rate limit lets through; beyond it, requests are dropped rather than held in memory.
    private readonly Channel<PasswordLinkRequest> _queue = Channel.CreateBounded<PasswordLinkRequest>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Ask(PasswordLinkRequest request) => _queue.Writer.TryWrite(request);

    /// <summary>Raised after each request has been looked at, whatever came of it (tests wait on it).</summary>
    public event Action? Handled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                using var scope = scopes.CreateScope();
                scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
                await scope.ServiceProvider.GetRequiredService<AccountRecovery>().SendAsync(request, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The type only: a database message could quote the address.
                logger.LogError("A request for a password link could not be handled ({ExceptionType}).", ex.GetType().Name);
            }
            Handled?.Invoke();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }
}
