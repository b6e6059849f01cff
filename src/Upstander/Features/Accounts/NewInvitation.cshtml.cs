using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Upstander.Features.People;
using Upstander.Platform.Data;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

public sealed record InvitablePerson(Guid Id, string Name, string WorkEmail);

/// <summary>
/// Invites one person: choose their roles and create the invitation. With a mail server configured the link is
/// emailed (and offered once to send another way); without one the page says plainly that the admin sends it.
/// </summary>
[Authorize(Roles = Roles.Admin)]
[EnableRateLimiting(RateLimitPolicies.Invitations)]
public sealed class NewInvitationModel(AppDbContext db, InvitationIssuer issuer, MailOutbox outbox, IStringLocalizer<SharedResource> t) : PageModel
{
    public const int SearchResults = 50;

    /// <summary>The roles an admin may grant by invitation; Employee is always granted.</summary>
    public static readonly IReadOnlyList<string> GrantableRoles = Roles.All.Where(r => r != Roles.Employee).ToList();

    [BindProperty(SupportsGet = true, Name = "person")]
    public Guid? PersonId { get; set; }

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty]
    public List<string> SelectedRoles { get; set; } = [];

    public InvitablePerson? Person { get; private set; }
    public IReadOnlyList<InvitablePerson> Candidates { get; private set; } = [];
    public IssuedInvitation? Issued { get; private set; }
    public string? Error { get; private set; }
    public bool MailEnabled => outbox.Enabled;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (PersonId is null)
        {
            var query = PersonQueries.Search(issuer.Uninvited(), Search is { Length: > 200 } ? Search[..200] : Search);
            Candidates = await query.OrderBy(p => p.Name).Take(SearchResults)
                .Select(p => new InvitablePerson(p.Id, p.Name, p.WorkEmail)).ToListAsync(ct);
            return Page();
        }
        return await LoadPersonAsync(ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (PersonId is not { } personId || !await LoadPersonAsync(ct))
        {
            return NotFound();
        }
        // An invitation's link is shown to the administrator who makes it: a way into a new account, with its roles.
        var (issued, refusal) = await issuer.CreateAsync(personId, SelectedRoles, $"{Request.Scheme}://{Request.Host}", email: true, ct);
        if (refusal == InvitationRefusal.NotRecent)
        {
            return RecentSignIn.ConfirmFirst($"/admin/invitations/new?person={personId:D}");
        }
        if (issued is null)
        {
            Error = Explain(refusal, Person!.Name);
            Response.StatusCode = refusal == InvitationRefusal.UnknownRole ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict;
            return Page();
        }
        Issued = issued;
        return Page();
    }

    private async Task<bool> LoadPersonAsync(CancellationToken ct)
    {
        Person = await db.People.Where(p => p.Id == PersonId)
            .Select(p => new InvitablePerson(p.Id, p.Name, p.WorkEmail)).SingleOrDefaultAsync(ct);
        return Person is not null;
    }

    private string Explain(InvitationRefusal refusal, string name) => refusal switch
    {
        InvitationRefusal.AlreadyHasAccount => t["{0} already has an account, so they cannot be invited. To change their roles, edit them in the directory.", name],
        InvitationRefusal.EmailHasAccount => t["{0} cannot be invited: another Upstander account already uses their work email. Accounts are unique across every organisation here, so check the address in the directory.", name],
        InvitationRefusal.AlreadyInvited => t["{0} already has an invitation waiting to be used. Withdraw it on the invitations page first if the link was lost.", name],
        InvitationRefusal.PersonHasLeft => t["{0} has left the organisation according to the directory, so they cannot be invited.", name],
        InvitationRefusal.UnknownRole => t["One of the chosen roles does not exist. Choose from the list."],
        _ => t["That person is not in your directory."],
    };
}
