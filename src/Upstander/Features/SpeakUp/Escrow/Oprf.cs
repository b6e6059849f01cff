using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// The client half of the escrow OPRF (2HashDH over P-256, in the manner of RFC 9497 but with x-only
/// points so that a browser's WebCrypto could take part): blind the hashed input with a random r, have
/// the key holder apply k, unblind with r⁻¹, and hash the input with x(k·H(input)). The browser does the
/// same in wwwroot/js/escrow.js; both must stay byte-for-byte identical.
/// </summary>
public static class Oprf
{
    public const string HashToCurveDst = "UPSTANDER-ESCROW-V1-P256_XMD:SHA-256_SSWU_RO_";
    public const string FinalizeLabel = "UPSTANDER-ESCROW-V1-Finalize";

    /// <summary>The OPRF input: the organisation and the named person's directory id, never free text.</summary>
    public static byte[] Input(Guid organisationId, Guid personId) =>
        Encoding.ASCII.GetBytes($"{organisationId:D}/{personId:D}".ToLowerInvariant());

    public static P256Point HashInput(ReadOnlySpan<byte> input) => HashToCurve.Hash(input, Encoding.ASCII.GetBytes(HashToCurveDst));

    /// <summary>A random scalar in [1, n−1].</summary>
    public static BigInteger RandomScalar()
    {
        var bytes = RandomNumberGenerator.GetBytes(48);
        return P256.Mod(new BigInteger(bytes, isUnsigned: true, isBigEndian: true), P256.N - 1) + 1;
    }

    /// <summary>The blinded element x(r·H(input)) to send to the key holder.</summary>
    public static byte[] Blind(ReadOnlySpan<byte> input, BigInteger r) => P256.EncodeX(P256.Multiply(r, HashInput(input)));

    /// <summary>The OPRF output from the key holder's answer x(k·r·H(input)); refuses anything not on the curve.</summary>
    public static byte[] Finalize(ReadOnlySpan<byte> input, BigInteger r, ReadOnlySpan<byte> evaluated)
    {
        var z = P256.DecodeX(evaluated);
        var n = P256.Multiply(P256.Inverse(r, P256.N), z);
        return Output(input, P256.EncodeX(n));
    }

    /// <summary>SHA-256(label ‖ len ‖ input ‖ len ‖ x(k·H(input))), with two-byte big-endian lengths.</summary>
    public static byte[] Output(ReadOnlySpan<byte> input, ReadOnlySpan<byte> unblindedX)
    {
        byte[] label = Encoding.ASCII.GetBytes(FinalizeLabel);
        return SHA256.HashData([.. label, (byte)(input.Length >> 8), (byte)input.Length, .. input,
            (byte)(unblindedX.Length >> 8), (byte)unblindedX.Length, .. unblindedX]);
    }

    /// <summary>
    /// Blind with a fresh r, evaluate and finalize in one go, given a way to reach the key holder: what the browser does
    /// for the person it names, and what the server does at release for the person a record names. Null when the key
    /// holder gave no answer (<paramref name="evaluate"/> returned null).
    /// </summary>
    public static async Task<byte[]?> RunAsync(Guid organisationId, Guid personId, Func<byte[], Task<byte[]?>> evaluate)
    {
        var input = Input(organisationId, personId);
        var r = RandomScalar();
        return await evaluate(Blind(input, r)) is { } evaluated ? Finalize(input, r, evaluated) : null;
    }

    /// <summary><see cref="RunAsync"/> with a key holder that answers at once (tests, and the key in hand).</summary>
    public static byte[] Run(Guid organisationId, Guid personId, Func<byte[], byte[]> evaluate) =>
        RunAsync(organisationId, personId, blinded => Task.FromResult<byte[]?>(evaluate(blinded))).GetAwaiter().GetResult()!;
}

/// <summary>Base64url without padding, as the browser side writes it.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public static byte[] Decode(string text)
    {
        if (text.Length > 1024)
        {
            throw new FormatException("Too long.");
        }
        return System.Buffers.Text.Base64Url.DecodeFromChars(text);
    }
}
