using Microsoft.EntityFrameworkCore;
using Upstander.Features.Organisations;
using Upstander.Platform.Data;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Accounts;

/// <summary>
/// Makes a leave date take effect when it comes, not when <see cref="LeaversJob"/> next runs (within the hour). Whatever
/// is about to let an account in asks here first: every sign-in route and confirming it is you
/// (<see cref="AccountSignInManager.CanSignInAsync"/>), a session's stamp check
/// (<see cref="AccountSignInManager.ValidateSecurityStampAsync"/>), an access token
/// (<see cref="Platform.Security.PersonalAccessTokenHandler"/>), and a password link and a request for one
/// (<see cref="AccountRecovery"/>). The first to find the person's leave date come, in the organisation's time zone, stops
/// the account there and then as the job would (<see cref="AccountLifecycle.StopLeaverNowAsync"/>), so from then on it
/// is a deactivated account like any other. Scoped: it reads through the request's context.
/// </summary>
public sealed class LeaveDates(AppDbContext db, OrganisationZones zones, IServiceScopeFactory scopes)
{
    /// <summary>
    /// Whether <paramref name="account"/> works now: it is active, and its person's leave date has not come. Costs one read
    /// of the person by key (the organisation's date is kept in memory). An account whose person has left is stopped now,
    /// and <paramref name="account"/>, tracked by the request's context, is read again: whoever asked sees it deactivated,
    /// and a later save of it through Identity cannot write the state from before the stop back.
    /// </summary>
    public async Task<bool> AccountWorksAsync(Account account, CancellationToken ct = default)
    {
        if (!account.IsActive || account.PersonId is not { } personId)
        {
            return account.IsActive;
        }
        var leaves = await db.People.IgnoreQueryFilters()
            .Where(p => p.Id == personId && p.OrganisationId == account.OrganisationId)
            .Select(p => p.LeaveDate)
            .FirstOrDefaultAsync(ct);
        return await AccountWorksAsync(account, leaves, ct);
    }

    /// <summary>As <see cref="AccountWorksAsync(Account, CancellationToken)"/>, for a caller that has read the person's leave date already.</summary>
    public async Task<bool> AccountWorksAsync(Account account, DateOnly? leaveDate, CancellationToken ct)
    {
        if (!account.IsActive || account.PersonId is not { } personId || !HasCome(account.OrganisationId, leaveDate))
        {
            return account.IsActive;
        }
        await StopAsync(account.OrganisationId, personId, ct);
        await db.Entry(account).ReloadAsync(ct);
        return account.IsActive;
    }

    /// <summary>Whether a leave date has come where the organisation is (no date: never).</summary>
    public bool HasCome(Guid organisationId, DateOnly? leaveDate) => leaveDate is { } date && date <= zones.Today(organisationId);

    /// <summary>
    /// Stops the account of a person whose leave date has come, now, as the hourly pass would: in a scope of its own acting
    /// as Upstander, since the request may be nobody's yet (a sign-in).
    /// </summary>
    public async Task StopAsync(Guid organisationId, Guid personId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().ActAsSystem();
        scope.ServiceProvider.GetRequiredService<OrganisationScope>().Enter(organisationId);
        await scope.ServiceProvider.GetRequiredService<AccountLifecycle>().StopLeaverNowAsync(personId, ct);
    }
}
