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
}

public sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.HasIndex(a => a.PersonId).IsUnique();
        builder.HasIndex(a => a.OrganisationId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<People.Person>().WithMany().HasForeignKey(a => a.PersonId).OnDelete(DeleteBehavior.SetNull);
    }
}
