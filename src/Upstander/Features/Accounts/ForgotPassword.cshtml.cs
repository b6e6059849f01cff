using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Mail;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>
/// "Forgot your password": asks for a link by email. The answer is the same whether or not the address has an account,
/// and it comes before anything is looked up (<see cref="PasswordLinkRequests"/>), so neither its words nor its timing
/// tell anyone who has an account. Rate limited like sign-in. Without a mail server the page says whom to ask instead.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimitPolicies.SignIn)]
public sealed class ForgotPasswordModel(MailOutbox outbox, PasswordLinkRequests requests, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty, Required, EmailAddress, StringLength(254)]
    public string Email { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public bool Sent { get; set; }

    public bool CanEmail => outbox.Enabled;

    public string? Message { get; private set; }

    public void OnGet()
    {
    }

    public IActionResult OnPost()
    {
        if (!CanEmail)
        {
            Message = t["Upstander cannot send email here. Ask your administrator for a link to set a new password."];
            ModelState.AddModelError("", Message);
            return Page();
        }
        if (!ModelState.IsValid)
        {
            Message = t["Enter your work email address, for example name@example.org."];
            return Page();
        }
        requests.Ask(new PasswordLinkRequest(Email.Trim(), CultureInfo.CurrentUICulture.Name));
        return Redirect("/account/forgot-password?sent=true");
    }
}
