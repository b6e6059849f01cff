using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Accounts;

/// <summary>
/// Where an invitation link lands. Anyone holding the link may use it once, so the page is anonymous
/// and rate limited like sign-in; it says nothing about a link it cannot use beyond why.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(RateLimitPolicies.SignIn)]
public sealed class AcceptInvitationModel(InvitationAcceptance acceptance, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public UsableInvitation? Invitation { get; private set; }
    public InvitationProblem Problem { get; private set; }
    public bool SignedInAlready { get; private set; }
    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : Refused();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Refused();
        }
        var password = Password ?? "";
        Errors.AddRange(await PasswordMessages.ProblemsAsync(password, ConfirmPassword, p => acceptance.CheckPasswordAsync(Invitation!, p), t));
        if (Errors.Count > 0)
        {
            return NotAccepted();
        }
        try
        {
            if (await acceptance.AcceptWithPasswordAsync(Invitation!, password, ct) is not InvitationProblem.None and var gone)
            {
                // Used (or ended) since the page found it, by another post at the same moment: say so, as for a used link.
                (Invitation, Problem) = (null, gone);
                return Refused();
            }
        }
        catch (ArgumentException)
        {
            // Identity refused the account itself, for a reason other than its address having an account already.
            Errors.Add(t["Your account could not be created. Ask your administrator to check your details in the directory."]);
            return NotAccepted();
        }
        return Redirect(Invitation!.RequiresTwoFactor ? TwoFactorRequirement.RequiredSetupPath : "/");
    }

    /// <summary>
    /// Shows the messages and answers 400 (<see cref="InvalidFormStatus"/>), as the password-reset page does: nothing
    /// was accepted, and the link still works.
    /// </summary>
    private PageResult NotAccepted()
    {
        ModelState.AddModelError(nameof(Password), Errors[0]);
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            // Accepting would replace the signed-in session with the invited person's; ask them to choose.
            SignedInAlready = true;
            return false;
        }
        (Invitation, Problem) = await acceptance.FindAsync(Token, ct);
        return Invitation is not null;
    }

    /// <summary>As <see cref="PasswordMessages.RefusedLinkStatus"/>, and 409 when another account has the address: the link is not used up, but cannot make an account.</summary>
    private PageResult Refused()
    {
        Response.StatusCode = Problem == InvitationProblem.EmailHasAccount
            ? StatusCodes.Status409Conflict
            : PasswordMessages.RefusedLinkStatus(SignedInAlready, Problem == InvitationProblem.NotFound);
        return Page();
    }
}
