using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Features.Accounts;

/// <summary>
/// Identity's store with one change: token values (the authenticator key and the recovery codes
/// are the ones Upstander uses) are sealed before they reach account_tokens. Identity would store
/// them as plaintext, and anyone holding a copy of the database could then mint valid codes.
/// The purpose includes the token's name and the account id is the row id, so a sealed value
/// copied to another account or another token name does not open.
/// </summary>
public sealed class AccountStore(AppDbContext context, FieldProtector protector, IdentityErrorDescriber? describer = null)
    : UserStore<Account, IdentityRole<Guid>, AppDbContext, Guid>(context, describer)
{
    public const string PurposePrefix = "account.token";

    public override Task SetTokenAsync(Account user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name,
            value is null ? null : protector.Seal(value, Purpose(loginProvider, name), user.Id), cancellationToken);

    public override async Task<string?> GetTokenAsync(Account user, string loginProvider, string name, CancellationToken cancellationToken)
    {
        var sealedValue = await base.GetTokenAsync(user, loginProvider, name, cancellationToken);
        return sealedValue is null ? null : protector.Open(sealedValue, Purpose(loginProvider, name), user.Id);
    }

    /// <summary>
    /// Identity saves an account by writing every column of the copy it holds, guarded by the concurrency stamp, so the
    /// save fails when another request changed the account since this one read it (stopped or reactivated it, changed
    /// its email, counted a failure). The copy is then read again: this request goes on with the account as it now is,
    /// and its later saves (the audit) do not try to write the stale copy once more.
    /// </summary>
    public override async Task<IdentityResult> UpdateAsync(Account user, CancellationToken cancellationToken = default)
    {
        var result = await base.UpdateAsync(user, cancellationToken);
        if (!result.Succeeded && result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
        {
            await Context.Entry(user).ReloadAsync(cancellationToken);
        }
        return result;
    }

    public static string Purpose(string loginProvider, string name) => $"{PurposePrefix}|{loginProvider}|{name}";
}
