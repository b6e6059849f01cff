using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Upstander.Features.Organisations;

/// <summary>An organisation's minimum group size for figures (<see cref="Size"/>) and its higher one for free-text comments.</summary>
public sealed record MinimumGroupSizes(int Size, int Comments);

/// <summary>An organisation that runs its own peer-support programme on this installation.</summary>
public sealed class Organisation
{
    public const int NameMaxLength = 200;

    /// <summary>An organisation's name, for emails and public pages (the organisation filter lets through only the current one).</summary>
    public static Task<string> NameAsync(Platform.Data.AppDbContext db, Guid organisationId, CancellationToken ct) =>
        db.Organisations.Where(o => o.Id == organisationId).Select(o => o.Name).SingleAsync(ct);

    /// <summary>The current organisation's <see cref="MinimumGroupSize"/>.</summary>
    public static Task<int> MinimumGroupSizeAsync(Platform.Data.AppDbContext db, CancellationToken ct) =>
        db.Organisations.Where(o => o.Id == db.CurrentOrganisationId).Select(o => o.MinimumGroupSize).SingleAsync(ct);

    /// <summary>The current organisation's <see cref="MinimumGroupSize"/> and <see cref="CommentMinimumGroupSize"/>, read together.</summary>
    public static Task<MinimumGroupSizes> MinimumGroupSizesAsync(Platform.Data.AppDbContext db, CancellationToken ct) =>
        db.Organisations.Where(o => o.Id == db.CurrentOrganisationId).Select(o => new MinimumGroupSizes(o.MinimumGroupSize, o.CommentMinimumGroupSize)).SingleAsync(ct);

    /// <summary>No aggregate is ever shown for a group smaller than this; never below <see cref="MinimumGroupSizeFloor"/>.</summary>
    public const int DefaultMinimumGroupSize = 5;
    public const int MinimumGroupSizeFloor = 3;
    public const int MinimumGroupSizeCeiling = 100;

    /// <summary>
    /// Free-text comments are shown only in whole groups of at least this many (<see cref="CommentMinimumGroupSize"/>):
    /// twice the default for figures. Words give away who wrote them far more readily than a rating does (a turn of phrase,
    /// a detail only one person knew), so the research behind the programme asks for a separate and higher minimum for
    /// comments than for aggregates (docs/training-evaluation.md).
    /// </summary>
    public const int DefaultCommentMinimumGroupSize = 10;

    /// <summary>An IANA time zone (Europe/London): pages show moments in it and meeting times are entered in it.</summary>
    public const string DefaultTimeZone = "UTC";
    public const int TimeZoneMaxLength = 64;

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

    /// <summary>Free-text comments are shown only in whole groups of this many; never below <see cref="MinimumGroupSize"/>.</summary>
    public int CommentMinimumGroupSize { get; private set; } = DefaultCommentMinimumGroupSize;

    public string TimeZone { get; private set; } = DefaultTimeZone;

    public void SetTimeZone(string? id) => TimeZone = ValidTimeZone(id);

    public void Rename(string name) => Name = ValidName(name);

    public static bool IsValidMinimumGroupSize(int size) => size is >= MinimumGroupSizeFloor and <= MinimumGroupSizeCeiling;

    /// <summary>Whether <paramref name="comments"/> may be the minimum for comments beside a minimum group size of <paramref name="size"/>.</summary>
    public static bool IsValidCommentMinimumGroupSize(int comments, int size) => comments >= size && IsValidMinimumGroupSize(comments);

    /// <summary>Sets both minimums at once, since the one for comments may never be below the other.</summary>
    public void SetMinimumGroupSizes(int size, int comments)
    {
        if (!IsValidMinimumGroupSize(size))
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"The minimum group size must be between {MinimumGroupSizeFloor} and {MinimumGroupSizeCeiling}.");
        }
        if (!IsValidCommentMinimumGroupSize(comments, size))
        {
            throw new ArgumentOutOfRangeException(nameof(comments), $"The minimum group size for comments must be between the minimum group size ({size}) and {MinimumGroupSizeCeiling}.");
        }
        (MinimumGroupSize, CommentMinimumGroupSize) = (size, comments);
    }

    /// <summary>The zone's IANA id (a Windows id is turned into its IANA one); anything this server's time-zone data lacks is refused.</summary>
    public static string ValidTimeZone(string? id)
    {
        var trimmed = id?.Trim() ?? "";
        if (trimmed.Length is 0 or > TimeZoneMaxLength || !TimeZoneInfo.TryFindSystemTimeZoneById(trimmed, out var zone))
        {
            throw new ArgumentException($"\"{trimmed}\" is not a time zone this server knows. Give an IANA name such as Europe/London.", nameof(id));
        }
        return zone.HasIanaId ? zone.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(zone.Id, out var iana) ? iana : zone.Id;
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
        builder.Property(o => o.TimeZone).HasMaxLength(Organisation.TimeZoneMaxLength).IsRequired().HasDefaultValue(Organisation.DefaultTimeZone);
    }
}
