using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>A point (U, s) on the escrow polynomial: the reporter's x-coordinate and their share.</summary>
public readonly record struct EscrowShare(BigInteger U, BigInteger S);

/// <summary>What the OPRF output yields: the matching index, the record key K and the polynomial.</summary>
public sealed record EscrowSecrets(byte[] Index, BigInteger RecordKey, IReadOnlyList<BigInteger> Coefficients, int Threshold)
{
    /// <summary>f(U) = K + a₁U + … + a_{t−1}U^{t−1} mod p.</summary>
    public BigInteger ShareAt(BigInteger u)
    {
        var value = BigInteger.Zero;
        for (var i = Coefficients.Count - 1; i >= 0; i--)
        {
            value = ((value + Coefficients[i]) * u) % EscrowShares.Prime;
        }
        return (value + RecordKey) % EscrowShares.Prime;
    }
}

/// <summary>
/// Shamir sharing of the record key over GF(p), p = 2^128 − 159 (as in Callisto). Every value comes
/// from the OPRF output with HKDF-SHA-256 under its own label; the threshold is part of each label, so
/// entries made with different thresholds never share an index or a polynomial.
/// </summary>
public static class EscrowShares
{
    public static readonly BigInteger Prime = (BigInteger.One << 128) - 159;

    public const int MinimumThreshold = 2;
    public const int MaximumThreshold = 10;

    public static EscrowSecrets Derive(ReadOnlySpan<byte> oprfOutput, int threshold)
    {
        if (threshold is < MinimumThreshold or > MaximumThreshold)
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), $"The threshold must be between {MinimumThreshold} and {MaximumThreshold}.");
        }
        if (oprfOutput.Length != 32)
        {
            throw new ArgumentException("The OPRF output is 32 bytes.", nameof(oprfOutput));
        }
        var index = Index(oprfOutput, threshold);
        var key = FieldElement(oprfOutput, $"upstander escrow v1 record key|t={threshold}");
        var coefficients = new List<BigInteger>(threshold - 1);
        for (var i = 1; i < threshold; i++)
        {
            coefficients.Add(FieldElement(oprfOutput, $"upstander escrow v1 coefficient|t={threshold}|i={i}"));
        }
        return new EscrowSecrets(index, key, coefficients, threshold);
    }

    /// <summary>
    /// The matching index π for an OPRF output and threshold: what the browser uploads, and what the server recomputes
    /// at release for the person a record names (<see cref="EscrowSubject"/>). The threshold's range is checked by the caller.
    /// </summary>
    public static byte[] Index(ReadOnlySpan<byte> oprfOutput, int threshold) => Expand(oprfOutput, $"upstander escrow v1 index|t={threshold}");

    /// <summary>
    /// The reporter's x-coordinate U: the same for the same reporter, organisation and named person, so
    /// one reporter can never count twice; nonzero. It is keyed by the OPRF output as well, so the U
    /// values a reviewer sees cannot be tested against a list of directory ids.
    /// </summary>
    public static BigInteger ReporterX(ReadOnlySpan<byte> oprfOutput, Guid organisationId, Guid reporterId)
    {
        var u = FieldElement(oprfOutput, $"upstander escrow v1 reporter|{organisationId:D}/{reporterId:D}".ToLowerInvariant());
        return u.IsZero ? BigInteger.One : u;
    }

    /// <summary>Lagrange interpolation at 0: f(0) from at least two points with distinct, nonzero U.</summary>
    public static BigInteger Recover(IReadOnlyList<EscrowShare> points)
    {
        if (points.Count < 2)
        {
            throw new EscrowOpenException("At least two shares are needed to recover a key.");
        }
        if (points.Select(p => p.U).Distinct().Count() != points.Count)
        {
            throw new EscrowOpenException("Two shares have the same reporter coordinate: a reporter cannot count twice.");
        }
        if (!points.All(InField))
        {
            throw new EscrowOpenException("A share lies outside the field.");
        }
        return new EscrowPolynomial(points).At(BigInteger.Zero);
    }

    /// <summary>0 &lt; U &lt; p and 0 ≤ s &lt; p: a point an honest reporter's browser can make.</summary>
    internal static bool InField(EscrowShare point) => point.U.Sign > 0 && point.U < Prime && point.S.Sign >= 0 && point.S < Prime;

    internal static byte[] Expand(ReadOnlySpan<byte> oprfOutput, string label) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, oprfOutput.ToArray(), 32, salt: [], info: Encoding.UTF8.GetBytes(label));

    private static BigInteger FieldElement(ReadOnlySpan<byte> oprfOutput, string label) =>
        new BigInteger(Expand(oprfOutput, label), isUnsigned: true, isBigEndian: true) % Prime;
}

