using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.People;

public sealed class Department : IOrganisationOwned
{
    public const int NameMaxLength = 200;

    private Department() { }

    public Department(Guid organisationId, string name)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        Name = name.Trim();
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string Name { get; private set; } = "";
}

public sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> builder)
    {
        builder.ToTable("departments");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Name).HasMaxLength(Department.NameMaxLength).IsRequired();
        builder.HasIndex(d => new { d.OrganisationId, d.Name }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
