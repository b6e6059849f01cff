using System.Numerics;
using System.Security.Cryptography;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// The OPRF key holder: applies its secret scalar k to blinded points and nothing else. It never sees
/// who is named (the point is blinded) and it never sees the stored entries. The scalar multiplication
/// by k is the platform's ECDH (OpenSSL), which also refuses points not on the curve. Whoever calls it
/// limits how often (each evaluation lets the caller test one directory id): Upstander's endpoint per
/// account, and the separate key holder (src/Upstander.Oprf) per caller and overall. This file is linked
/// into that separate key holder, so it depends on nothing but <see cref="P256"/>.
/// </summary>
public sealed class OprfKeyHolder(ECDiffieHellman key) : IDisposable
{
    /// <summary>The secret scalar, for tests that compare the blinded protocol with k·H(input) computed directly.</summary>
    internal BigInteger Scalar => new(key.ExportParameters(true).D, isUnsigned: true, isBigEndian: true);

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
        return key.DeriveRawSecretAgreement(peer.PublicKey);
    }

    public void Dispose() => key.Dispose();
}
