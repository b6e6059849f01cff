using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// The body Upstander sends to the separate key holder's POST /evaluate: the caller's account id (or, for release checks,
/// <c>EscrowSubject.ReleaseCaller</c>) and the blinded point.
/// </summary>
public sealed record OprfServiceRequest(string? Caller, string? Blinded);

/// <summary>
/// How Upstander proves itself to the separate OPRF key holder: HMAC-SHA256, under a secret both read
/// from a file of their own, over the timestamp (Unix seconds), the caller and the blinded point, sent in
/// two headers. The key holder refuses a timestamp more than <see cref="Window"/> away from its clock, so
/// a captured request cannot be replayed later. This file is linked into both processes.
/// </summary>
public static class OprfSignature
{
    public const string TimestampHeader = "X-Upstander-Timestamp";
    public const string SignatureHeader = "X-Upstander-Signature";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(2);

    /// <summary>The shared secret: the file's trimmed text (at least 32 characters), as UTF-8.</summary>
    public static byte[] ReadSecret(string path)
    {
        var text = File.Exists(path) ? File.ReadAllText(path).Trim() : throw new InvalidOperationException($"The OPRF client secret file {path} does not exist.");
        return text.Length >= 32 ? Encoding.UTF8.GetBytes(text) : throw new InvalidOperationException($"The OPRF client secret in {path} must be at least 32 characters.");
    }

    public static string Timestamp(DateTimeOffset now) => now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>Base64url of HMAC-SHA256(secret, timestamp ‖ LF ‖ caller ‖ LF ‖ blinded).</summary>
    public static string Sign(byte[] secret, string timestamp, string caller, string blinded) =>
        Base64Url.Encode(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes($"{timestamp}\n{caller}\n{blinded}")));

    /// <summary>
    /// When the signature is right (compared in constant time) and the timestamp within the window of now, the moment it
    /// was signed; otherwise null.
    /// </summary>
    public static DateTimeOffset? Verify(byte[] secret, string? timestamp, string? signature, string caller, string blinded, DateTimeOffset now)
    {
        if (timestamp is null || signature is null
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return null;
        }
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((now - signedAt).Duration() > Window)
        {
            return null;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, caller, blinded));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.UTF8.GetBytes(signature)) ? signedAt : null;
    }
}
