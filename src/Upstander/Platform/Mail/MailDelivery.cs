using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Utils;
using Upstander.Platform.Auditing;
using Upstander.Platform.Data;
using Upstander.Platform.Jobs;
using Upstander.Platform.Protection;
using Upstander.Platform.Tenancy;

namespace Upstander.Platform.Mail;

/// <summary>What became of one attempt to hand a message to the mail server.</summary>
public enum MailOutcome
{
    Sent,

    /// <summary>A 5xx answer to the recipient: the address does not exist or is not accepted.</summary>
    AddressRefused,

    /// <summary>A 5xx answer to the message itself.</summary>
    MessageRefused,

    /// <summary>A 4xx answer about this message: try it again later.</summary>
    Deferred,

    /// <summary>The server could not be reached, signed in to or spoken to, or refused the sender: every waiting message waits.</summary>
    ServerProblem,
}

/// <summary>One connection to the mail server, opened at the first message and used for the whole batch.</summary>
public sealed class MailSession(MailOptions options, TimeProvider clock) : IAsyncDisposable
{
    // Checked at start (MailOptions.Problems), so it parses.
    private readonly MailboxAddress _from = new(options.FromName, MailboxAddress.Parse(options.From!).Address);
    private SmtpClient? _client;

    /// <summary>Why the last attempt failed, for the log: an SMTP status code or an exception type, never an address or text.</summary>
    public string? LastProblem { get; private set; }

