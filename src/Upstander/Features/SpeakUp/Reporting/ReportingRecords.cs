using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// An organisation's public report link, /report/{slug}: the only way an anonymous visitor names the organisation.
/// Not organisation-filtered, because it is what finds the organisation before anyone is signed in.
/// </summary>
public sealed class ReportLink
{
    public const int SlugMaxLength = 80;

    private ReportLink() { }

    public ReportLink(Guid organisationId, string slug, DateTimeOffset now) => (OrganisationId, Slug, CreatedAt) = (organisationId, slug, now);

    public Guid OrganisationId { get; private set; }
    public string Slug { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}

/// <summary>A signed-in reporter's unsent report: everything they wrote, sealed, readable by them alone. One per person; deleted on send.</summary>
public sealed class ReportDraft : IOrganisationOwned
{
    public const string ContentPurpose = "speak-up.report-draft";

    private ReportDraft() { }

    public static ReportDraft Start(Guid organisationId, Guid personId) => new() { Id = Guid.CreateVersion7(), OrganisationId = organisationId, PersonId = personId };

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTimeOffset SavedAt { get; private set; }
    public string? ContentSealed { get; private set; }

    public void Save(string sealedContent, DateTimeOffset now) => (ContentSealed, SavedAt) = (sealedContent, now);
}

/// <summary>One entry in a person's private incident journal: timestamped, sealed, readable by its author alone.</summary>
public sealed class JournalEntry : IOrganisationOwned
{
    public const string TextPurpose = "speak-up.journal-entry";
    public const int TextMaxLength = 5000;

    private JournalEntry() { }

    public static JournalEntry Write(Guid organisationId, Guid personId, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(), OrganisationId = organisationId, PersonId = personId, WrittenAt = now };

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public DateTimeOffset WrittenAt { get; private set; }
    public DateTimeOffset? EditedAt { get; private set; }
    public string? TextSealed { get; private set; }

    public void Seal(string sealedText) => TextSealed = sealedText;

    public void Edit(string sealedText, DateTimeOffset now) => (TextSealed, EditedAt) = (sealedText, now);
}

/// <summary>
/// An evidence file sent with a report. The bytes live encrypted in the uploads folder (AES-256-GCM under a random
/// per-file key); the key and the original file name are sealed here. Only the sniffed content type and size are plain.
/// A report whose author is held back (anonymous, or named with the identity held) keeps no file name
/// (<see cref="NameSealed"/> is null; see <see cref="ReportFiles.Named"/>), as names often say whose phone or laptop a
/// file came from; migration 0029 removed the names such reports had kept before.
/// </summary>
public sealed class ReportFile : IOrganisationOwned
{
    public const string KeyPurpose = "speak-up.report-file-key";
    public const string NamePurpose = "speak-up.report-file-name";

    /// <summary>The audit target type when a case manager opens a file.</summary>
    public const string AuditTarget = "report-file";

    private ReportFile() { }

    public static ReportFile Add(ReportRecord report, string contentType, long length, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = report.OrganisationId,
        ReportId = report.Id,
        ContentType = contentType,
        Length = length,
        UploadedAt = now,
    };

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ReportId { get; private set; }
    public string ContentType { get; private set; } = "";
    public long Length { get; private set; }
    public DateTimeOffset UploadedAt { get; private set; }
    public string? NameSealed { get; private set; }
    public string KeySealed { get; private set; } = "";

    public void Seal(string sealedKey, string? sealedName) => (KeySealed, NameSealed) = (sealedKey, sealedName);
}

/// <summary>
/// Evidence bytes retention has erased: the file's row went in the erase's transaction, and this one was added with it, so
/// it names bytes that must go. <see cref="ReportFilesEraser"/> deletes them once the erase is committed and then this row;
/// a process that stops in between leaves it, and <see cref="ErasedFileBytes"/> finishes the work. Only a file named here
/// is ever deleted from the uploads folder: a file no row names may belong to a report a database restored from an older
/// backup does not know yet (docs/operations.md).
/// </summary>
public sealed class ReportFileErasure : IOrganisationOwned
{
    private ReportFileErasure() { }

