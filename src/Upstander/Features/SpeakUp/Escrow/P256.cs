using System.Numerics;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>A point of P-256 in affine coordinates; <see cref="Infinity"/> is the identity.</summary>
public readonly record struct P256Point(BigInteger X, BigInteger Y, bool IsInfinity = false)
{
    public static readonly P256Point Infinity = new(BigInteger.Zero, BigInteger.Zero, true);
}

/// <summary>
/// NIST P-256 arithmetic over <see cref="BigInteger"/>: enough for hash-to-curve, blinding and the
/// x-only point encoding the escrow OPRF uses. Not constant-time: it only ever handles the client's
/// ephemeral blinding scalars and public points. The OPRF key holder's secret scalar is applied
/// by the platform's ECDH (see <see cref="OprfKeyHolder"/>), never by this class.
/// </summary>
public static class P256
{
    public static readonly BigInteger P = Hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    public static readonly BigInteger A = P - 3;
    public static readonly BigInteger B = Hex("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b");
    public static readonly BigInteger N = Hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    public static readonly P256Point G = new(
        Hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
        Hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"));

    private static readonly BigInteger SqrtExponent = (P + 1) / 4;
    private static readonly BigInteger LegendreExponent = (P - 1) / 2;

    public static BigInteger Hex(string hex) => BigInteger.Parse("0" + hex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    public static BigInteger Mod(BigInteger value, BigInteger modulus)
    {
        var r = value % modulus;
        return r.Sign < 0 ? r + modulus : r;
    }

    public static BigInteger Inverse(BigInteger value, BigInteger modulus) => BigInteger.ModPow(Mod(value, modulus), modulus - 2, modulus);

    public static bool IsSquare(BigInteger value)
    {
        var v = Mod(value, P);
        return v.IsZero || BigInteger.ModPow(v, LegendreExponent, P).IsOne;
    }

    /// <summary>A square root modulo p (p ≡ 3 mod 4), or null when there is none.</summary>
    public static BigInteger? Sqrt(BigInteger value)
    {
        var v = Mod(value, P);
        var root = BigInteger.ModPow(v, SqrtExponent, P);
        return Mod(root * root, P) == v ? root : null;
    }

    public static BigInteger CurveRight(BigInteger x) => Mod((x * x % P * x) + (A * x) + B, P);

    public static bool IsOnCurve(P256Point point) =>
        !point.IsInfinity && point.X >= 0 && point.X < P && point.Y >= 0 && point.Y < P
        && Mod(point.Y * point.Y, P) == CurveRight(point.X);

    public static P256Point Negate(P256Point point) => point.IsInfinity ? point : point with { Y = Mod(-point.Y, P) };

    public static P256Point Add(P256Point left, P256Point right) => ToAffine(AddJacobian(FromAffine(left), FromAffine(right)));

    /// <summary>k·point by double-and-add in Jacobian coordinates (one inversion at the end).</summary>
    public static P256Point Multiply(BigInteger scalar, P256Point point)
    {
        var k = Mod(scalar, N);
        if (k.IsZero || point.IsInfinity)
        {
            return P256Point.Infinity;
        }
        var result = Jacobian.Infinity;
        var addend = FromAffine(point);
        for (var bit = (int)k.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = Double(result);
            if (!(k >> bit).IsEven)
            {
                result = AddJacobian(result, addend);
            }
        }
        return ToAffine(result);
    }

    /// <summary>The 32-byte big-endian x-coordinate: the only form a point travels in (x(Q) = x(−Q)).</summary>
    public static byte[] EncodeX(P256Point point)
    {
        if (point.IsInfinity)
        {
            throw new ArgumentException("The point at infinity has no encoding.", nameof(point));
        }
        return ToFixed(point.X, 32);
    }

    /// <summary>
    /// The point with this x-coordinate (either of the two; which one does not matter for x-only
    /// arithmetic). Refuses anything that is not 32 bytes, not below p, or not the x of a curve point.
    /// </summary>
    public static P256Point DecodeX(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length != 32)
        {
            throw new EscrowFormatException($"A point must be a 32-byte x-coordinate, not {encoded.Length} bytes.");
        }
        var x = new BigInteger(encoded, isUnsigned: true, isBigEndian: true);
        if (x >= P)
        {
            throw new EscrowFormatException("The x-coordinate is not below the field prime.");
        }
        var y = Sqrt(CurveRight(x)) ?? throw new EscrowFormatException("The x-coordinate is not that of a point on P-256.");
        return new P256Point(x, y.IsEven ? y : P - y);
    }

    public static byte[] ToFixed(BigInteger value, int length)
    {
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length > length)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "The value does not fit.");
        }
        var output = new byte[length];
        bytes.CopyTo(output, length - bytes.Length);
        return output;
    }

    private readonly record struct Jacobian(BigInteger X, BigInteger Y, BigInteger Z)
    {
        public static readonly Jacobian Infinity = new(BigInteger.One, BigInteger.One, BigInteger.Zero);

        public bool IsInfinity => Z.IsZero;
    }

    private static Jacobian FromAffine(P256Point point) => point.IsInfinity ? Jacobian.Infinity : new Jacobian(point.X, point.Y, BigInteger.One);

    private static P256Point ToAffine(Jacobian point)
    {
        if (point.IsInfinity)
        {
            return P256Point.Infinity;
        }
        var zInverse = Inverse(point.Z, P);
        var z2 = zInverse * zInverse % P;
        return new P256Point(Mod(point.X * z2, P), Mod(point.Y * z2 % P * zInverse, P));
    }

    // dbl-2001-b (a = −3).
    private static Jacobian Double(Jacobian p1)
    {
        if (p1.IsInfinity || p1.Y.IsZero)
        {
            return Jacobian.Infinity;
        }
        var delta = p1.Z * p1.Z % P;
        var gamma = p1.Y * p1.Y % P;
        var beta = p1.X * gamma % P;
        var alpha = 3 * Mod(p1.X - delta, P) * (p1.X + delta) % P;
        var x3 = Mod((alpha * alpha) - (8 * beta), P);
        var z3 = Mod(((p1.Y + p1.Z) * (p1.Y + p1.Z)) - gamma - delta, P);
        var y3 = Mod((alpha * Mod((4 * beta) - x3, P)) - (8 * (gamma * gamma % P)), P);
        return new Jacobian(x3, y3, z3);
    }

    // add-2007-bl.
    private static Jacobian AddJacobian(Jacobian p1, Jacobian p2)
    {
        if (p1.IsInfinity)
        {
            return p2;
        }
        if (p2.IsInfinity)
        {
            return p1;
        }
        var z1z1 = p1.Z * p1.Z % P;
        var z2z2 = p2.Z * p2.Z % P;
        var u1 = p1.X * z2z2 % P;
        var u2 = p2.X * z1z1 % P;
        var s1 = p1.Y * p2.Z % P * z2z2 % P;
        var s2 = p2.Y * p1.Z % P * z1z1 % P;
        var h = Mod(u2 - u1, P);
        var r = Mod(2 * (s2 - s1), P);
        if (h.IsZero)
        {
            return r.IsZero ? Double(p1) : Jacobian.Infinity;
        }
        var i = 4 * h * h % P;
        var j = h * i % P;
        var v = u1 * i % P;
        var x3 = Mod((r * r) - j - (2 * v), P);
        var y3 = Mod((r * Mod(v - x3, P)) - (2 * s1 * j), P);
        var z3 = Mod((((p1.Z + p2.Z) * (p1.Z + p2.Z)) - z1z1 - z2z2) * h, P);
        return new Jacobian(x3, y3, z3);
    }
}

/// <summary>Input that is not a valid escrow value (a point, a share, an entry): refused, never repaired.</summary>
public sealed class EscrowFormatException(string message) : Exception(message);
