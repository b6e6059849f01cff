using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace Upstander.Platform.Security;

/// <summary>
/// API writes made with the browser's cookie must carry the antiforgery token in a header, so another
/// site cannot make a signed-in browser call the API. Token-authenticated programs are exempt.
/// </summary>
public sealed class ApiAntiforgery(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (context.Request.Path.StartsWithSegments("/api")
            && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method)
            && context.User.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme)
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                await Results.Problem(statusCode: 400, title: "Missing or invalid antiforgery token",
                    detail: "Send the RequestVerificationToken header with API writes made from the browser.").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    }
}
