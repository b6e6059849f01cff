using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Features.SpeakUp.Reports;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// One stored escrow entry: the matching index π, the envelope c sealed to the reviewers, the threshold t the
/// reporter chose, and when it arrived (to the hour). Nothing about who sent it: no account, no person, no network
/// data. <see cref="WithdrawalHash"/> is the SHA-256 of a code only the reporter's browser ever held, so the
/// entry can be withdrawn by whoever has the code and by nobody else, and the server cannot tell whose it is.
/// </summary>
public sealed class HeldEntry : IOrganisationOwned
{
    public const int IndexLength = 32;
    public const int WithdrawalHashLength = 64;

    /// <summary>An envelope larger than this is refused (the account's five fields are each at most 4,000 characters).</summary>
    public const int MaxSealedBytes = 64 * 1024;

    private HeldEntry() { }

    /// <summary>
    /// Random (version 4), never version 7: a version 7 id carries its creation time to the millisecond, which would
    /// undo rounding <see cref="CreatedAt"/> to the hour (and its order would tell the order of arrival).
    /// </summary>
    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }

    /// <summary>π: equal for every entry that names the same person with the same threshold; nothing else.</summary>
    public byte[] MatchIndex { get; private set; } = [];

    /// <summary>c: (U, s, the encrypted record) sealed to the reviewers' public key.</summary>
    public byte[] Sealed { get; private set; } = [];
    public int Threshold { get; private set; }

    /// <summary>Arrival, truncated to the hour so the row cannot be matched to a request log by its exact time.</summary>
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ReleasedAt { get; private set; }

    /// <summary>The report made from this entry when it was released.</summary>
    public Guid? ReportId { get; private set; }

    /// <summary>Lowercase hex SHA-256 of the withdrawal code the reporter's browser made and showed once.</summary>
    public string WithdrawalHash { get; private set; } = "";

    public bool IsReleased => ReleasedAt is not null;

    public EscrowEntry AsEntry() => new(MatchIndex, Threshold, Sealed);

    public static HeldEntry Hold(Guid organisationId, byte[] index, int threshold, byte[] sealedBytes, string withdrawalHash, DateTimeOffset now) => new()
    {
        Id = Guid.NewGuid(),
        OrganisationId = organisationId,
        MatchIndex = index,
        Threshold = threshold,
        Sealed = sealedBytes,
        WithdrawalHash = withdrawalHash,
        CreatedAt = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero),
    };

    /// <summary>
    /// Retention, once the report made from this entry is erased: forgets c (which the reviewers' key, held in-process,
    /// would open again: the account, the reporter's id and whom it names) and π (which ties the kept report row to the
    /// person it named, for anyone who can evaluate the OPRF). What stays is a tombstone: released, its report, the hour
    /// it came and the withdrawal hash, so the same upload sent again is refused as a repeat and never released twice.
    /// With an empty π it is in no group any more: a later entry naming the same person waits for t distinct reporters
    /// among the entries still kept, as if the erased ones had never been.
    /// </summary>
    public void Erase()
    {
        if (!IsReleased)
        {
            throw new InvalidOperationException("Only a released entry is erased with its report; a held one is withdrawn.");
        }
        MatchIndex = [];
        Sealed = [];
    }

    /// <summary>
    /// Withdrawn by its reporter: π and c are wiped at once, so it is in no group and can never be opened. The row, with
    /// the withdrawal hash only, waits for the next judgement boundary, where it is deleted and counted
    /// (<see cref="EscrowStore.RecordWithdrawalsAsync"/>), so the audit log does not say when it was withdrawn.
    /// </summary>
    public void Withdraw()
    {
        if (IsReleased)
        {
            throw new InvalidOperationException("A released entry is a report now; it is not withdrawn.");
        }
        MatchIndex = [];
        Sealed = [];
    }

    /// <summary>Withdrawn and waiting to be deleted and counted: never released, and nothing left in it.</summary>
    public bool IsWithdrawn => !IsReleased && MatchIndex.Length == 0;

    /// <summary>The π of an entry that is in no group any more (withdrawn, or erased with its report), for queries.</summary>
    public static readonly byte[] NoIndex = [];

    /// <summary><see cref="IsWithdrawn"/>, for queries.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<HeldEntry, bool>> Withdrawn = e => e.ReleasedAt == null && e.MatchIndex == NoIndex;

    public void Release(Guid reportId, DateTimeOffset now)
    {
        if (IsReleased)
        {
            throw new InvalidOperationException("The entry was already released.");
        }
        ReportId = reportId;
        ReleasedAt = now;
    }
}

/// <summary>
/// Tells a reporter that their held report was released because others named the same person. Shown on their
/// home page and the escrow page until they dismiss it. Made only at release, from the opened record.
/// </summary>
public sealed class EscrowNotice : IOrganisationOwned
{
    private EscrowNotice() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid PersonId { get; private set; }
    public Guid ReportId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? DismissedAt { get; private set; }

    public static EscrowNotice For(ReportRecord report, Guid personId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = report.OrganisationId,
        PersonId = personId,
        ReportId = report.Id,
        CreatedAt = now,
    };

    public void Dismiss(DateTimeOffset now) => DismissedAt ??= now;
}

public sealed class HeldEntryConfiguration : IEntityTypeConfiguration<HeldEntry>
{
    public void Configure(EntityTypeBuilder<HeldEntry> builder)
    {
        builder.ToTable("escrow_entries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.MatchIndex).HasMaxLength(HeldEntry.IndexLength);
        builder.Property(e => e.Sealed).HasMaxLength(HeldEntry.MaxSealedBytes);
        builder.Property(e => e.WithdrawalHash).HasMaxLength(HeldEntry.WithdrawalHashLength);
        builder.HasIndex(e => new { e.OrganisationId, e.MatchIndex });
        builder.HasIndex(e => e.WithdrawalHash).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(e => e.ReportId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class EscrowNoticeConfiguration : IEntityTypeConfiguration<EscrowNotice>
{
    public void Configure(EntityTypeBuilder<EscrowNotice> builder)
    {
        builder.ToTable("escrow_notices");
        builder.HasKey(n => n.Id);
        builder.HasIndex(n => new { n.PersonId, n.DismissedAt });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(n => n.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(n => n.PersonId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(n => n.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}
