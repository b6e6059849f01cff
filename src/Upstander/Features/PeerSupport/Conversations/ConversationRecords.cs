using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Features.PeerSupport.Requests;
using Upstander.Features.PeerSupport.Resources;
using Upstander.Features.PeerSupport.Safety;
using Upstander.Features.People;
using Upstander.Platform.Tenancy;

namespace Upstander.Features.PeerSupport.Conversations;

/// <summary>Which side of a conversation someone is on (stored by key).</summary>
public static class ConversationSide
{
    public const string Requester = "requester";
    public const string Supporter = "supporter";
}

/// <summary>What a message in the thread is (stored by key).</summary>
public static class MessageKind
{
    /// <summary>Something one side wrote.</summary>
    public const string Text = "text";

    /// <summary>The supporter points the requester to a resource from the directory (shown as its card).</summary>
    public const string Referral = "referral";

    /// <summary>The supporter proposes a handover to a resource; it takes effect only when the requester consents.</summary>
    public const string Handover = "handover";
}

/// <summary>The requester's answer to a proposed handover (stored by key).</summary>
public static class HandoverConsent
{
    public const string Given = "given";
    public const string Declined = "declined";
}

/// <summary>
/// One message in a conversation (the conversation id is the request id). Numbered from 1 within the
/// conversation, so read state and the live view can ask for "everything after number N". What was written
/// (or the supporter's note with a referral) is sealed with <see cref="BodyPurpose"/> and this row's id.
/// </summary>
public sealed class ConversationMessage : IOrganisationOwned
{
    public const string BodyPurpose = "peer-support.conversation-message";
    public const int BodyMaxLength = 4000;
    public const int ReferralNoteMaxLength = 1000;

    private ConversationMessage() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RequestId { get; private set; }
    public int Number { get; private set; }
    public DateTimeOffset SentAt { get; private set; }

    /// <summary>The person who wrote it; null once they have left the directory.</summary>
    public Guid? AuthorId { get; private set; }

    /// <summary>A <see cref="ConversationSide"/> key.</summary>
    public string AuthorSide { get; private set; } = "";

    /// <summary>A <see cref="MessageKind"/> key.</summary>
    public string Kind { get; private set; } = MessageKind.Text;
    public string? BodySealed { get; private set; }

    /// <summary>The directory entry a referral or handover points to.</summary>
    public Guid? ResourceId { get; private set; }

    /// <summary>A <see cref="HandoverConsent"/> key once the requester answered a handover; null while it waits.</summary>
    public string? Consent { get; private set; }
    public DateTimeOffset? ConsentAt { get; private set; }

    /// <summary>What the safety screen found in a message the requester wrote (<see cref="RiskLevel.None"/> for everything else); never the words.</summary>
    public RiskLevel Risk { get; private set; }

    public static ConversationMessage Write(Guid organisationId, Guid requestId, int number, Guid authorId, string side, string kind, Guid? resourceId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        RequestId = requestId,
        Number = number,
        SentAt = now,
        AuthorId = authorId,
        AuthorSide = side,
        Kind = kind,
        ResourceId = resourceId,
    };

    public void SealBody(string? sealedBody) => BodySealed = sealedBody;

    public void MarkRisk(RiskLevel risk) => Risk = risk;

    public void Answer(string consent, DateTimeOffset now)
    {
        if (Kind != MessageKind.Handover || Consent is not null)
        {
            throw new InvalidOperationException("Only a handover still waiting for consent can be answered.");
        }
        if (consent is not (HandoverConsent.Given or HandoverConsent.Declined))
        {
            throw new ArgumentException($"\"{consent}\" is not an answer to a handover.", nameof(consent));
        }
        Consent = consent;
        ConsentAt = now;
    }
}

