using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Upstander.Platform.Tenancy;

namespace Upstander.Platform.Mail;

/// <summary>Why a message was given up on, as the invitations page explains it.</summary>
public static class MailFailures
{
    /// <summary>The server refused the recipient's address (a 5xx answer to RCPT).</summary>
    public const string AddressRefused = "address-refused";

    /// <summary>The server refused the message itself or the sender (a 5xx answer to MAIL or DATA).</summary>
    public const string MessageRefused = "message-refused";

    /// <summary>Every attempt over about a day (14 attempts, see <see cref="OutgoingMail.WaitAfter"/>) failed for a reason that might have passed (server unreachable, 4xx answers).</summary>
    public const string GaveUp = "gave-up";
}

/// <summary>
/// One message waiting in the outbox, or the record that it went (or could not). The recipient, subject and text are
/// sealed together (they can hold a one-time link) and wiped once the message has gone or been given up on; what
/// stays is what it was for, when it went and, if it failed, why.
/// </summary>
public sealed class OutgoingMail : IOrganisationOwned
{
    public const string MessagePurpose = "mail.message";
    public const int MaxAttempts = 14;
    public const int PurposeMaxLength = 40;
    public const int FailureMaxLength = 40;
    public static readonly TimeSpan LongestWait = TimeSpan.FromHours(4);

    private OutgoingMail() { }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }

    /// <summary>What the message is for, for example <c>invitation</c>.</summary>
    public string Purpose { get; private set; } = "";

    /// <summary>The row the message is about (the invitation, the certificate), so the page about it can say whether it went.</summary>
    public Guid About { get; private set; }

    /// <summary>The sealed <see cref="MailMessage"/>; empty once the message has gone or been given up on.</summary>
    public string Sealed { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public DateTimeOffset? FailedAt { get; private set; }
    public string? Failure { get; private set; }

    public bool IsWaiting => SentAt is null && FailedAt is null;

    public static OutgoingMail Queue(Guid organisationId, string purpose, Guid about, DateTimeOffset now, Func<Guid, string> seal)
    {
        var id = Guid.CreateVersion7();
        return new OutgoingMail
        {
            Id = id,
            OrganisationId = organisationId,
            Purpose = purpose,
            About = about,
            Sealed = seal(id),
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    public void Sent(DateTimeOffset now)
    {
        SentAt = now;
        Attempts++;
        Sealed = "";
    }

    /// <summary>A refusal that will not change by trying again: given up at once.</summary>
    public void Refused(DateTimeOffset now, string failure)
    {
        Attempts++;
        GiveUp(now, failure);
    }

    /// <summary>A failure that may pass: tried again after a wait that doubles from a minute up to <see cref="LongestWait"/>, at most <see cref="MaxAttempts"/> times.</summary>
    public void Deferred(DateTimeOffset now)
    {
        Attempts++;
        if (Attempts >= MaxAttempts)
        {
            GiveUp(now, MailFailures.GaveUp);
            return;
        }
        NextAttemptAt = now + WaitAfter(Attempts);
    }

    /// <summary>The wait after the given number of failed attempts: 1, 2, 4 … minutes, never more than <see cref="LongestWait"/>.</summary>
    public static TimeSpan WaitAfter(int attempts)
    {
        var minutes = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        return TimeSpan.FromMinutes(Math.Min(minutes, LongestWait.TotalMinutes));
    }

    private void GiveUp(DateTimeOffset now, string failure)
    {
        FailedAt = now;
        Failure = failure;
        Sealed = "";
    }
}

/// <summary>What is sealed in <see cref="OutgoingMail.Sealed"/>: plain text only, no HTML and nothing that reports when it is read.</summary>
public sealed record MailMessage(string ToAddress, string ToName, string Subject, string Text);

public sealed class OutgoingMailConfiguration : IEntityTypeConfiguration<OutgoingMail>
{
    public void Configure(EntityTypeBuilder<OutgoingMail> builder)
    {
        builder.ToTable("outgoing_mail");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Purpose).HasMaxLength(OutgoingMail.PurposeMaxLength).IsRequired();
        builder.Property(m => m.Sealed).IsRequired();
        builder.Property(m => m.Failure).HasMaxLength(OutgoingMail.FailureMaxLength);
        builder.HasIndex(m => m.NextAttemptAt);
        builder.HasIndex(m => new { m.OrganisationId, m.About });
        builder.HasOne<Features.Organisations.Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
