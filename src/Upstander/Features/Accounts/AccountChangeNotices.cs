using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Upstander.Platform.Data;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

/// <summary>
/// Which accounts changed in this process, and when: a new security stamp (password changed, signed out everywhere
/// else, deactivated or reactivated, two-factor changed), new roles, or one of its sessions signed out (whose copies must
/// stop working everywhere). A session issued before its account's change
/// is checked on its next request instead of waiting out <see cref="SecurityServices.StampInterval"/>, so in a
/// process a deactivation or a removed role takes effect at once. On PostgreSQL, other processes on the same database
/// are told through <see cref="AccountChangeChannel"/>; without it (or while it is down) they learn of it at the
/// interval. A notice is needed only for one interval: any session older than that is checked anyway.
/// Singleton.
/// </summary>
public sealed class AccountChangeNotices(TimeProvider clock)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _changed = new();

    /// <summary>Accounts changed by a save this process committed; passed on to other processes where there are any.</summary>
    public event Action<IReadOnlyCollection<Guid>>? ChangedHere;

    /// <summary>Accounts changed by a save this process committed.</summary>
    public void Changed(IReadOnlyCollection<Guid> accountIds)
    {
        Record(accountIds);
        ChangedHere?.Invoke(accountIds);
    }

    /// <summary>Accounts another process on the same database changed (<see cref="AccountChangeChannel"/>).</summary>
    public void ChangedElsewhere(IEnumerable<Guid> accountIds) => Record(accountIds);

    private void Record(IEnumerable<Guid> accountIds)
    {
        var now = clock.GetUtcNow();
        foreach (var id in accountIds)
        {
            _changed[id] = now;
        }
        foreach (var (id, at) in _changed)
        {
            if (now - at > SecurityServices.StampInterval)
            {
                _changed.TryRemove(KeyValuePair.Create(id, at));
            }
        }
    }

    /// <summary>Whether the principal's account changed at or after <paramref name="issued"/> (a session's issue time, to the second).</summary>
    public bool ChangedSince(ClaimsPrincipal? principal, DateTimeOffset issued) =>
        !_changed.IsEmpty
        && Guid.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var accountId)
        && _changed.TryGetValue(accountId, out var at)
        && at >= issued;
}

/// <summary>
/// Notices, as a save is about to be written, an account whose security stamp, deactivation or roles change in it, or
/// one of whose sessions ends in it, and tells <see cref="AccountChangeNotices"/> once the save is committed (never for a
/// save that fails or rolls back).
/// </summary>
public sealed class AccountChangeInterceptor(AccountChangeNotices notices) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Notice(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Notice(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static bool Changed<T>(Microsoft.EntityFrameworkCore.ChangeTracking.PropertyEntry<Account, T> property) =>
        property.IsModified && !EqualityComparer<T>.Default.Equals(property.OriginalValue, property.CurrentValue);

    private void Notice(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is not AppDbContext db)
        {
            return;
        }
        // Every save in Upstander passes here, and SaveChanges detects changes over everything tracked right after.
        // Reading Entries with detection on would scan everything twice more; only accounts need their properties
        // compared (roles are added and removed explicitly, so their state is already known).
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        var changed = new HashSet<Guid>();
        try
        {
            foreach (var entry in tracker.Entries<Account>())
            {
                if (detect)
                {
                    entry.DetectChanges();
                }
                // Identity marks every property of an account it updates as modified (a sign-in resets the failure count
                // that way), so compare values: only a stamp or a deactivation that really changed is a notice.
                if (entry.State == Microsoft.EntityFrameworkCore.EntityState.Modified
                    && (Changed(entry.Property(a => a.SecurityStamp)) || Changed(entry.Property(a => a.DeactivatedAt))))
                {
                    changed.Add(entry.Entity.Id);
                }
            }
            foreach (var entry in tracker.Entries<EndedSession>())
            {
                if (entry.State == Microsoft.EntityFrameworkCore.EntityState.Added)
                {
                    changed.Add(entry.Entity.AccountId);
                }
            }
            foreach (var entry in tracker.Entries<IdentityUserRole<Guid>>())
            {
                if (entry.State is Microsoft.EntityFrameworkCore.EntityState.Added or Microsoft.EntityFrameworkCore.EntityState.Deleted)
                {
                    changed.Add(entry.Entity.UserId);
                }
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
        if (changed.Count > 0)
        {
            db.AfterCommit(() => notices.Changed(changed));
        }
    }
}
