using Microsoft.AspNetCore.Diagnostics;

namespace Upstander.Platform.Web;

public static class Problems
{
    /// <summary>
    /// API callers get RFC 9457 ProblemDetails; people in a browser get a page. When an error page is
    /// being re-executed, the original path decides.
    /// </summary>
    public static bool WantsProblemDetails(HttpContext context)
    {
        var path = context.Features.Get<IExceptionHandlerPathFeature>()?.Path
            ?? context.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath
            ?? context.Request.Path.Value;
        return path?.StartsWith("/api/", StringComparison.OrdinalIgnoreCase) == true
            || string.Equals(path, "/api", StringComparison.OrdinalIgnoreCase)
            || context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
    }
}
