using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

public sealed record InvitationRow(
    Guid Id, string PersonName, string WorkEmail, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    InvitationStatus Status, MailState? Mail);

/// <summary>Every invitation in the organisation, newest first, with whether its email went and a way to withdraw pending ones.</summary>
[Authorize(Roles = Roles.Admin)]
public sealed class InvitationsModel(AppDbContext db, InvitationIssuer issuer, MailOutbox outbox, TimeProvider clock) : PageModel
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public IReadOnlyList<InvitationRow> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public int Uninvited { get; private set; }
    public bool Revoked { get; private set; }

    /// <summary>Whether to show the email column: a mail server is configured, or some invitation on the page was emailed.</summary>
    public bool ShowMail { get; private set; }

    public async Task OnGetAsync(bool revoked, CancellationToken ct)
    {
        Revoked = revoked;
        PageNumber = Math.Max(1, PageNumber);
        var now = clock.GetUtcNow();
        Total = await db.Invitations.CountAsync(ct);
        Uninvited = await issuer.Uninvited().CountAsync(ct);
        var page = await (from i in db.Invitations
                          join p in db.People on i.PersonId equals p.Id
                          orderby i.CreatedAt descending, i.Id
                          select new { Invitation = i, p.Name, p.WorkEmail })
            .Skip(Paging.Offset(PageNumber, PageSize)).Take(PageSize)
            .ToListAsync(ct);
        var mail = await outbox.LatestAboutAsync(page.Select(r => r.Invitation.Id).ToList(), ct);
        Rows = page.Select(r => new InvitationRow(r.Invitation.Id, r.Name, r.WorkEmail, r.Invitation.RoleList,
            r.Invitation.CreatedAt, r.Invitation.ExpiresAt, r.Invitation.StatusAt(now), mail.GetValueOrDefault(r.Invitation.Id))).ToList();
        ShowMail = outbox.Enabled || mail.Count > 0;
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct) =>
        await issuer.RevokeAsync(id, ct) ? RedirectToPage(new { revoked = true }) : NotFound();
}
