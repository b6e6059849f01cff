using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.SpeakUp.Reports;

/// <summary>How a report was sent (stored by name).</summary>
public enum ReportWay
{
    /// <summary>Signed in, with the reporter's name (which they may ask to be held back from case managers).</summary>
    Named,

    /// <summary>Without signing in: no account, no network or device data; followed up with a receipt and passphrase.</summary>
    Anonymous,

    /// <summary>Held in escrow until enough people named the same person, then released (see docs/escrow.md).</summary>
    Escrow,
}

/// <summary>Where a case stands (stored by name). Every change is a <see cref="ReportEvent"/> with a reason.</summary>
public enum ReportStatus
{
    Received,
    Acknowledged,
    Assessing,
    Investigating,
    Resolved,
    Closed,
}

/// <summary>
/// A report of bullying and the case that handles it. What the reporter wrote (their account and the prompts'
/// answers) and who was involved (named people's directory ids, descriptions of others, witnesses) are sealed with
/// FieldProtector under <see cref="AccountPurpose"/> and <see cref="InvolvedPurpose"/> and this row's id. Nothing
/// about the reporter's network or device is stored, for any way of sending. Deadlines follow the EU Whistleblower
/// Directive: acknowledge within 7 days, feedback within 3 months of receipt.
/// </summary>
public sealed class ReportRecord : IOrganisationOwned
{
    public const string AccountPurpose = "speak-up.report-account";
    public const string InvolvedPurpose = "speak-up.report-involved";
    public const int AcknowledgeDays = 7;
    public const int FeedbackMonths = 3;

    private ReportRecord() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public ReportWay Way { get; private set; }

    /// <summary>The reporter's directory id for named and escrow reports; null for anonymous ones.</summary>
    public Guid? ReporterId { get; private set; }

    /// <summary>A named reporter asked that case managers see only <see cref="Pseudonym"/> until a custodian approves a reveal.</summary>
    public bool IdentityHeld { get; private set; }

    /// <summary>What case managers call the reporter when the name is not theirs to see (anonymous, held, escrow until revealed).</summary>
    public string Pseudonym { get; private set; } = "";

    /// <summary>A category key chosen by the reporter (routing and aggregate insight).</summary>
    public string Category { get; private set; } = "";

    /// <summary>Where it happened, for routing: a department (optional) and a location (free, short, e.g. a site or country code).</summary>
    public Guid? DepartmentId { get; private set; }
    public string? Location { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }
    public DateTimeOffset AcknowledgeBy { get; private set; }
    public DateTimeOffset FeedbackBy { get; private set; }
    public DateTimeOffset? AcknowledgedAt { get; private set; }
    public DateTimeOffset? FeedbackGivenAt { get; private set; }
    public ReportStatus Status { get; private set; } = ReportStatus.Received;
    public DateTimeOffset StatusChangedAt { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>The case manager working the case; null while it waits in the intake queue.</summary>
    public Guid? AssigneeId { get; private set; }

    /// <summary>The reporter's account: free recall, then the prompts' answers (sealed JSON).</summary>
    public string? AccountSealed { get; private set; }

    /// <summary>Who was involved: named people's ids, descriptions of others, witnesses (sealed JSON).</summary>
    public string? InvolvedSealed { get; private set; }

    /// <summary>
    /// For following up without an account: a keyed hash of the 16-digit receipt (unique), and the passphrase's slow
    /// hash. Every anonymous report has them; a named or escrow report has them when its reporter set up a receipt.
    /// </summary>
    public string? ReceiptLookup { get; private set; }
    public string? PassphraseHash { get; private set; }

    /// <summary>Whether a receipt and passphrase open this report (until retention erases the passphrase's hash).</summary>
    public bool HasReceipt => PassphraseHash is not null;

    /// <summary>
    /// The reporter last said, at a retaliation check-in, that they have been treated worse since reporting (each yes moves
    /// it on, so a yes after a case closed shows as such; every yes is also a "retaliation-flagged" event).
    /// </summary>
    public DateTimeOffset? RetaliationFlaggedAt { get; private set; }

    /// <summary>
    /// The <see cref="RetaliationFlaggedAt"/> of the latest flag a case manager who may work the case has seen: set when
    /// one opens the case (its page shows the flag first) to the flag it showed, so a yes that comes while the page is
    /// read is not taken as seen. A yes since closing keeps a closed case past retention until it is seen
    /// (<see cref="Cases.CaseRetention"/>).
    /// </summary>
    public DateTimeOffset? RetaliationFlagSeen { get; private set; }

    /// <summary>When retention removed the case's content (account, involved, messages, notes, files).</summary>
    public DateTimeOffset? ContentErasedAt { get; private set; }

    /// <summary>
    /// Retention has erased the case's content: the case is finished, and nothing more is sent or answered on it (it would
    /// be stored where no case manager sees it and no retention pass deletes it).
    /// </summary>
    public bool ContentErased => ContentErasedAt is not null;

    public bool IsOpen => Status != ReportStatus.Closed;

    public static ReportRecord Receive(Guid organisationId, ReportWay way, Guid? reporterId, bool identityHeld, string pseudonym,
        string category, Guid? departmentId, string? location, DateTimeOffset now)
    {
        if (way == ReportWay.Anonymous && reporterId is not null)
        {
            throw new ArgumentException("An anonymous report has no reporter id.", nameof(reporterId));
        }
        if (way != ReportWay.Anonymous && reporterId is null)
        {
            throw new ArgumentException("A named or escrow report has its reporter's id.", nameof(reporterId));
        }
        return new()
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            Way = way,
            ReporterId = reporterId,
            IdentityHeld = way != ReportWay.Named || identityHeld,
            Pseudonym = pseudonym,
            Category = category,
            DepartmentId = departmentId,
            Location = location,
            ReceivedAt = now,
            AcknowledgeBy = now.AddDays(AcknowledgeDays),
            FeedbackBy = now.AddMonths(FeedbackMonths),
            StatusChangedAt = now,
        };
    }

