using System.Net;
using Microsoft.Extensions.Localization;

namespace Upstander.Platform.Web;

/// <summary>The 429 answer: a calm sentence for people, ProblemDetails for programs.</summary>
public static class TooManyRequests
{
    public static async ValueTask WriteAsync(HttpContext context, CancellationToken ct)
    {
        var t = context.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        var message = t["Too many attempts in a short time. Please wait a minute and try again."].Value;
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = "60";
        if (Problems.WantsProblemDetails(context))
        {
            await Results.Problem(statusCode: 429, title: t["Too many requests"].Value, detail: message).ExecuteAsync(context);
            return;
        }
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{WebUtility.HtmlEncode(t["Please wait"].Value)} · Upstander</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><main class="page narrow" id="main"><h1>{WebUtility.HtmlEncode(t["Please wait a moment"].Value)}</h1>
            <p role="alert">{WebUtility.HtmlEncode(message)}</p>
            <p><a href="/">{WebUtility.HtmlEncode(t["Back to the start"].Value)}</a></p></main></body></html>
            """, ct);
    }
}