/// <summary>
/// A supporter's private notes on one conversation: one note per supporter and conversation, sealed with
/// <see cref="NotePurpose"/> and the row id, readable by that supporter only.
/// </summary>
public sealed class SupporterNote : IOrganisationOwned
{
    public const string NotePurpose = "peer-support.supporter-note";
    public const int NoteMaxLength = 4000;

    private SupporterNote() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid SupporterId { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public string NoteSealed { get; private set; } = "";

    public static SupporterNote Start(Guid organisationId, Guid requestId, Guid supporterId) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        RequestId = requestId,
        SupporterId = supporterId,
    };

    public void Seal(string sealedNote, DateTimeOffset now) => (NoteSealed, UpdatedAt) = (sealedNote, now);
}

/// <summary>Where a proposed call or meeting stands (stored by name).</summary>
public enum MeetingStatus
{
    Proposed,
    Accepted,
    Declined,
}

/// <summary>How the two sides will meet (stored by key).</summary>
public static class MeetingMode
{
    public static readonly IReadOnlyList<(string Key, string Label)> All =
    [
        ("call", "A call"),
        ("video", "A video call"),
        ("in-person", "In person"),
    ];

    public static bool IsKnown(string? key) => All.Any(m => m.Key == key);

    public static string Label(string key) => All.FirstOrDefault(m => m.Key == key).Label ?? key;
}

/// <summary>
/// A call or meeting one side proposes: one to three times (UTC), a duration, how, and an optional place
/// sealed with <see cref="PlacePurpose"/> and the row id. The other side accepts one of the times or declines.
/// </summary>
public sealed class ConversationMeeting : IOrganisationOwned
{
    public const string PlacePurpose = "peer-support.meeting-place";
    public const int PlaceMaxLength = 300;
    public static readonly IReadOnlyList<int> Durations = [15, 30, 45, 60, 90];

    private ConversationMeeting() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RequestId { get; private set; }

    /// <summary>A <see cref="ConversationSide"/> key.</summary>
    public string ProposedBy { get; private set; } = "";
    public DateTimeOffset ProposedAt { get; private set; }
    public DateTimeOffset Option1 { get; private set; }
    public DateTimeOffset? Option2 { get; private set; }
    public DateTimeOffset? Option3 { get; private set; }
    public int DurationMinutes { get; private set; }

    /// <summary>A <see cref="MeetingMode"/> key.</summary>
    public string Mode { get; private set; } = "";
    public string? PlaceSealed { get; private set; }
    public MeetingStatus Status { get; private set; }
    public DateTimeOffset? AcceptedStart { get; private set; }
    public DateTimeOffset? AnsweredAt { get; private set; }

    public IReadOnlyList<DateTimeOffset> Options => [Option1, .. new[] { Option2, Option3 }.Where(o => o is not null).Select(o => o!.Value)];

    public DateTimeOffset? AcceptedEnd => AcceptedStart?.AddMinutes(DurationMinutes);

    public static ConversationMeeting Propose(Guid organisationId, Guid requestId, string side, IReadOnlyList<DateTimeOffset> options, int durationMinutes, string mode, DateTimeOffset now)
    {
        if (options.Count is < 1 or > 3)
        {
            throw new ArgumentException("A proposal has one to three times.", nameof(options));
        }
        return new()
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            RequestId = requestId,
            ProposedBy = side,
            ProposedAt = now,
            Option1 = options[0],
            Option2 = options.Count > 1 ? options[1] : null,
            Option3 = options.Count > 2 ? options[2] : null,
            DurationMinutes = durationMinutes,
            Mode = mode,
            Status = MeetingStatus.Proposed,
        };
    }

    public void SealPlace(string? sealedPlace) => PlaceSealed = sealedPlace;

    public void Accept(int option, DateTimeOffset now)
    {
        RequireProposed();
        AcceptedStart = Options[option];
        Status = MeetingStatus.Accepted;
        AnsweredAt = now;
    }

    public void Decline(DateTimeOffset now)
    {
        RequireProposed();
        Status = MeetingStatus.Declined;
        AnsweredAt = now;
    }

    private void RequireProposed()
    {
        if (Status != MeetingStatus.Proposed)
        {
            throw new InvalidOperationException("This proposal has already been answered.");
        }
    }
}

