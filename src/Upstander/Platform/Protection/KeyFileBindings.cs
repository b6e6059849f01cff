using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Data;

namespace Upstander.Platform.Protection;

/// <summary>
/// A key kept in a file of its own whose loss would otherwise go unnoticed: Upstander makes a new one when the file is
/// missing (a first start), so a folder that did not mount, a mistyped path or a container that lost its disk would
/// start with a new key, and what the old one made would silently stop working (escrow entries that no longer open, or
/// no longer match later ones). Registered by the feature that owns the key (as a singleton); checked against the
/// database at every start by <see cref="KeyFileBindings.CheckAsync"/>.
/// </summary>
/// <param name="Purpose">What the key is for, as recorded in the database (at most 32 characters).</param>
/// <param name="Path">The key file's full path.</param>
/// <param name="Fingerprint">SHA-256 of the public key (hex), or another value that identifies the key without revealing it.</param>
/// <param name="Created">Whether this start made the file, because none was there.</param>
public sealed record BoundKeyFile(string Purpose, string Path, string Fingerprint, bool Created);

/// <summary>Which key of each <see cref="BoundKeyFile.Purpose"/> this database was first used with (fingerprint only).</summary>
public sealed class KeyFileBinding
{
    public const int PurposeMaxLength = 32;

    private KeyFileBinding() { }

    public KeyFileBinding(string purpose, string fingerprint, DateTimeOffset recordedAt) =>
        (Purpose, Fingerprint, RecordedAt) = (purpose, fingerprint, recordedAt);

    public string Purpose { get; private set; } = "";
    public string Fingerprint { get; private set; } = "";
    public DateTimeOffset RecordedAt { get; private set; }
}

public sealed class KeyFileBindingConfiguration : IEntityTypeConfiguration<KeyFileBinding>
{
    public void Configure(EntityTypeBuilder<KeyFileBinding> builder)
    {
        builder.ToTable("key_file_bindings");
        builder.HasKey(b => b.Purpose);
        builder.Property(b => b.Purpose).HasMaxLength(KeyFileBinding.PurposeMaxLength);
        builder.Property(b => b.Fingerprint).HasMaxLength(64).IsRequired();
    }
}

public static class KeyFileBindings
{
    /// <summary>
    /// Loads every registered <see cref="BoundKeyFile"/> and compares it with the key this database was first used with:
    /// the first start records it; a later start with another key stops with one line naming the file, and removes a file
    /// this start made (so that the next start does not take an invented key for the real one). A file that was there is
    /// never touched. Two processes starting at once on a new database record the same key or find the other's.
    /// </summary>
    public static async Task CheckAsync(IServiceProvider services, CancellationToken ct)
    {
        var files = services.GetServices<BoundKeyFile>().ToList();
        if (files.Count == 0)
        {
            return;
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        for (var attempt = 0; ; attempt++)
        {
            var recorded = await db.Set<KeyFileBinding>().AsNoTracking().ToDictionaryAsync(b => b.Purpose, b => b.Fingerprint, ct);
            foreach (var file in files)
            {
                if (recorded.TryGetValue(file.Purpose, out var expected) && expected != file.Fingerprint)
                {
                    var invented = InventedKeyFile.Remove(file.Created ? file.Path : null, "file there");
                    throw new StartupProblem(
                        $"The {file.Purpose} key file {file.Path} is not the key this database was used with (fingerprint {Short(file.Fingerprint)}, the database's is {Short(expected)})."
                        + invented + " Restore the key file from the backup kept with the master key; see docs/operations.md.");
                }
            }
            var missing = files.Where(f => !recorded.ContainsKey(f.Purpose)).ToList();
            if (missing.Count == 0)
            {
                return;
            }
            db.AddRange(missing.Select(f => new KeyFileBinding(f.Purpose, f.Fingerprint, now)));
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another process recorded its key at the same moment: compare with theirs.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static string Short(string fingerprint) => fingerprint.Length > 16 ? fingerprint[..16] : fingerprint;
}

/// <summary>
/// A key file a start made because none was there, found to be the wrong key for the database: removed again, so that
/// nobody later takes an invented key for the real one (nothing was made under it: the check comes first).
/// </summary>
internal static class InventedKeyFile
{
    /// <summary>
    /// Removes the file at <paramref name="createdPath"/> (null: this start made none) and returns the sentence that says so
    /// (<paramref name="there"/> names what was missing), or "" when there was nothing to remove.
    /// </summary>
    public static string Remove(string? createdPath, string there)
    {
        if (createdPath is null || !File.Exists(createdPath))
        {
            return "";
        }
        File.Delete(createdPath);
        return $" There was no {there}, so this start made one; it has been removed again.";
    }
}
