using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Accounts;

/// <summary>
/// A token a program uses to call the API as an account. Issued and revoked by admins; only its hash
/// is stored, and the first characters are kept so people can tell tokens apart.
/// </summary>
public sealed class PersonalAccessToken : IOrganisationOwned
{
    public const string Prefix = "upt";
    public const int NameMaxLength = 100;

    private PersonalAccessToken() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid AccountId { get; private set; }
    public string Name { get; private set; } = "";
    public string TokenHash { get; private set; } = "";
    public string DisplayPrefix { get; private set; } = "";
    public Guid IssuedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }

    public static (PersonalAccessToken Token, string Secret) Issue(
        Guid organisationId, Guid accountId, string name, TimeSpan lifetime, Guid issuedBy, DateTimeOffset now)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > NameMaxLength)
        {
            throw new ArgumentException($"A token needs a name of at most {NameMaxLength} characters.", nameof(name));
        }
        if (lifetime <= TimeSpan.Zero || lifetime > TimeSpan.FromDays(366))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "A token lasts between one day and one year.");
        }
        var secret = SecretToken.New(Prefix);
        var token = new PersonalAccessToken
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            AccountId = accountId,
            Name = trimmed,
            TokenHash = SecretToken.Hash(secret),
            DisplayPrefix = secret[..10],
            IssuedBy = issuedBy,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        return (token, secret);
    }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    public void MarkUsed(DateTimeOffset now) => LastUsedAt = now;
}

public sealed class PersonalAccessTokenConfiguration : IEntityTypeConfiguration<PersonalAccessToken>
{
    public void Configure(EntityTypeBuilder<PersonalAccessToken> builder)
    {
        builder.ToTable("personal_access_tokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Name).HasMaxLength(PersonalAccessToken.NameMaxLength).IsRequired();
        builder.Property(t => t.TokenHash).HasMaxLength(64).IsRequired();
        builder.Property(t => t.DisplayPrefix).HasMaxLength(16).IsRequired();
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.AccountId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(t => t.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Account>().WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
