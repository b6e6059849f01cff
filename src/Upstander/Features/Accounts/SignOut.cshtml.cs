using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

/// <summary>Ends the session and tells the browser to clear everything this site stored.</summary>
/// <remarks>
/// The session is recorded as ended (<see cref="EndedSessions"/>) in the same save as the audit event, so a copy of its
/// cookie stops working too, and the browser's own cookie is removed.
/// </remarks>
[AllowWithoutTwoFactor]
public sealed class SignOutModel(SignInManager<Account> signIn, AuditLog audit, EndedSessions ended) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var accountId = User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value;
        var session = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        audit.Record(AuditActions.SignOut, "account", accountId);
        if (session.Succeeded && Guid.TryParse(accountId, out var account))
        {
            await ended.EndAsync(account, session.Properties, ct);
        }
        else
        {
            await audit.SaveAsync(ct);
        }
        await signIn.SignOutAsync();
        Response.Headers["Clear-Site-Data"] = "\"cache\", \"cookies\", \"storage\"";
        return RedirectToPage("/Accounts/SignedOut");
    }
}