    public static ReportFileErasure Of(ReportFile file, DateTimeOffset now) => new() { FileId = file.Id, OrganisationId = file.OrganisationId, ErasedAt = now };

    public Guid FileId { get; private set; }
    public Guid OrganisationId { get; private set; }
    public DateTimeOffset ErasedAt { get; private set; }
}

/// <summary>A reporter's answer at a retaliation check-in (30, 90 or 180 days after sending): yes, no or rather not say.</summary>
public sealed class RetaliationCheckIn : IOrganisationOwned
{
    public const string Yes = "yes";
    public const string No = "no";
    public const string RatherNotSay = "rather-not-say";
    public static readonly int[] Days = [30, 90, 180];
    public static readonly string[] Answers = [Yes, No, RatherNotSay];

    private RetaliationCheckIn() { }

    /// <summary>
    /// The check-in day (30, 90, 180) a report is waiting for an answer to: the latest that has come, unless it or a
    /// later one was answered (<paramref name="latestAnswered"/>), or the case closed more than 180 days ago. Null when none.
    /// </summary>
    public static int? Due(DateTimeOffset receivedAt, bool open, DateTimeOffset? closedAt, int? latestAnswered, DateTimeOffset now)
    {
        var due = Days.Where(d => receivedAt.AddDays(d) <= now).Cast<int?>().LastOrDefault();
        if (due is null || !open && closedAt is { } closed && closed.AddDays(Days[^1]) < now)
        {
            return null;
        }
        return latestAnswered >= due ? null : due;
    }

    public static RetaliationCheckIn Answer(ReportRecord report, int day, string answer, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = report.OrganisationId,
        ReportId = report.Id,
        Day = day,
        Response = answer,
        AnsweredAt = now,
    };

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ReportId { get; private set; }
    public int Day { get; private set; }
    public string Response { get; private set; } = "";
    public DateTimeOffset AnsweredAt { get; private set; }
}

public sealed class ReportLinkConfiguration : IEntityTypeConfiguration<ReportLink>
{
    public void Configure(EntityTypeBuilder<ReportLink> builder)
    {
        builder.ToTable("report_links");
        builder.HasKey(l => l.OrganisationId);
        builder.Property(l => l.Slug).HasMaxLength(ReportLink.SlugMaxLength);
        builder.HasIndex(l => l.Slug).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithOne().HasForeignKey<ReportLink>(l => l.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ReportDraftConfiguration : IEntityTypeConfiguration<ReportDraft>
{
    public void Configure(EntityTypeBuilder<ReportDraft> builder)
    {
        builder.ToTable("report_drafts");
        builder.HasKey(d => d.Id);
        builder.HasIndex(d => d.PersonId).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(d => d.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class JournalEntryConfiguration : IEntityTypeConfiguration<JournalEntry>
{
    public void Configure(EntityTypeBuilder<JournalEntry> builder)
    {
        builder.ToTable("journal_entries");
        builder.HasKey(e => e.Id);
        builder.HasIndex(e => new { e.PersonId, e.WrittenAt });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ReportFileConfiguration : IEntityTypeConfiguration<ReportFile>
{
    public void Configure(EntityTypeBuilder<ReportFile> builder)
    {
        builder.ToTable("report_files");
        builder.HasKey(f => f.Id);
        builder.Property(f => f.ContentType).HasMaxLength(40);
        builder.HasIndex(f => f.ReportId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(f => f.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(f => f.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ReportFileErasureConfiguration : IEntityTypeConfiguration<ReportFileErasure>
{
    public void Configure(EntityTypeBuilder<ReportFileErasure> builder)
    {
        builder.ToTable("report_file_erasures");
        builder.HasKey(e => e.FileId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class RetaliationCheckInConfiguration : IEntityTypeConfiguration<RetaliationCheckIn>
{
    public void Configure(EntityTypeBuilder<RetaliationCheckIn> builder)
    {
        builder.ToTable("report_check_ins");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Response).HasMaxLength(20);
        builder.HasIndex(c => new { c.ReportId, c.Day }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(c => c.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}
