using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.People;

/// <summary>
/// Someone in the organisation's directory. A person may or may not have an account; the
/// directory (and its manager chain) exists so that later features can decide conflicts of interest.
/// </summary>
public sealed class Person : IOrganisationOwned
{
    private Person() { }

    public Person(Guid organisationId, PersonDetails details, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7();
        OrganisationId = organisationId;
        Apply(details, now);
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public string EmployeeId { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string WorkEmail { get; private set; } = "";

    /// <summary>Upper-invariant email, unique within the organisation.</summary>
    public string NormalizedEmail { get; private set; } = "";

    /// <summary>Lower-case name, email and employee id, so search behaves the same on every database.</summary>
    public string SearchText { get; private set; } = "";
    public Guid? DepartmentId { get; private set; }
    public string? Team { get; private set; }
    public Guid? ManagerId { get; private set; }
    public string? Location { get; private set; }
    public string? PreferredLanguage { get; private set; }
    public DateOnly? StartDate { get; private set; }
    public DateOnly? LeaveDate { get; private set; }

    /// <summary>Sealed by the field protector (purpose <see cref="ConfidentialNotePurpose"/>); never stored as plaintext.</summary>
    public string? ConfidentialNoteSealed { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public const string ConfidentialNotePurpose = "person.confidential-note";

    /// <summary>Whether the person has left by <paramref name="today"/>: their leave date is on or before it.</summary>
    public bool HasLeft(DateOnly today) => LeaveDate is { } leave && leave <= today;

    /// <summary><see cref="HasLeft"/> for queries: people whose leave date is on or before <paramref name="today"/>.</summary>
    public static Expression<Func<Person, bool>> LeftBy(DateOnly today) => p => p.LeaveDate != null && p.LeaveDate <= today;

    /// <summary>The rest: people with no leave date, or one still to come after <paramref name="today"/>.</summary>
    public static Expression<Func<Person, bool>> StillHereOn(DateOnly today) => p => p.LeaveDate == null || p.LeaveDate > today;

    /// <summary>Applies already-validated details (see <see cref="PersonRules"/>).</summary>
    public void Apply(PersonDetails details, DateTimeOffset now)
    {
        EmployeeId = details.EmployeeId.Trim();
        Name = details.Name.Trim();
        WorkEmail = details.WorkEmail.Trim();
        NormalizedEmail = NormalizeEmail(WorkEmail);
        Team = Blank(details.Team);
        Location = Blank(details.Location);
        PreferredLanguage = Blank(details.PreferredLanguage);
        StartDate = details.StartDate;
        LeaveDate = details.LeaveDate;
        SearchText = $"{Name} {WorkEmail} {EmployeeId}".ToLowerInvariant();
        UpdatedAt = now;
    }

    public void PlaceIn(Guid? departmentId) => DepartmentId = departmentId;

    public void ReportTo(Guid? managerId)
    {
        if (managerId == Id)
        {
            throw new ArgumentException("A person cannot be their own manager.", nameof(managerId));
        }
        ManagerId = managerId;
    }

    public void SealConfidentialNote(string? sealedNote, DateTimeOffset now)
    {
        ConfidentialNoteSealed = sealedNote;
        UpdatedAt = now;
    }

    public static string NormalizeEmail(string email) => email.Trim().ToUpperInvariant();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The editable facts about a person, as typed by an admin or read from an import row.</summary>
public sealed record PersonDetails(
    string Name,
    string WorkEmail,
    string EmployeeId,
    string? Department,
    string? Team,
    string? ManagerEmployeeId,
    string? Location,
    string? PreferredLanguage,
    DateOnly? StartDate,
    DateOnly? LeaveDate);

public sealed class PersonConfiguration : IEntityTypeConfiguration<Person>
{
    public void Configure(EntityTypeBuilder<Person> builder)
    {
        builder.ToTable("people");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.EmployeeId).HasMaxLength(PersonRules.EmployeeIdMaxLength).IsRequired();
        builder.Property(p => p.Name).HasMaxLength(PersonRules.NameMaxLength).IsRequired();
        builder.Property(p => p.WorkEmail).HasMaxLength(PersonRules.EmailMaxLength).IsRequired();
        builder.Property(p => p.NormalizedEmail).HasMaxLength(PersonRules.EmailMaxLength).IsRequired();
        builder.Property(p => p.SearchText).HasMaxLength(700).IsRequired();
        builder.Property(p => p.Team).HasMaxLength(PersonRules.ShortTextMaxLength);
        builder.Property(p => p.Location).HasMaxLength(PersonRules.ShortTextMaxLength);
        builder.Property(p => p.PreferredLanguage).HasMaxLength(35);
        builder.HasIndex(p => new { p.OrganisationId, p.EmployeeId }).IsUnique();
        builder.HasIndex(p => new { p.OrganisationId, p.NormalizedEmail }).IsUnique();
        builder.HasIndex(p => p.ManagerId);
        builder.HasIndex(p => new { p.OrganisationId, p.Name });
        // Lets the org chart cache see a change made by another process with one cheap query (DirectoryStamp).
        builder.HasIndex(p => new { p.OrganisationId, p.UpdatedAt });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Department>().WithMany().HasForeignKey(p => p.DepartmentId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Person>().WithMany().HasForeignKey(p => p.ManagerId).OnDelete(DeleteBehavior.Restrict);
    }
}
