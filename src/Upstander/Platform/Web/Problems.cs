namespace Upstander.Platform.Web;

public static class Problems
{
    /// <summary>API callers get RFC 9457 ProblemDetails; people in a browser get a page.</summary>
    public static bool WantsProblemDetails(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        || context.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
}
