using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Upstander.Platform.Web;

namespace Upstander.Platform.Security;

/// <summary>Marks pages a privileged person may reach before setting up two-factor (the setup page itself, sign-out).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AllowWithoutTwoFactorAttribute : Attribute;

/// <summary>
/// Coordinators, case managers and admins must have two-factor turned on. Until they do, every page
/// sends them to set it up and the API refuses them. The "upstander:2fa" claim is written at sign-in.
/// </summary>
public sealed class TwoFactorRequirement(RequestDelegate next)
{
    public const string Claim = "upstander:2fa";
    public const string SetupPath = "/account/two-factor";

    /// <summary>Where a privileged person without two-factor is sent. "true", as the page's bool binds it ("1" does not bind, and the post then answered 400).</summary>
    public const string RequiredSetupPath = SetupPath + "?required=true";

    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true
            && Roles.RequireTwoFactor.Any(user.IsInRole)
            && user.FindFirst(Claim)?.Value != "on"
            && context.GetEndpoint()?.Metadata.GetMetadata<AllowWithoutTwoFactorAttribute>() is null
            && context.GetEndpoint() is not null)
        {
            if (Problems.WantsProblemDetails(context))
            {
                await Results.Problem(statusCode: 403, title: "Two-factor authentication required",
                    detail: "This account holds a role that requires two-factor authentication. Turn it on in the browser first.").ExecuteAsync(context);
                return;
            }
            context.Response.Redirect(RequiredSetupPath);
            return;
        }
        await next(context);
    }
}
