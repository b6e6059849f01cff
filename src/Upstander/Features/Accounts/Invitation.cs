using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Security;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Accounts;

/// <summary>
/// An invitation for a person in the directory to create their account. Only a hash of the token is
/// stored; the link is shown once to the admin who created it.
/// </summary>
public sealed class Invitation : IOrganisationOwned
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private Invitation() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public string TokenHash { get; private set; } = "";

    /// <summary>Roles granted when the invitation is accepted (comma separated, from <see cref="Roles.All"/>).</summary>
    public string Roles { get; private set; } = "";
    public Guid? InvitedBy { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? AcceptedAt { get; private set; }
    public DateTimeOffset? RevokedAt { get; private set; }

    public static (Invitation Invitation, string Token) Create(
        Guid organisationId, Guid personId, IEnumerable<string> roles, Guid? invitedBy, DateTimeOffset now)
    {
        var token = SecretToken.New("inv");
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            PersonId = personId,
            TokenHash = SecretToken.Hash(token),
            Roles = string.Join(',', roles.Where(Platform.Security.Roles.IsKnown).Distinct(StringComparer.Ordinal)),
            InvitedBy = invitedBy,
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        return (invitation, token);
    }

    public IReadOnlyList<string> RoleList => Roles.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public bool IsUsable(DateTimeOffset now) => AcceptedAt is null && RevokedAt is null && now < ExpiresAt;

    public void Accept(DateTimeOffset now)
    {
        if (!IsUsable(now))
        {
            throw new InvalidOperationException("This invitation has expired or was already used.");
        }
        AcceptedAt = now;
    }

    public void Revoke(DateTimeOffset now) => RevokedAt ??= now;

    public InvitationStatus StatusAt(DateTimeOffset now) =>
        AcceptedAt is not null ? InvitationStatus.Accepted
        : RevokedAt is not null ? InvitationStatus.Revoked
        : now >= ExpiresAt ? InvitationStatus.Expired
        : InvitationStatus.Pending;
}

/// <summary>Where an invitation stands, as the admin list shows it.</summary>
public enum InvitationStatus
{
    Pending,
    Accepted,
    Expired,
    Revoked,
}

public sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.ToTable("invitations");
        builder.HasKey(i => i.Id);
        builder.Property(i => i.TokenHash).HasMaxLength(64).IsRequired();
        builder.Property(i => i.Roles).HasMaxLength(200).IsRequired();
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => i.PersonId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(i => i.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<People.Person>().WithMany().HasForeignKey(i => i.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
