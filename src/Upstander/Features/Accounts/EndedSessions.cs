using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Data;
using Upstander.Platform.Retention;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

/// <summary>
/// A browser session that was signed out, remembered by a hash of its id for as long as a copy of its cookie could
/// still be presented, so that a copy (taken from a shared computer, a backup of a browser profile, malware) is refused
/// instead of staying signed in until it expires. Not organisation-owned: it belongs to an account, as Identity's own
/// tables do, and goes with it.
/// </summary>
public sealed class EndedSession
{
    private EndedSession() { }

    public EndedSession(string idHash, Guid accountId, DateTimeOffset endedAt) =>
        (IdHash, AccountId, EndedAt) = (idHash, accountId, endedAt);

    /// <summary>SHA-256 (hex) of the session's id; the id itself is only inside the encrypted cookie.</summary>
    public string IdHash { get; private set; } = "";
    public Guid AccountId { get; private set; }
    public DateTimeOffset EndedAt { get; private set; }
}

public sealed class EndedSessionConfiguration : IEntityTypeConfiguration<EndedSession>
{
    public void Configure(EntityTypeBuilder<EndedSession> builder)
    {
        builder.ToTable("ended_sessions");
        builder.HasKey(s => s.IdHash);
        builder.Property(s => s.IdHash).HasMaxLength(64);
        builder.HasIndex(s => s.EndedAt);
        builder.HasIndex(s => s.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Each browser session's own id, and the sessions that were signed out. <see cref="AccountSignInManager"/> gives every
/// sign-in a new random id, kept in the session cookie's properties and carried over whenever the cookie is issued again
/// (sliding renewal, the security stamp check, a refresh after a change of roles or a confirmed identity), so every copy
/// of one session's cookie carries the same id. Signing out records the id as ended (<see cref="End"/>), and the cookie
/// check (<see cref="SecurityServices"/>) refuses an ended id, or a cookie without one, whenever it looks at a session: at
/// once in this process and, on PostgreSQL, in the others (the save is an account change,
/// <see cref="AccountChangeNotices"/>), and otherwise at the next five-minute check. Scoped.
/// </summary>
public sealed class EndedSessions(AppDbContext db, TimeProvider clock)
{
    private const string Item = ".upstander.session";

    /// <summary>The longest a session cookie lasts without being used (its sliding expiry).</summary>
    public static readonly TimeSpan SessionLength = TimeSpan.FromHours(8);

    /// <summary>
    /// How long an ended session is remembered. A copy of its cookie can have been renewed at most until the first check
    /// after the sign-out (a process that was not told waits up to <see cref="SecurityServices.StampInterval"/>), and then
    /// lasts <see cref="SessionLength"/> at most; an hour more covers clocks that disagree.
    /// </summary>
    public static readonly TimeSpan Kept = SessionLength + SecurityServices.StampInterval + TimeSpan.FromHours(1);

    /// <summary>Gives a session about to be issued its own id, unless it already has one (it is being issued again).</summary>
    public static void Begin(AuthenticationProperties properties) =>
        properties.Items.TryAdd(Item, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    private static string? HashOf(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(Item, out var id) && !string.IsNullOrEmpty(id) ? SecretToken.Hash(id) : null;

    /// <summary>
    /// Records the session as ended and saves it with whatever the caller's unit of work holds (the sign-out's audit
    /// event). Two sign-outs of one session at once (a double click) both get this far: the second save then finds the
    /// session ended by the first, and there is nothing more to record.
    /// </summary>
    public async Task EndAsync(Guid accountId, AuthenticationProperties properties, CancellationToken ct)
    {
        var hash = HashOf(properties);
        if (hash is not null)
        {
            db.Set<EndedSession>().Add(new EndedSession(hash, accountId, clock.GetUtcNow()));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (hash is not null)
        {
            db.ChangeTracker.Clear();
            if (!await db.Set<EndedSession>().AsNoTracking().AnyAsync(s => s.IdHash == hash, ct))
            {
                throw;
            }
        }
    }

    /// <summary>Whether the session was signed out, or has no id of its own (issued before sessions had one): either way it may not go on.</summary>
    public async Task<bool> IsEndedAsync(AuthenticationProperties properties, CancellationToken ct) =>
        HashOf(properties) is not { } hash || await db.Set<EndedSession>().AsNoTracking().AnyAsync(s => s.IdHash == hash, ct);

    /// <summary>Forgets sessions ended more than <see cref="Kept"/> ago, whose cookies have all expired (a retention pass, hourly).</summary>
    public static async Task<RetentionOutcome> RemoveOldAsync(IServiceScopeFactory scopes, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var cutoff = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow() - Kept;
        var removed = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Set<EndedSession>()
            .Where(s => s.EndedAt < cutoff).ExecuteDeleteAsync(ct);
        return new(removed > 0, $"Forgot {removed} signed-out sessions that ended more than {Kept.TotalHours:0.##} hours ago.");
    }
}
