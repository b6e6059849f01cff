using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

/// <summary>
/// Invites, as employees, everyone in the directory who has no account and no waiting invitation. With a mail
/// server configured each person is emailed their link and no link is shown; without one the links are shown once
/// on the result page, with a CSV of name, email and link built into the same page (a data: link), so they never
/// have to be stored to be downloaded.
/// </summary>
[Authorize(Roles = Roles.Admin)]
[EnableRateLimiting(RateLimitPolicies.Invitations)]
public sealed class InviteEveryoneModel(InvitationIssuer issuer, MailOutbox outbox, RateLimitOptions limits) : PageModel
{
    public int Uninvited { get; private set; }
    public bool MailEnabled => outbox.Enabled;

    /// <summary>
    /// One submission invites at most this many, less what this administrator issued in the last hour (counted from the
    /// invitations), so the hourly invitation limit holds for bulk too.
    /// </summary>
    public int BatchSize => Math.Max(1, limits.InvitationsPerHour);

    public IReadOnlyList<IssuedInvitation>? Issued { get; private set; }

    /// <summary>This administrator issued the hour's invitations already: nothing was created.</summary>
    public bool HourlyLimitReached { get; private set; }
    public string? CsvDataUri { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Uninvited = await issuer.Uninvited().CountAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // Without a mail server the links are shown here: ways into new accounts, so the issuer asks for a recent sign-in.
        var (issued, refusal) = await issuer.CreateForEveryoneAsync(BatchSize, $"{Request.Scheme}://{Request.Host}", ct);
        if (refusal == InvitationRefusal.NotRecent)
        {
            return RecentSignIn.ConfirmFirst("/admin/invitations/everyone");
        }
        if (refusal == InvitationRefusal.HourlyLimit)
        {
            Uninvited = await issuer.Uninvited().CountAsync(ct);
            HourlyLimitReached = true;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = "3600";
            return Page();
        }
        Issued = issued;
        Uninvited = await issuer.Uninvited().CountAsync(ct);
        if (!MailEnabled)
        {
            CsvDataUri = "data:text/csv;charset=utf-8;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(Csv(Issued)));
        }
        return Page();
    }

    /// <summary>name,email,link; every cell quoted, and cells a spreadsheet would run as a formula are defused with a leading apostrophe.</summary>
    public static string Csv(IEnumerable<IssuedInvitation> issued)
    {
        var builder = new StringBuilder("name,email,link\r\n");
        foreach (var invitation in issued)
        {
            builder.Append(Cell(invitation.PersonName)).Append(',')
                .Append(Cell(invitation.WorkEmail)).Append(',')
                .Append(Cell(invitation.Link)).Append("\r\n");
        }
        return builder.ToString();
    }

    private static string Cell(string value)
    {
        var safe = value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