    public void Seal(string? account, string? involved) => (AccountSealed, InvolvedSealed) = (account, involved);

    public void SetReceipt(string lookup, string passphraseHash) => (ReceiptLookup, PassphraseHash) = (lookup, passphraseHash);

    /// <summary>A named reporter withdraws their receipt: only their account opens the report again.</summary>
    public void WithdrawReceipt()
    {
        if (Way == ReportWay.Anonymous)
        {
            throw new InvalidOperationException("An anonymous report is opened only by its receipt.");
        }
        (ReceiptLookup, PassphraseHash) = (null, null);
    }

    /// <summary>Moves the case to <paramref name="to"/>; the caller records the <see cref="ReportEvent"/> with its reason.</summary>
    public void MoveTo(ReportStatus to, DateTimeOffset now)
    {
        if (to == Status)
        {
            throw new InvalidOperationException($"The case is already {Status}.");
        }
        if (Status == ReportStatus.Closed && to != ReportStatus.Assessing)
        {
            throw new InvalidOperationException("A closed case can only be reopened for assessment.");
        }
        if (to == ReportStatus.Received)
        {
            throw new InvalidOperationException("A case cannot go back to received.");
        }
        Status = to;
        StatusChangedAt = now;
        AcknowledgedAt ??= now;
        ClosedAt = to == ReportStatus.Closed ? now : null;
    }

    /// <summary>The first feedback to the reporter on what is being done (a message from the case side counts).</summary>
    public void FeedbackGiven(DateTimeOffset now) => FeedbackGivenAt ??= now;

    public void Assign(Guid? caseManagerId) => AssigneeId = caseManagerId;

    /// <summary>A custodian approved revealing the reporter's identity to case managers.</summary>
    public void Reveal() => IdentityHeld = false;

    public void FlagRetaliation(DateTimeOffset now) => RetaliationFlaggedAt = now;

    /// <summary>Whether the flag has been raised again since a case manager who may work the case last saw it (or was never seen).</summary>
    public bool RetaliationUnseen => RetaliationFlaggedAt is { } flagged && !(RetaliationFlagSeen >= flagged);

    /// <summary>A case manager who may work the case has opened it, and so seen the flag as this copy of the case has it.</summary>
    public void RetaliationSeen() => RetaliationFlagSeen = RetaliationFlaggedAt;

    /// <summary>A closed case whose reporter said at a check-in, after it closed, that they are being treated worse.</summary>
    public bool RetaliationSinceClosed => Status == ReportStatus.Closed && RetaliationFlaggedAt > ClosedAt;

    /// <summary>
    /// Whether the case waits in the intake queue, and counts on the home page, while nobody holds it: an open case, or a
    /// closed one whose reporter has said at a check-in since it closed that they are being treated worse (a closed one
    /// also waits while its reporter has written something no case manager has read, see <see cref="Cases.CaseRow"/>).
    /// </summary>
    public bool WaitsForAHolder => IsOpen || RetaliationSinceClosed;

    /// <summary>Retention: forgets what was written and who was involved; dates, category and status stay for aggregate insight.</summary>
    public void EraseContent(DateTimeOffset now)
    {
        if (IsOpen)
        {
            throw new InvalidOperationException("Only a closed case's content can be erased.");
        }
        AccountSealed = null;
        InvolvedSealed = null;
        PassphraseHash = null;
        ContentErasedAt = now;
    }
}

/// <summary>One thing that happened to a case: a status change with its reason key, an assignment, a reveal. No content.</summary>
public sealed class ReportEvent : IOrganisationOwned
{
    public const int KeyMaxLength = 40;

