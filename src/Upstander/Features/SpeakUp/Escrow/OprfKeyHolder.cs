using System.Numerics;
using System.Security.Cryptography;
using System.Threading.RateLimiting;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// The OPRF key holder: applies its secret scalar k to blinded points and nothing else. It never sees
/// who is named (the point is blinded) and it never sees the stored entries. Every caller is limited by
/// a token bucket, because each evaluation lets the caller test one directory id; without the limit an
/// account could compute the index of everyone in the directory. The scalar multiplication by k is the
/// platform's ECDH (OpenSSL), which also refuses points not on the curve.
/// </summary>
public sealed class OprfKeyHolder : IDisposable
{
    private readonly ECDiffieHellman _key;
    private readonly PartitionedRateLimiter<Guid> _limiter;

    public OprfKeyHolder(ECDiffieHellman key, EscrowOptions options)
    {
        _key = key;
        var perMinute = Math.Max(1, options.OprfEvaluationsPerMinute);
        var burst = Math.Max(1, options.OprfBurst);
        _limiter = PartitionedRateLimiter.Create<Guid, Guid>(caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>The secret scalar, for tests that compare the blinded protocol with k·H(input) computed directly.</summary>
    internal BigInteger Scalar => new(_key.ExportParameters(true).D, isUnsigned: true, isBigEndian: true);

    /// <summary>Takes one evaluation from the caller's bucket; false when it is empty.</summary>
    public bool TryAcquire(Guid caller)
    {
        using var lease = _limiter.AttemptAcquire(caller);
        return lease.IsAcquired;
    }

    /// <summary>x(k·B) for the blinded point B given by its x-coordinate; refuses anything not on P-256.</summary>
    public byte[] Evaluate(ReadOnlySpan<byte> blindedX)
    {
        var point = P256.DecodeX(blindedX);
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = P256.ToFixed(point.X, 32), Y = P256.ToFixed(point.Y, 32) },
        };
        using var peer = ECDiffieHellman.Create(parameters);
        return _key.DeriveRawSecretAgreement(peer.PublicKey);
    }

    public void Dispose()
    {
        _limiter.Dispose();
        _key.Dispose();
    }
}
