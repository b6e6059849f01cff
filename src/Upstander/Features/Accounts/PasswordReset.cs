using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Accounts;

/// <summary>
/// A one-time link to set a new password for an account: asked for by its holder on the sign-in page (and emailed
/// to their work address), or made by an administrator for someone who cannot receive it by email. Only a hash of
/// the token is stored, as for invitations.
/// </summary>
public sealed class PasswordReset : IOrganisationOwned
{
    public const string TokenPrefix = "pwr";

    /// <summary>An emailed link: long enough to reach an inbox and be opened, short enough that an old email is no key.</summary>
    public static readonly TimeSpan EmailedLifetime = TimeSpan.FromHours(1);

    /// <summary>A link an administrator makes and hands over (by phone, in person): it may take a day to arrive.</summary>
    public static readonly TimeSpan GivenLifetime = TimeSpan.FromHours(24);

    private PasswordReset() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid AccountId { get; private set; }
    public string TokenHash { get; private set; } = "";

    /// <summary>The administrator's account that made the link; null when the account's holder asked for it.</summary>
    public Guid? IssuedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? UsedAt { get; private set; }

    /// <summary>When a newer link for the same account, or a password set with one, ended this one.</summary>
    public DateTimeOffset? WithdrawnAt { get; private set; }

    public static (PasswordReset Reset, string Token) Create(Guid organisationId, Guid accountId, Guid? issuedBy, DateTimeOffset now)
    {
        var token = SecretToken.New(TokenPrefix);
        var reset = new PasswordReset
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            AccountId = accountId,
            TokenHash = SecretToken.Hash(token),
            IssuedBy = issuedBy,
            CreatedAt = now,
            ExpiresAt = now + (issuedBy is null ? EmailedLifetime : GivenLifetime),
        };
        return (reset, token);
    }

    public bool IsUsable(DateTimeOffset now) => UsedAt is null && WithdrawnAt is null && now < ExpiresAt;

    /// <summary><see cref="IsUsable"/> for queries and updates: links neither used nor withdrawn that have not expired at <paramref name="now"/>.</summary>
    public static Expression<Func<PasswordReset, bool>> UsableAt(DateTimeOffset now) => r => r.UsedAt == null && r.WithdrawnAt == null && r.ExpiresAt > now;

    public void Use(DateTimeOffset now)
    {
        if (!IsUsable(now))
        {
            throw new InvalidOperationException("This link has expired or was already used.");
        }
        UsedAt = now;
    }

    public void Withdraw(DateTimeOffset now) => WithdrawnAt ??= now;
}

public sealed class PasswordResetConfiguration : IEntityTypeConfiguration<PasswordReset>
{
    public void Configure(EntityTypeBuilder<PasswordReset> builder)
    {
        builder.ToTable("password_resets");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.TokenHash).HasMaxLength(64).IsRequired();
        builder.HasIndex(r => r.TokenHash).IsUnique();
        builder.HasIndex(r => r.AccountId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
