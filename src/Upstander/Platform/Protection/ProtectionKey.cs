using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Upstander.Platform.Protection;

/// <summary>
/// A data key in the key ring, stored only wrapped (AES-GCM) under the master key, which never
/// lives in the database. Field keys rotate: the newest active one seals, every one can open.
/// </summary>
public sealed class ProtectionKey
{
    public const string FieldPurpose = "field";
    public const string AuditPurpose = "audit";

    private ProtectionKey() { }

    public ProtectionKey(int id, string purpose, string wrapped, string masterKeyFingerprint, DateTimeOffset createdAt)
    {
        Id = id;
        Purpose = purpose;
        Wrapped = wrapped;
        MasterKeyFingerprint = masterKeyFingerprint;
        CreatedAt = createdAt;
    }

    public int Id { get; private set; }
    public string Purpose { get; private set; } = "";
    public string Wrapped { get; private set; } = "";
    public string MasterKeyFingerprint { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? RetiredAt { get; private set; }

    public void Retire(DateTimeOffset now) => RetiredAt ??= now;

    public void Rewrap(string wrapped, string masterKeyFingerprint)
    {
        Wrapped = wrapped;
        MasterKeyFingerprint = masterKeyFingerprint;
    }
}

public sealed class ProtectionKeyConfiguration : IEntityTypeConfiguration<ProtectionKey>
{
    public void Configure(EntityTypeBuilder<ProtectionKey> builder)
    {
        builder.ToTable("protection_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.Purpose).HasMaxLength(16).IsRequired();
        builder.Property(k => k.Wrapped).HasMaxLength(200).IsRequired();
        builder.Property(k => k.MasterKeyFingerprint).HasMaxLength(32).IsRequired();
    }
}