/// <summary>
/// How far one participant has read a conversation (the highest message number they have seen), how far an email notice
/// of new messages has told them (<see cref="NotifiedUpTo"/>), and whether they want such notices here.
/// </summary>
public sealed class ConversationRead : IOrganisationOwned
{
    private ConversationRead() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid RequestId { get; private set; }
    public Guid PersonId { get; private set; }
    public int LastReadNumber { get; private set; }
    public DateTimeOffset ReadAt { get; private set; }

    /// <summary>The highest message number the last email notice of new messages was about (0: none yet).</summary>
    public int NotifiedUpTo { get; private set; }

    /// <summary>
    /// Whether this participant is emailed about new messages in this conversation: their own choice, or null while they
    /// have not chosen (then the side's default holds, <see cref="MessageNotices.ByDefault"/>).
    /// </summary>
    public bool? EmailNotices { get; private set; }

    public static ConversationRead Start(Guid organisationId, Guid requestId, Guid personId) => new()
    {
        Id = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        RequestId = requestId,
        PersonId = personId,
    };

    /// <summary>Moves forward only: an older page or poll never marks newer messages unread again.</summary>
    public void ReadUpTo(int number, DateTimeOffset now)
    {
        if (number > LastReadNumber)
        {
            LastReadNumber = number;
            ReadAt = now;
        }
    }

    /// <summary>An email notice has told them of the other side's messages up to <paramref name="number"/>.</summary>
    public void Notified(int number) => NotifiedUpTo = Math.Max(NotifiedUpTo, number);

    public void ChooseNotices(bool on) => EmailNotices = on;
}

public sealed class ConversationMessageConfiguration : IEntityTypeConfiguration<ConversationMessage>
{
    public void Configure(EntityTypeBuilder<ConversationMessage> builder)
    {
        builder.ToTable("support_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.AuthorSide).HasMaxLength(20);
        builder.Property(m => m.Kind).HasMaxLength(20);
        builder.Property(m => m.Consent).HasMaxLength(20);
        builder.HasIndex(m => new { m.RequestId, m.Number }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SupportRequestRecord>().WithMany().HasForeignKey(m => m.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(m => m.AuthorId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<SupportResource>().WithMany().HasForeignKey(m => m.ResourceId).OnDelete(DeleteBehavior.SetNull);
    }
}

public sealed class SupporterNoteConfiguration : IEntityTypeConfiguration<SupporterNote>
{
    public void Configure(EntityTypeBuilder<SupporterNote> builder)
    {
        builder.ToTable("support_notes");
        builder.HasKey(n => n.Id);
        builder.HasIndex(n => new { n.RequestId, n.SupporterId }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(n => n.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SupportRequestRecord>().WithMany().HasForeignKey(n => n.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(n => n.SupporterId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ConversationMeetingConfiguration : IEntityTypeConfiguration<ConversationMeeting>
{
    public void Configure(EntityTypeBuilder<ConversationMeeting> builder)
    {
        builder.ToTable("support_meetings");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.ProposedBy).HasMaxLength(20);
        builder.Property(m => m.Mode).HasMaxLength(20);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(m => m.RequestId);
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SupportRequestRecord>().WithMany().HasForeignKey(m => m.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ConversationReadConfiguration : IEntityTypeConfiguration<ConversationRead>
{
    public void Configure(EntityTypeBuilder<ConversationRead> builder)
    {
        builder.ToTable("support_conversation_reads");
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.RequestId, r.PersonId }).IsUnique();
        builder.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<SupportRequestRecord>().WithMany().HasForeignKey(r => r.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Person>().WithMany().HasForeignKey(r => r.PersonId).OnDelete(DeleteBehavior.Cascade);
    }
}