/// <summary>
/// The polynomial of degree t − 1 through t shares with distinct U in the field, in Lagrange form: its value at 0 is the
/// key those shares give, its value at another reporter's U is the share that reporter must hold to be on it. The
/// caller checks the points (<see cref="EscrowShares.Recover"/> does, and so does <see cref="EscrowOpener"/>).
/// </summary>
internal sealed class EscrowPolynomial
{
    private readonly IReadOnlyList<EscrowShare> _points;
    private readonly BigInteger[] _weights;

    /// <summary>wᵢ = sᵢ / ∏_{j≠i}(Uᵢ − Uⱼ), with one modular inverse for all of them.</summary>
    public EscrowPolynomial(IReadOnlyList<EscrowShare> points)
    {
        _points = points;
        var p = EscrowShares.Prime;
        var denominators = new BigInteger[points.Count];
        var prefix = new BigInteger[points.Count];
        var running = BigInteger.One;
        for (var i = 0; i < points.Count; i++)
        {
            var d = BigInteger.One;
            for (var j = 0; j < points.Count; j++)
            {
                if (i != j)
                {
                    d = d * P256.Mod(points[i].U - points[j].U, p) % p;
                }
            }
            denominators[i] = d;
            running = running * d % p;
            prefix[i] = running;
        }
        var inverse = Inverse(running, p);
        _weights = new BigInteger[points.Count];
        for (var i = points.Count - 1; i >= 0; i--)
        {
            var inverseOfThis = i == 0 ? inverse : inverse * prefix[i - 1] % p;
            inverse = inverse * denominators[i] % p;
            _weights[i] = points[i].S * inverseOfThis % p;
        }
    }

    /// <summary>
    /// a⁻¹ mod p by the extended Euclidean algorithm: some forty times faster than a^(p−2) with BigInteger.ModPow, which
    /// matters when an opening tries thousands of subsets. It depends only on the U values, never on a share or on K.
    /// </summary>
    private static BigInteger Inverse(BigInteger a, BigInteger p)
    {
        BigInteger r0 = p, r1 = a, t0 = BigInteger.Zero, t1 = BigInteger.One;
        while (!r1.IsZero)
        {
            var q = BigInteger.DivRem(r0, r1, out var r2);
            (r0, r1) = (r1, r2);
            (t0, t1) = (t1, t0 - (q * t1));
        }
        return P256.Mod(t0, p);
    }

    /// <summary>f(x) = Σ wᵢ ∏_{j≠i}(x − Uⱼ) mod p.</summary>
    public BigInteger At(BigInteger x)
    {
        var p = EscrowShares.Prime;
        var value = BigInteger.Zero;
        for (var i = 0; i < _points.Count; i++)
        {
            var term = _weights[i];
            for (var j = 0; j < _points.Count; j++)
            {
                if (i != j)
                {
                    term = term * P256.Mod(x - _points[j].U, p) % p;
                }
            }
            value = (value + term) % p;
        }
        return value;
    }
}

/// <summary>Entries that cannot be opened: too few, one reporter twice, or a value that fails authentication.</summary>
public sealed class EscrowOpenException(string message, Exception? inner = null) : Exception(message, inner);
