using MailKit.Security;
using MimeKit;

namespace Upstander.Platform.Mail;

/// <summary>How the connection to the mail server is protected.</summary>
public enum MailSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS; refused if the server does not offer it (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,

    /// <summary>No encryption: allowed only to a relay on this machine (loopback), which then carries the mail on.</summary>
    None,
}

/// <summary>
/// The outgoing mail server (section <c>Mail</c>). With no <see cref="Host"/>, Upstander sends no mail and the admin
/// pages say so: invitation links are then shown to the admin to deliver.
/// </summary>
public sealed class MailOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public MailSecurity Security { get; set; } = MailSecurity.StartTls;

    /// <summary>Both or neither; give the password by environment (<c>Mail__Password</c>) or a secret store, not appsettings.json.</summary>
    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>The sender address people see, for example <c>upstander@example.org</c>.</summary>
    public string? From { get; set; }
    public string FromName { get; set; } = "Upstander";

    /// <summary>Sent and undeliverable messages are kept (their text wiped) this many days for the invitations page, then removed.</summary>
    public int KeepDays { get; set; } = 30;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public SecureSocketOptions SocketOptions => Security switch
    {
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        MailSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };

    /// <summary>Every problem with the settings, in sentences an operator can act on; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled)
        {
            return problems;
        }
        if (Port is < 1 or > 65535)
        {
            problems.Add($"Mail:Port must be between 1 and 65535 (it is {Port}).");
        }
        if (string.IsNullOrWhiteSpace(From) || !MailboxAddress.TryParse(From, out var from) || from.Address.Contains(' ', StringComparison.Ordinal) || !from.Address.Contains('@', StringComparison.Ordinal))
        {
            problems.Add("Mail:From must be the sender's address, for example upstander@example.org.");
        }
        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
        {
            problems.Add("Mail:UserName and Mail:Password go together: give both, or neither for a server that needs no sign-in.");
        }
        if (Security == MailSecurity.None && !Startup.IsLoopback(Host!))
        {
            problems.Add($"Mail:Security None sends invitation links unencrypted, so it is allowed only to a relay on this machine (localhost), not to {Host}. Use StartTls (port 587) or Tls (port 465).");
        }
        if (KeepDays < 1)
        {
            problems.Add("Mail:KeepDays must be 1 or more.");
        }
        return problems;
    }
}
