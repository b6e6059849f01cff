using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Upstander.Platform.Auditing;
using Upstander.Platform.Security;

namespace Upstander.Features.Accounts;

/// <summary>Ends the session and tells the browser to clear everything this site stored.</summary>
[AllowWithoutTwoFactor]
public sealed class SignOutModel(SignInManager<Account> signIn, AuditLog audit) : PageModel
{
    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        audit.Record(AuditActions.SignOut, "account", User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value);
        await audit.SaveAsync(ct);
        await signIn.SignOutAsync();
        Response.Headers["Clear-Site-Data"] = "\"cache\", \"cookies\", \"storage\"";
        return RedirectToPage("/Accounts/SignedOut");
    }
}
