using System.Numerics;
using System.Security.Cryptography;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// RFC 9380 hash_to_curve for the suite P256_XMD:SHA-256_SSWU_RO_: expand_message_xmd with SHA-256,
/// hash_to_field (two elements, L = 48), the simplified SWU map (Z = −10) for each, and their sum.
/// P-256 has cofactor 1, so clearing the cofactor is the identity.
/// </summary>
public static class HashToCurve
{
    private static readonly BigInteger Z = P256.P - 10;

    public static P256Point Hash(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        var (u0, u1) = HashToField(message, dst);
        return P256.Add(MapToCurve(u0), MapToCurve(u1));
    }

    public static (BigInteger U0, BigInteger U1) HashToField(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst)
    {
        var uniform = ExpandMessageXmd(message, dst, 96);
        return (P256.Mod(new BigInteger(uniform.AsSpan(0, 48), isUnsigned: true, isBigEndian: true), P256.P),
                P256.Mod(new BigInteger(uniform.AsSpan(48, 48), isUnsigned: true, isBigEndian: true), P256.P));
    }

    public static byte[] ExpandMessageXmd(ReadOnlySpan<byte> message, ReadOnlySpan<byte> dst, int length)
    {
        var ell = (length + 31) / 32;
        if (ell > 255 || length > 65535 || dst.Length > 255)
        {
            throw new ArgumentException("expand_message_xmd: length or DST too long.");
        }
        byte[] dstPrime = [.. dst, (byte)dst.Length];
        byte[] messagePrime = [.. new byte[64], .. message, (byte)(length >> 8), (byte)length, 0, .. dstPrime];
        var b0 = SHA256.HashData(messagePrime);
        var output = new byte[ell * 32];
        var previous = SHA256.HashData([.. b0, 1, .. dstPrime]);
        previous.CopyTo(output, 0);
        for (var i = 2; i <= ell; i++)
        {
            var mixed = new byte[32];
            for (var j = 0; j < 32; j++)
            {
                mixed[j] = (byte)(b0[j] ^ previous[j]);
            }
            previous = SHA256.HashData([.. mixed, (byte)i, .. dstPrime]);
            previous.CopyTo(output, (i - 1) * 32);
        }
        return output[..length];
    }

    /// <summary>RFC 9380 section 6.6.2, the straightforward (not constant-time) form: the input is public.</summary>
    public static P256Point MapToCurve(BigInteger u)
    {
        var p = P256.P;
        var u2 = u * u % p;
        var zu2 = Z * u2 % p;
        var denominator = P256.Mod((zu2 * zu2) + zu2, p);
        var tv1 = denominator.IsZero ? BigInteger.Zero : P256.Inverse(denominator, p);
        var x1 = tv1.IsZero
            ? P256.B * P256.Inverse(Z * P256.A, p) % p
            : P256.Mod(-P256.B * P256.Inverse(P256.A, p) % p * (1 + tv1), p);
        var gx1 = P256.CurveRight(x1);
        BigInteger x, y;
        if (P256.IsSquare(gx1))
        {
            x = x1;
            y = P256.Sqrt(gx1)!.Value;
        }
        else
        {
            x = zu2 * x1 % p;
            y = P256.Sqrt(P256.CurveRight(x)) ?? throw new InvalidOperationException("SSWU: neither candidate is square.");
        }
        if (u.IsEven != y.IsEven)
        {
            y = P256.Mod(-y, p);
        }
        return new P256Point(x, y);
    }
}
