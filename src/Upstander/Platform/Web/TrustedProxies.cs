using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Upstander.Platform.Web;

/// <summary>
/// The <c>Proxy:TrustedAddresses</c> setting: the reverse proxies (addresses, or networks such as 10.0.0.0/8) in front
/// of Upstander whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> it believes. Behind a proxy every request
/// comes from the proxy's address over plain HTTP; without this, the per-client limits (sign-in, anonymous reports)
/// would count everyone as one client, and cookies and HSTS would not know the browser used HTTPS. Unset, the headers
/// are ignored, so a client cannot choose the address it is counted under. The <c>Host</c> header is never taken from
/// a forwarded header: the proxy must pass the original one through.
/// </summary>
public static class TrustedProxies
{
    public const string Setting = "Proxy:TrustedAddresses";

    /// <summary>The forwarded-headers options for the configured proxies, or null when none are configured.</summary>
    public static ForwardedHeadersOptions? Options(IConfiguration configuration)
    {
        var entries = (configuration[Setting] ?? "")
            .Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection(Setting).GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0))
            .ToList();
        if (entries.Count == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // Walk back through every trusted hop (a load balancer behind a CDN), stopping at the first address that is
            // not a trusted proxy: that one is the client.
            ForwardLimit = null,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in entries)
        {
            if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
            else if (System.Net.IPNetwork.TryParse(entry, out var network))
            {
                options.KnownIPNetworks.Add(network);
            }
            else
            {
                throw new StartupProblem($"{Setting} has \"{entry}\", which is neither an IP address nor a network such as 10.0.0.0/8.");
            }
        }
        return options;
    }

    /// <summary>
    /// Why links are built for HTTPS while requests arrive over plain HTTP with no proxy trusted (cookies then lack
    /// Secure, and every client behind the proxy shares one sign-in limit); null when that is not the case.
    /// </summary>
    public static string? UntrustedProxyWarning(IConfiguration configuration, IEnumerable<string> listeningUrls) =>
        configuration[PublicUrl.Setting] is { } publicUrl && publicUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        && Options(configuration) is null
        && !listeningUrls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            ? $"PublicUrl is HTTPS but Upstander listens on plain HTTP and trusts no proxy. If a proxy terminates TLS in front, set {Setting} to its address, so that cookies are marked Secure and sign-in limits count each client, not the proxy."
            : null;
}
