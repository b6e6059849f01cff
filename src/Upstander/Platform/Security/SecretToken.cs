using System.Security.Cryptography;
using System.Text;

namespace Upstander.Platform.Security;

/// <summary>
/// High-entropy bearer secrets (invitation links, personal access tokens). 256 random bits, so a
/// plain SHA-256 is the right storage hash: there is nothing to brute-force, and lookups stay indexable.
/// </summary>
public static class SecretToken
{
    public static string New(string prefix) =>
        $"{prefix}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when the text has the shape of a token with this prefix (cheap rejection of junk before any lookup).</summary>
    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static bool LooksLike(string? token, string prefix) =>
        token is not null
        && token.Length == prefix.Length + 1 + 43
        && token.StartsWith(prefix + "_", StringComparison.Ordinal)
        && token.AsSpan(prefix.Length + 1).IndexOfAnyExcept(Base64UrlAlphabet) < 0;

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
