using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Localization;

namespace Upstander.Platform.Web;

/// <summary>
/// Refuses bodies over the limit before anything reads them, with a clear 413 whatever the server
/// (Kestrel enforces its own limit too; this makes the answer the same everywhere and explains it).
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next, IConfiguration configuration)
{
    public const long DefaultMaxBytes = 30L * 1024 * 1024;
    private readonly long _max = configuration.GetValue("Limits:MaxRequestBytes", DefaultMaxBytes);

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.ContentLength > _max)
        {
            var t = context.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
            var message = t["That is larger than Upstander accepts ({0} MB). Nothing was changed.", _max / (1024 * 1024)].Value;
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            if (Problems.WantsProblemDetails(context))
            {
                await Results.Problem(statusCode: 413, title: t["Too large"].Value, detail: message).ExecuteAsync(context);
            }
            else
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(message);
            }
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _max;
        }
        await next(context);
    }
}
