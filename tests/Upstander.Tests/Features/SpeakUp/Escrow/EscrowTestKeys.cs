using System.Numerics;
using System.Security.Cryptography;
using Upstander.Features.SpeakUp.Escrow;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

/// <summary>Deterministic keys for the pure tests: a P-256 key from a seeded scalar.</summary>
internal static class EscrowTestKeys
{
    public static ECDiffieHellman FromScalar(BigInteger d)
    {
        var q = P256.Multiply(d, P256.G);
        return ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            D = P256.ToFixed(d, 32),
            Q = new ECPoint { X = P256.ToFixed(q.X, 32), Y = P256.ToFixed(q.Y, 32) },
        });
    }

    public static BigInteger Scalar(Random random)
    {
        var bytes = new byte[48];
        random.NextBytes(bytes);
        return P256.Mod(new BigInteger(bytes, isUnsigned: true, isBigEndian: true), P256.N - 1) + 1;
    }

    public static OprfKeyHolder Holder(BigInteger k) => new(FromScalar(k));

    public static Guid NextGuid(this Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }
}
