using System.Net;
using System.Net.Sockets;

namespace Upstander.Platform.Security;

/// <summary>
/// The client a per-client limit counts against, from the connection's address (set from a trusted proxy's forwarded
/// header, or the socket). Used only as an in-memory key; never stored or logged.
/// </summary>
public static class ClientAddress
{
    /// <summary>
    /// An IPv4 address as it is (an IPv4-mapped IPv6 address counts as its IPv4 address); an IPv6 address by its /64
    /// prefix. A single IPv6 subscriber is routinely given a whole /64 (2^64 addresses) and can use a new address for
    /// every request, so counting full IPv6 addresses would give such a client a fresh limit each time.
    /// </summary>
    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary><see cref="Key(IPAddress?)"/> of the request's connection.</summary>
    public static string Key(HttpContext context) => Key(context.Connection.RemoteIpAddress);
}
