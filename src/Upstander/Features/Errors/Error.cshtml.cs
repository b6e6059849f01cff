using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Localization;
using Upstander.Platform.Security;
using Upstander.Platform.Web;

namespace Upstander.Features.Errors;

/// <summary>Friendly error pages. Never a stack trace, exception text or SQL: details stay in the server log.</summary>
[AllowAnonymous]
[AllowWithoutTwoFactor]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IStringLocalizer<SharedResource> t) : PageModel
{
    public string Title { get; private set; } = "";
    public string Explanation { get; private set; } = "";

    public IActionResult OnGet(int? code) => Render(code);

    public IActionResult OnPost(int? code) => Render(code);

    private IActionResult Render(int? code)
    {
        var status = code ?? (HttpContext.Response.StatusCode >= 400 ? HttpContext.Response.StatusCode : 500);
        if (Problems.WantsProblemDetails(HttpContext))
        {
            return new ObjectResult(new ProblemDetails
            {
                Status = status,
                Title = status >= 500 ? "Something went wrong on our side" : ReasonPhrases.GetReasonPhrase(status),
            })
            { StatusCode = status, ContentTypes = { "application/problem+json" } };
        }
        Response.StatusCode = status;
        (Title, Explanation) = status switch
        {
            404 => (t["We could not find that page"].Value, t["The link may be old, or the page may have moved. Nothing you wrote has been lost."].Value),
            403 => (t["This page is not available to you"].Value, t["It belongs to a role you do not hold. If you think you should have access, ask your administrator."].Value),
            400 or 413 or 415 => (t["We could not accept that"].Value, t["Something in the request was not in a form we can read, or it was too large. Nothing was changed."].Value),
            429 => (t["Please wait a moment"].Value, t["Too many attempts in a short time. Please wait a minute and try again."].Value),
            _ => (t["Something went wrong on our side"].Value, t["It is not your fault. Nothing you sent was stored half-way. Please try again in a little while."].Value),
        };
        return Page();
    }
}