    /// <summary>A change of status (<see cref="FromStatus"/>, <see cref="ToStatus"/>, the reason from the status's list).</summary>
    public const string StatusKind = "status";

    /// <summary>An outcome recorded: <see cref="Reason"/> is the outcome's key. Kept when it changes, so insight reads the outcome a case had at a moment.</summary>
    public const string OutcomeKind = "outcome";

    private ReportEvent() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ReportId { get; private set; }
    public DateTimeOffset At { get; private set; }

    /// <summary>What happened, e.g. "status", "outcome", "assigned", "handed-over", "identity-revealed", "retaliation-flagged".</summary>
    public string Kind { get; private set; } = "";
    public ReportStatus? FromStatus { get; private set; }
    public ReportStatus? ToStatus { get; private set; }

    /// <summary>A reason key from a fixed list (shown localized; never free text).</summary>
    public string? Reason { get; private set; }

    /// <summary>Who did it (a case manager, custodian or the system: null).</summary>
    public Guid? ActorId { get; private set; }

    public static ReportEvent Record(ReportRecord report, string kind, ReportStatus? from, ReportStatus? to, string? reason, Guid? actorId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = report.OrganisationId,
        ReportId = report.Id,
        At = now,
        Kind = kind,
        FromStatus = from,
        ToStatus = to,
        Reason = reason,
        ActorId = actorId,
    };
}

/// <summary>
/// A message between the reporter and the case side, numbered within the report; the body is sealed with
/// <see cref="BodyPurpose"/> and the row id. <see cref="FromReporter"/> messages have no author id when the
/// report is anonymous (or the identity is held), so the case side never learns it from a message.
/// </summary>
public sealed class ReportMessage : IOrganisationOwned
{
    public const string BodyPurpose = "speak-up.report-message";
    public const int BodyMaxLength = 5000;

    private ReportMessage() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ReportId { get; private set; }
    public int Number { get; private set; }
    public DateTimeOffset SentAt { get; private set; }
    public bool FromReporter { get; private set; }

    /// <summary>The case manager who wrote it; null for the reporter's messages.</summary>
    public Guid? AuthorId { get; private set; }
    public string? BodySealed { get; private set; }

    /// <summary>When the other side first read it.</summary>
    public DateTimeOffset? ReadAt { get; private set; }

    public static ReportMessage Write(ReportRecord report, int number, bool fromReporter, Guid? authorId, DateTimeOffset now)
    {
        if (fromReporter && authorId is not null)
        {
            throw new ArgumentException("A reporter's message carries no author id.", nameof(authorId));
        }
        return new()
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = report.OrganisationId,
            ReportId = report.Id,
            Number = number,
            SentAt = now,
            FromReporter = fromReporter,
            AuthorId = authorId,
        };
    }

    public void SealBody(string? sealedBody) => BodySealed = sealedBody;

    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;
}

public sealed class ReportRecordConfiguration : IEntityTypeConfiguration<ReportRecord>
{
    public void Configure(EntityTypeBuilder<ReportRecord> builder)
    {
        builder.ToTable("reports");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Way).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Pseudonym).HasMaxLength(60);
        builder.Property(r => r.Category).HasMaxLength(40);
        builder.Property(r => r.Location).HasMaxLength(100);
        builder.Property(r => r.ReceiptLookup).HasMaxLength(100);
        builder.Property(r => r.PassphraseHash).HasMaxLength(200);
        builder.HasIndex(r => new { r.OrganisationId, r.Status });
        builder.HasIndex(r => r.ReceiptLookup).IsUnique();
        builder.HasIndex(r => r.ReporterId);
        builder.HasIndex(r => r.AssigneeId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.ReporterId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.AssigneeId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Department>().WithMany().HasForeignKey(r => r.DepartmentId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class ReportEventConfiguration : IEntityTypeConfiguration<ReportEvent>
{
    public void Configure(EntityTypeBuilder<ReportEvent> builder)
    {
        builder.ToTable("report_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasMaxLength(ReportEvent.KeyMaxLength);
        builder.Property(e => e.Reason).HasMaxLength(ReportEvent.KeyMaxLength);
        builder.Property(e => e.FromStatus).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.ToStatus).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(e => new { e.ReportId, e.At });
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(e => e.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ReportMessageConfiguration : IEntityTypeConfiguration<ReportMessage>
{
    public void Configure(EntityTypeBuilder<ReportMessage> builder)
    {
        builder.ToTable("report_messages");
        builder.HasKey(m => m.Id);
        builder.HasIndex(m => new { m.ReportId, m.Number }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<ReportRecord>().WithMany().HasForeignKey(m => m.ReportId).OnDelete(DeleteBehavior.Cascade);
    }
}
