using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;

namespace Upstander.Platform.Protection;

/// <summary>
/// Data keys, unwrapped in memory. Field keys rotate (<see cref="RotateAsync"/>): the newest seals,
/// older ones still open what they sealed. The audit key signs the audit chain and never rotates,
/// so the chain stays verifiable from its first row.
/// </summary>
public sealed class KeyRing(IServiceScopeFactory scopes, MasterKey masterKey, TimeProvider clock)
{
    private static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;

    private sealed record Snapshot(
        IReadOnlyDictionary<int, byte[]> FieldKeys, int ActiveFieldKeyId, byte[] AuditKey, DateTimeOffset LoadedAt);

    public (int Id, byte[] Key) ActiveFieldKey()
    {
        var snapshot = Current(refreshIfOld: true);
        return (snapshot.ActiveFieldKeyId, snapshot.FieldKeys[snapshot.ActiveFieldKeyId]);
    }

    public byte[] FieldKey(int id)
    {
        if (Current(refreshIfOld: false).FieldKeys.TryGetValue(id, out var key))
        {
            return key;
        }
        // Another process may have rotated since we loaded.
        Reload();
        return Current(refreshIfOld: false).FieldKeys.TryGetValue(id, out key)
            ? key
            : throw new CryptographicException($"Protection key {id} is not in the key ring.");
    }

    public byte[] AuditKey() => Current(refreshIfOld: false).AuditKey;

    public void Reload()
    {
        lock (_gate)
        {
            _snapshot = LoadOrCreate();
        }
    }

    /// <summary>Creates a new field key and makes it the active one. Returns its id.</summary>
    public async Task<int> RotateAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var keys = await db.ProtectionKeys.ToListAsync(ct);
        foreach (var key in keys.Where(k => k.Purpose == ProtectionKey.FieldPurpose))
        {
            key.Retire(now);
        }
        var id = keys.Count == 0 ? 1 : keys.Max(k => k.Id) + 1;
        db.ProtectionKeys.Add(NewKey(id, ProtectionKey.FieldPurpose, now));
        await db.SaveChangesAsync(ct);
        Reload();
        return id;
    }

    /// <summary>Re-wraps every data key under a new master key (the data itself is untouched).</summary>
    public async Task<int> RewrapAsync(MasterKey newMasterKey, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var keys = await db.ProtectionKeys.ToListAsync(ct);
        foreach (var key in keys)
        {
            var plain = Unwrap(key);
            key.Rewrap(newMasterKey.Wrap(plain, key.Id, key.Purpose), newMasterKey.Fingerprint);
        }
        await db.SaveChangesAsync(ct);
        return keys.Count;
    }

    private Snapshot Current(bool refreshIfOld)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && (!refreshIfOld || clock.GetUtcNow() - snapshot.LoadedAt < RefreshAfter))
        {
            return snapshot;
        }
        lock (_gate)
        {
            if (_snapshot is null || (refreshIfOld && clock.GetUtcNow() - _snapshot.LoadedAt >= RefreshAfter))
            {
                _snapshot = LoadOrCreate();
            }
            return _snapshot;
        }
    }

    private Snapshot LoadOrCreate()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var keys = db.ProtectionKeys.AsNoTracking().ToList();
            // Checked before anything is made: a key made under another master key than the others' would leave the
            // database needing two master keys, and could never be opened with the right one.
            if (keys.FirstOrDefault(k => k.MasterKeyFingerprint != masterKey.Fingerprint) is { } wrapped)
            {
                throw WrappedByAnother(wrapped);
            }
            var missing = new List<string>();
            if (!keys.Any(k => k.Purpose == ProtectionKey.FieldPurpose)) missing.Add(ProtectionKey.FieldPurpose);
            if (!keys.Any(k => k.Purpose == ProtectionKey.AuditPurpose)) missing.Add(ProtectionKey.AuditPurpose);
            if (missing.Count == 0)
            {
                var field = keys.Where(k => k.Purpose == ProtectionKey.FieldPurpose).ToDictionary(k => k.Id, Unwrap);
                var active = keys.Where(k => k.Purpose == ProtectionKey.FieldPurpose && k.RetiredAt is null)
                    .Select(k => k.Id).DefaultIfEmpty(field.Keys.Max()).Max();
                var audit = keys.Where(k => k.Purpose == ProtectionKey.AuditPurpose).OrderBy(k => k.Id).First();
                return new Snapshot(field, active, Unwrap(audit), clock.GetUtcNow());
            }
            var next = keys.Count == 0 ? 1 : keys.Max(k => k.Id) + 1;
            foreach (var purpose in missing)
            {
                db.ProtectionKeys.Add(NewKey(next++, purpose, clock.GetUtcNow()));
            }
            try
            {
                db.SaveChanges();
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another process created the keys at the same moment; read theirs.
            }
        }
    }

    private ProtectionKey NewKey(int id, string purpose, DateTimeOffset now) =>
        new(id, purpose, masterKey.Wrap(RandomNumberGenerator.GetBytes(32), id, purpose), masterKey.Fingerprint, now);

    /// <summary>
    /// The start stops: the database's keys were wrapped by another master key. A key file this start made because none
    /// was there (a mistyped path, a secret that did not mount) is removed again, so that nobody later takes it for the
    /// real one: nothing was wrapped under it, as <see cref="LoadOrCreate"/> makes no key beside keys of another master key.
    /// </summary>
    private StartupProblem WrappedByAnother(ProtectionKey key)
    {
        var invented = InventedKeyFile.Remove(masterKey.CreatedFile, $"master key file at {masterKey.CreatedFile}");
        return new StartupProblem(
            $"Protection key {key.Id} was wrapped by a different master key (fingerprint {key.MasterKeyFingerprint}, this one is {masterKey.Fingerprint}).{invented} Restore the master key that belongs with this database; see docs/operations.md.");
    }

    private byte[] Unwrap(ProtectionKey key)
    {
        if (key.MasterKeyFingerprint != masterKey.Fingerprint)
        {
            throw WrappedByAnother(key);
        }
        return masterKey.Unwrap(key.Wrapped, key.Id, key.Purpose);
    }
}
