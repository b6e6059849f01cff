using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Upstander.Features.Accounts;

/// <summary>
/// A sign-in account, managed by ASP.NET Core Identity. Every account belongs to exactly one
/// organisation and is linked to one person in its directory.
/// </summary>
public sealed class Account : IdentityUser<Guid>
{
    public Guid OrganisationId { get; set; }
    public Guid? PersonId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the account stopped working; null while it is active. See <see cref="AccountLifecycle"/>.</summary>
    public DateTimeOffset? DeactivatedAt { get; private set; }

    /// <summary>Why: <see cref="DeactivationReason.Left"/> or <see cref="DeactivationReason.Administrator"/>.</summary>
    public string? DeactivatedBecause { get; private set; }

    public bool IsActive => DeactivatedAt is null;

    /// <summary>Stops the account: the caller also changes its security stamp so that every session ends.</summary>
    public void Deactivate(string reason, DateTimeOffset now)
    {
        if (!DeactivationReason.IsKnown(reason))
        {
            throw new ArgumentException($"\"{reason}\" is not a reason to deactivate an account.", nameof(reason));
        }
        (DeactivatedAt, DeactivatedBecause) = (now, reason);
    }

    public void Reactivate() => (DeactivatedAt, DeactivatedBecause) = (null, null);
}

/// <summary>Why an account was deactivated.</summary>
public static class DeactivationReason
{
    /// <summary>The person's leave date in the directory has come.</summary>
    public const string Left = "left";

    /// <summary>An administrator deactivated it (for example while something is looked into).</summary>
    public const string Administrator = "administrator";

    public static bool IsKnown(string? reason) => reason is Left or Administrator;
}

public sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.HasIndex(a => a.PersonId).IsUnique();
        builder.HasIndex(a => a.OrganisationId);
        builder.Property(a => a.DeactivatedBecause).HasMaxLength(16);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<People.Person>().WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.SetNull);
    }
}
