using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Upstander.Features.Accounts;
using Upstander.Platform.Data;

namespace Upstander.Features.People;

/// <summary>
/// Keeps a person's account on their work email. The account's user name and email are the work email (set when the
/// account is made), so a new work email moves them too, in the same save as the person. Accounts are unique across the
/// installation, not per organisation (Identity's unique user names and <c>RequireUniqueEmail</c>), so an address that
/// another account holds, in any organisation, is refused; the refusal says no more than that it is in use.
/// </summary>
public sealed class AccountEmails
{
    public const string InUseMessage = "is already in use by another account.";

    private const int ChunkSize = 500;

    private readonly Dictionary<string, List<Guid?>> _holders;
    private readonly Func<string, string> _normalize;

    private AccountEmails(Dictionary<string, List<Guid?>> holders, Func<string, string> normalize) =>
        (_holders, _normalize) = (holders, normalize);

    /// <summary>
    /// The accounts, in any organisation, whose email or user name is one of <paramref name="emails"/>, normalized as
    /// Identity normalizes them when it looks an account up.
    /// </summary>
    public static async Task<AccountEmails> ForAsync(AppDbContext db, UserManager<Account> users, IEnumerable<string?> emails, CancellationToken ct)
    {
        var wanted = emails.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e!.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var holders = new Dictionary<string, List<Guid?>>(StringComparer.Ordinal);
        // In chunks: a large file has more addresses than one statement may carry as parameters.
        foreach (var chunk in wanted.Chunk(ChunkSize))
        {
            var byEmail = chunk.Select(users.NormalizeEmail).Distinct(StringComparer.Ordinal).ToList();
            var byName = chunk.Select(users.NormalizeName).Distinct(StringComparer.Ordinal).ToList();
            var found = await db.Users.AsNoTracking()
                .Where(a => byEmail.Contains(a.NormalizedEmail!) || byName.Contains(a.NormalizedUserName!))
                .Select(a => new { a.NormalizedEmail, a.NormalizedUserName, a.PersonId })
                .ToListAsync(ct);
            foreach (var account in found)
            {
                foreach (var key in new[] { account.NormalizedEmail, account.NormalizedUserName }.OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    if (!holders.TryGetValue(key, out var list))
                    {
                        holders[key] = list = [];
                    }
                    list.Add(account.PersonId);
                }
            }
        }
        return new AccountEmails(holders, users.NormalizeEmail);
    }

    /// <summary>Whether an account other than the person's own (any account, for someone new) holds the address.</summary>
    public bool HeldByAnother(string? email, Guid? personId) =>
        !string.IsNullOrWhiteSpace(email)
        && _holders.TryGetValue(_normalize(email.Trim()), out var holders)
        && holders.Any(holder => personId is null || holder != personId);

    /// <summary>Moves the account to the person's work email; saved by the caller with the person.</summary>
    public static void Follow(Account account, string workEmail, UserManager<Account> users)
    {
        if (string.Equals(account.UserName, workEmail, StringComparison.Ordinal) && string.Equals(account.Email, workEmail, StringComparison.Ordinal))
        {
            return;
        }
        account.UserName = workEmail;
        account.NormalizedUserName = users.NormalizeName(workEmail);
        account.Email = workEmail;
        account.NormalizedEmail = users.NormalizeEmail(workEmail);
        // What Identity's own update does, so a stale copy of the account cannot be saved over this one.
        account.ConcurrencyStamp = Guid.NewGuid().ToString();
    }
}
