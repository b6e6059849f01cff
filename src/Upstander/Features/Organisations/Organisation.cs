using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Upstander.Features.Organisations;

/// <summary>An organisation that runs its own peer-support programme on this installation.</summary>
public sealed class Organisation
{
    public const int NameMaxLength = 200;

    /// <summary>No aggregate is ever shown for a group smaller than this; never below <see cref="MinimumGroupSizeFloor"/>.</summary>
    public const int DefaultMinimumGroupSize = 5;
    public const int MinimumGroupSizeFloor = 3;

    private Organisation() { }

    public Organisation(Guid id, string name, DateTimeOffset createdAt, bool isDemo = false)
    {
        Id = id;
        Name = ValidName(name);
        CreatedAt = createdAt;
        IsDemo = isDemo;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Seeded with published demo credentials: the server refuses to listen beyond loopback while one exists.</summary>
    public bool IsDemo { get; private set; }

    public int MinimumGroupSize { get; private set; } = DefaultMinimumGroupSize;

    public void Rename(string name) => Name = ValidName(name);

    public void SetMinimumGroupSize(int size)
    {
        if (size < MinimumGroupSizeFloor || size > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"The minimum group size must be between {MinimumGroupSizeFloor} and 100.");
        }
        MinimumGroupSize = size;
    }

    public static string ValidName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0 || trimmed.Length > NameMaxLength)
        {
            throw new ArgumentException($"An organisation name is required and may be at most {NameMaxLength} characters.", nameof(name));
        }
        return trimmed;
    }
}

public sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> builder)
    {
        builder.ToTable("organisations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Name).HasMaxLength(Organisation.NameMaxLength).IsRequired();
    }
}