    public async Task<MailOutcome> SendAsync(MailMessage message, CancellationToken ct)
    {
        MimeMessage mime;
        try
        {
            mime = Build(message);
        }
        catch (ParseException)
        {
            LastProblem = "the recipient's address could not be read";
            return MailOutcome.AddressRefused;
        }
        try
        {
            _client ??= await ConnectAsync(ct);
            await _client.SendAsync(mime, ct);
            return MailOutcome.Sent;
        }
        catch (SmtpCommandException ex)
        {
            LastProblem = $"SMTP {(int)ex.StatusCode} to {ex.ErrorCode}";
            if (_client is { IsConnected: false })
            {
                await CloseAsync();
            }
            var permanent = (int)ex.StatusCode >= 500;
            return ex.ErrorCode switch
            {
                SmtpErrorCode.RecipientNotAccepted => permanent ? MailOutcome.AddressRefused : MailOutcome.Deferred,
                SmtpErrorCode.MessageNotAccepted => permanent ? MailOutcome.MessageRefused : MailOutcome.Deferred,
                // A refused sender is the installation's settings, not this message: everything waits until it is mended.
                _ => MailOutcome.ServerProblem,
            };
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or AuthenticationException
            or SslHandshakeException or ServiceNotConnectedException or NotSupportedException or TimeoutException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LastProblem = ex.GetType().Name;
            await CloseAsync();
            return MailOutcome.ServerProblem;
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(30).TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.Host!, options.Port, options.SocketOptions, ct);
            if (!string.IsNullOrEmpty(options.UserName))
            {
                await client.AuthenticateAsync(options.UserName, options.Password!, ct);
            }
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private MimeMessage Build(MailMessage message)
    {
        var mime = new MimeMessage
        {
            Subject = message.Subject,
            Date = clock.GetUtcNow(),
            MessageId = MimeUtils.GenerateMessageId(_from.Domain),
            Body = new TextPart("plain") { Text = message.Text },
        };
        mime.From.Add(_from);
        var to = MailboxAddress.Parse(message.ToAddress);
        to.Name = message.ToName;
        mime.To.Add(to);
        // Tells mail systems not to answer it automatically (out-of-office replies).
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        return mime;
    }

    private async Task CloseAsync()
    {
        if (_client is null)
        {
            return;
        }
        try
        {
            if (_client.IsConnected)
            {
                await _client.DisconnectAsync(quit: true);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException or SmtpCommandException)
        {
            // Already gone; nothing to say goodbye to.
        }
        _client.Dispose();
        _client = null;
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}

/// <summary>
/// Hands one organisation's due messages to the mail server, one holder at a time across processes, and records what
/// became of each: sent (text wiped), refused (given up at once), or tried again later with a growing wait.
/// </summary>
public sealed class MailDelivery(
    AppDbContext db, FieldProtector protector, ExclusiveLocks locks, OrganisationScope scope, AuditLog audit,
    IOptions<MailOptions> options, TimeProvider clock, ILogger<MailDelivery> logger)
{
    public const string DeliverySection = "mail.delivery";
    public const int BatchSize = 100;

    /// <summary>Delivers up to <see cref="BatchSize"/> due messages; returns how many it handled (sent, refused or deferred).</summary>
    public async Task<int> DeliverAsync(CancellationToken ct)
    {
        var organisationId = scope.OrganisationId ?? throw new InvalidOperationException("Mail is delivered within one organisation.");
        await using var section = await locks.EnterAsync(db, DeliverySection, organisationId, ct);
        var now = clock.GetUtcNow();
        var due = await Due(db, now).OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Take(BatchSize).ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        await using var session = new MailSession(options.Value, clock);
        for (var i = 0; i < due.Count; i++)
        {
            var mail = due[i];
            var outcome = await session.SendAsync(MailOutbox.Open(protector, mail), ct);
            now = clock.GetUtcNow();
            switch (outcome)
            {
                case MailOutcome.Sent:
                    mail.Sent(now);
                    audit.Record(AuditActions.MailSent, "outgoing-mail", mail.Id, detail: $"purpose={mail.Purpose}");
                    break;
                case MailOutcome.AddressRefused or MailOutcome.MessageRefused:
                    mail.Refused(now, outcome == MailOutcome.AddressRefused ? MailFailures.AddressRefused : MailFailures.MessageRefused);
                    logger.LogWarning("The mail server refused an outgoing {Purpose} message ({Problem}); it will not be tried again.", mail.Purpose, session.LastProblem);
                    RecordIfGivenUp(mail);
                    break;
                case MailOutcome.Deferred:
                    mail.Deferred(now);
                    RecordIfGivenUp(mail);
                    break;
                default:
                    var waiting = due.Skip(i).ToList();
                    foreach (var left in waiting)
                    {
                        left.Deferred(now);
                        RecordIfGivenUp(left);
                    }
                    logger.LogWarning("The mail server {Host}:{Port} could not take mail ({Problem}); {Count} messages wait for the next attempt.",
                        options.Value.Host, options.Value.Port, session.LastProblem, waiting.Count(m => m.IsWaiting));
                    await db.SaveChangesAsync(ct);
                    return due.Count;
            }
            // Saved one by one, so a message that went is never sent again after a crash later in the batch.
            await db.SaveChangesAsync(ct);
        }
        return due.Count;
    }

    /// <summary>Messages waiting whose time has come, in whatever organisations the context can see.</summary>
    public static IQueryable<OutgoingMail> Due(AppDbContext db, DateTimeOffset now) =>
        db.Set<OutgoingMail>().Where(m => m.SentAt == null && m.FailedAt == null && m.NextAttemptAt <= now);

    private void RecordIfGivenUp(OutgoingMail mail)
    {
        if (mail.FailedAt is not null)
        {
            audit.Record(AuditActions.MailFailed, "outgoing-mail", mail.Id, detail: $"purpose={mail.Purpose} reason={mail.Failure}");
        }
    }
}

/// <summary>
/// Delivers the outbox: woken as soon as new mail is committed, and every minute for retries. Runs only when a mail
/// server is configured.
/// </summary>
public sealed class MailDeliveryJob(IServiceScopeFactory scopes, MailSignal signal, IOptions<MailOptions> options, TimeProvider clock, ILogger<MailDeliveryJob> logger)
    : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval { get; } = TimeSpan.FromMinutes(1);

    protected override Task? Woken => signal.Next;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled ? base.ExecuteAsync(stoppingToken) : Task.CompletedTask;

    /// <summary>One pass over every organisation with due mail; when one filled a batch (more may wait), wakes the next pass at once.</summary>
    public override async Task RunOnceAsync(CancellationToken ct)
    {
        List<Guid> organisations;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            organisations = await MailDelivery.Due(db, Clock.GetUtcNow()).IgnoreQueryFilters().Select(m => m.OrganisationId).Distinct().ToListAsync(ct);
        }
        await EveryOrganisation.EachAsync(scopes, organisations, async s =>
        {
            if (await s.GetRequiredService<MailDelivery>().DeliverAsync(ct) >= MailDelivery.BatchSize)
            {
                signal.Wake();
            }
        }, logger, "Mail delivery");
    }
}
