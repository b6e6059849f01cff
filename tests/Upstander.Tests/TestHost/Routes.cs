using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Upstander.Tests.TestHost;

/// <summary>One routable endpoint of the running app, as the endpoint table describes it.</summary>
public sealed record AppRoute(string Pattern, IReadOnlyList<string> Methods, bool AllowsAnonymous, bool IsPage, IReadOnlyList<string> Parameters)
{
    /// <summary>A page's named post handlers (<c>?handler=Name</c>), each a submission route of its own.</summary>
    public IReadOnlyList<string> PostHandlers { get; init; } = [];

    public bool IsApi => Pattern.StartsWith("/api/", StringComparison.Ordinal);

    public bool Accepts(string method) => Methods.Count == 0 || Methods.Contains(method, StringComparer.OrdinalIgnoreCase);

    /// <summary>The URL with every parameter filled by <paramref name="value"/> (given the parameter's name and constraint).</summary>
    public string Url(Func<string, string, string> value) =>
        Routes.Parameter().Replace(Pattern, m => value(m.Groups["name"].Value, m.Groups["constraint"].Value)).Replace("//", "/", StringComparison.Ordinal);

    public override string ToString() => $"{string.Join(',', Methods)} {Pattern}";
}

public static partial class Routes
{
    public static IReadOnlyList<AppRoute> All(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e =>
            {
                var pattern = "/" + (e.RoutePattern.RawText ?? "").Trim('/');
                var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.ToList() ?? [];
                var isPage = e.Metadata.Any(m => m.GetType().Name == "PageActionDescriptor" || m.GetType().Name == "CompiledPageActionDescriptor");
                if (isPage && methods.Count == 0)
                {
                    methods = ["GET", "POST"];
                }
                var handlers = e.Metadata.OfType<Microsoft.AspNetCore.Mvc.RazorPages.CompiledPageActionDescriptor>()
                    .SelectMany(d => d.HandlerMethods)
                    .Where(h => string.Equals(h.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(h.Name))
                    .Select(h => h.Name!)
                    .Distinct()
                    .ToList();
                return new AppRoute(pattern, methods, e.Metadata.GetMetadata<IAllowAnonymous>() is not null, isPage,
                    e.RoutePattern.Parameters.Select(p => p.Name).ToList())
                { PostHandlers = handlers };
            })
            .GroupBy(r => r.Pattern + string.Join(',', r.Methods))
            .Select(g => g.First())
            .OrderBy(r => r.Pattern, StringComparer.Ordinal)
            .ToList();

    /// <summary>Fills route parameters with something of the right shape.</summary>
    public static string Sample(string name, string constraint, Guid id) => constraint switch
    {
        var c when c.StartsWith("guid", StringComparison.Ordinal) => id.ToString(),
        var c when c.StartsWith("int", StringComparison.Ordinal) || c.StartsWith("long", StringComparison.Ordinal) => "404",
        _ => name.Contains("id", StringComparison.OrdinalIgnoreCase) ? id.ToString() : "sample",
    };

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)(:(?<constraint>[^}=?]*))?(=[^}]*)?\??\}")]
    public static partial Regex Parameter();
}
