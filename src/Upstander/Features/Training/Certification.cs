using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.Training;

public static class SignOffDecision
{
    public const string SignedOff = "signed-off";
    public const string Declined = "declined";
    public const int MaxLength = 20;
}

/// <summary>
/// A candidate's request that a coordinator sign off their supervised practice, made once every core
/// module is passed. Open until a coordinator signs it off (which certifies the candidate) or declines it
/// with a reason; after a decline the candidate may ask again.
/// </summary>
public sealed class SignOffRequest : IOrganisationOwned
{
    /// <summary>Purpose of the sealed note: the sign-off note, or the reason for a decline.</summary>
    public const string NotePurpose = "training.sign-off-note";
    public const int NoteMaxLength = 2000;

    private SignOffRequest() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTimeOffset RequestedAt { get; private set; }

    /// <summary>Null while open; <see cref="SignOffDecision"/> once decided.</summary>
    public string? Decision { get; private set; }
    public DateTimeOffset? DecidedAt { get; private set; }
    public Guid? DecidedByPersonId { get; private set; }

    /// <summary>The day the supervised practice was completed, as the coordinator confirmed it.</summary>
    public DateOnly? PracticeCompletedOn { get; private set; }

    /// <summary>The coordinator's note (sign-off) or reason (decline), sealed with <see cref="NotePurpose"/> and this row's id.</summary>
    public string? NoteSealed { get; private set; }

    public bool IsOpen => Decision is null;

    public static SignOffRequest Open(Guid organisationId, Guid personId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        PersonId = personId,
        RequestedAt = now,
    };

    public void SignOff(Guid coordinatorPersonId, DateOnly practiceCompletedOn, string? noteSealed, DateTimeOffset now)
    {
        Decide(SignOffDecision.SignedOff, coordinatorPersonId, noteSealed, now);
        PracticeCompletedOn = practiceCompletedOn;
    }

    public void Decline(Guid coordinatorPersonId, string reasonSealed, DateTimeOffset now) =>
        Decide(SignOffDecision.Declined, coordinatorPersonId, reasonSealed, now);

    private void Decide(string decision, Guid coordinatorPersonId, string? noteSealed, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new InvalidOperationException("This request has already been decided.");
        }
        Decision = decision;
        DecidedByPersonId = coordinatorPersonId;
        NoteSealed = noteSealed;
        DecidedAt = now;
    }
}

/// <summary>
/// One certification: from a coordinator's sign-off until it lapses. Renewals move <see cref="ExpiresAt"/>
/// on; after a lapse a new sign-off makes a new certificate. Whether it is current is worked out from the
/// clock (<see cref="CertificationRules"/>), never stored.
/// </summary>
public sealed class Certificate : IOrganisationOwned
{
    private Certificate() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public Guid SignOffRequestId { get; private set; }
    public DateTimeOffset CertifiedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When the renewal reminder was first shown for the term ending at <see cref="RemindedForExpiry"/>.</summary>
    public DateTimeOffset? RemindedAt { get; private set; }
    public DateTimeOffset? RemindedForExpiry { get; private set; }

    public static Certificate Issue(SignOffRequest request, DateTimeOffset now, int months) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = request.OrganisationId,
        PersonId = request.PersonId,
        SignOffRequestId = request.Id,
        CertifiedAt = now,
        ExpiresAt = now.AddMonths(months),
    };

    /// <summary>The reminder for the current term, if it has been shown.</summary>
    public DateTimeOffset? RemindedThisTerm => RemindedForExpiry == ExpiresAt ? RemindedAt : null;

    /// <summary>Records the reminder once per term; false when it was already recorded.</summary>
    public bool Remind(DateTimeOffset now)
    {
        if (RemindedThisTerm is not null)
        {
            return false;
        }
        (RemindedAt, RemindedForExpiry) = (now, ExpiresAt);
        return true;
    }

    public CertificateRenewal Renew(CourseProgress refresherRun, DateTimeOffset now, int months)
    {
        var renewal = CertificateRenewal.Record(this, refresherRun, now, ExpiresAt.AddMonths(months));
        ExpiresAt = renewal.ExpiresAt;
        return renewal;
    }
}

/// <summary>A renewal by refresher run: the expiry moved from <see cref="PreviousExpiresAt"/> to <see cref="ExpiresAt"/>.</summary>
public sealed class CertificateRenewal : IOrganisationOwned
{
    private CertificateRenewal() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid CertificateId { get; private set; }
    public Guid CourseProgressId { get; private set; }
    public DateTimeOffset RenewedAt { get; private set; }
    public DateTimeOffset PreviousExpiresAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    internal static CertificateRenewal Record(Certificate certificate, CourseProgress run, DateTimeOffset now, DateTimeOffset expiresAt) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = certificate.OrganisationId,
        CertificateId = certificate.Id,
        CourseProgressId = run.Id,
        RenewedAt = now,
        PreviousExpiresAt = certificate.ExpiresAt,
        ExpiresAt = expiresAt,
    };
}

public sealed class SignOffRequestConfiguration : IEntityTypeConfiguration<SignOffRequest>
{
    public void Configure(EntityTypeBuilder<SignOffRequest> builder)
    {
        builder.ToTable("training_sign_off_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Decision).HasMaxLength(SignOffDecision.MaxLength);
        builder.HasIndex(r => new { r.OrganisationId, r.PersonId });
        builder.HasIndex(r => new { r.OrganisationId, r.Decision });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.DecidedByPersonId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class CertificateConfiguration : IEntityTypeConfiguration<Certificate>
{
    public void Configure(EntityTypeBuilder<Certificate> builder)
    {
        builder.ToTable("training_certificates");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.OrganisationId, c.PersonId });
        builder.HasIndex(c => new { c.OrganisationId, c.ExpiresAt });
        builder.HasIndex(c => c.SignOffRequestId).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(c => c.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SignOffRequest>().WithMany().HasForeignKey(c => c.SignOffRequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class CertificateRenewalConfiguration : IEntityTypeConfiguration<CertificateRenewal>
{
    public void Configure(EntityTypeBuilder<CertificateRenewal> builder)
    {
        builder.ToTable("training_certificate_renewals");
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => r.CertificateId);
        builder.HasIndex(r => r.CourseProgressId).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Certificate>().WithMany().HasForeignKey(r => r.CertificateId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CourseProgress>().WithMany().HasForeignKey(r => r.CourseProgressId).OnDelete(DeleteBehavior.Cascade);
    }
}
