using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Upstander.Platform.Data;
using Upstander.Platform.Protection;

namespace Upstander.Platform.Mail;

/// <summary>Wakes the delivery job when new mail has been saved, so it goes out in seconds instead of at the next interval.</summary>
public sealed class MailSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next <see cref="Wake"/>; take it before looking for work, so a wake during the pass is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Wake() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

/// <summary>Where one message stands, without its (sealed) content.</summary>
public sealed record MailState(int Attempts, DateTimeOffset? SentAt, DateTimeOffset? FailedAt, string? Failure)
{
    /// <summary>sent, failed or waiting.</summary>
    public string Status => SentAt is not null ? "sent" : FailedAt is not null ? "failed" : "waiting";
}

/// <summary>
/// Puts messages in the outbox, in the caller's unit of work: the message exists exactly when what it is about was
/// saved (an invitation and its email commit together), and the delivery job is woken once that is committed.
/// </summary>
public sealed class MailOutbox(AppDbContext db, FieldProtector protector, IOptions<MailOptions> options, MailSignal signal, TimeProvider clock)
{
    /// <summary>Whether a mail server is configured; without one nothing is queued and pages offer the link instead.</summary>
    public bool Enabled => options.Value.Enabled;

    public OutgoingMail Queue(Guid organisationId, string purpose, Guid about, MailMessage message)
    {
        if (!Enabled)
        {
            throw new InvalidOperationException("No mail server is configured (Mail:Host).");
        }
        var json = JsonSerializer.Serialize(message);
        var mail = OutgoingMail.Queue(organisationId, purpose, about, clock.GetUtcNow(), id => protector.Seal(json, OutgoingMail.MessagePurpose, id));
        db.Set<OutgoingMail>().Add(mail);
        // Woken only once the message is committed: a pass that ran earlier would not see it, and wait a whole interval.
        db.AfterCommit(signal.Wake);
        return mail;
    }

    /// <summary>Removes mail about <paramref name="about"/> that has not gone yet (a withdrawn invitation must not arrive later).</summary>
    public async Task CancelWaitingAsync(Guid about, CancellationToken ct)
    {
        var waiting = await db.Set<OutgoingMail>().Where(m => m.About == about && m.SentAt == null && m.FailedAt == null).ToListAsync(ct);
        db.Set<OutgoingMail>().RemoveRange(waiting);
    }

    /// <summary>Where the newest message about each of <paramref name="about"/> stands, for pages that list what mail went.</summary>
    public async Task<Dictionary<Guid, MailState>> LatestAboutAsync(IReadOnlyCollection<Guid> about, CancellationToken ct)
    {
        var rows = await db.Set<OutgoingMail>().Where(m => about.Contains(m.About))
            .Select(m => new { m.About, m.CreatedAt, State = new MailState(m.Attempts, m.SentAt, m.FailedAt, m.Failure) })
            .ToListAsync(ct);
        return rows.GroupBy(m => m.About).ToDictionary(g => g.Key, g => g.MaxBy(m => m.CreatedAt)!.State);
    }

    public static MailMessage Open(FieldProtector protector, OutgoingMail mail) =>
        JsonSerializer.Deserialize<MailMessage>(protector.Open(mail.Sealed, OutgoingMail.MessagePurpose, mail.Id))
        ?? throw new InvalidOperationException("An outgoing message could not be read.");
}
