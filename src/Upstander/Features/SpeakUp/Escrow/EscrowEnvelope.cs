using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// What is uploaded and stored for one held report: the matching index π, the threshold t, and c, the
/// share and the encrypted record sealed to the reviewers' public key. Nothing else.
/// </summary>
public sealed record EscrowEntry(byte[] Index, int Threshold, byte[] Sealed);

/// <summary>One opened record: the reporter's coordinate and the payload they wrote.</summary>
public sealed record OpenedRecord(BigInteger ReporterX, byte[] Payload);

/// <summary>
/// Builds entries exactly as the browser does (wwwroot/js/escrow.js): record AEAD under a key derived
/// from K, then ECIES (ephemeral-static ECDH P-256, HKDF-SHA-256, AES-256-GCM) to the reviewers.
/// </summary>
public static class EscrowEnvelope
{
    public const byte Version = 1;
    private const int PointLength = 65;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    public static EscrowEntry Create(ReadOnlySpan<byte> oprfOutput, Guid organisationId, Guid reporterId, int threshold,
        ReadOnlySpan<byte> payload, ReadOnlySpan<byte> reviewersPublicKey)
    {
        var secrets = EscrowShares.Derive(oprfOutput, threshold);
        var u = EscrowShares.ReporterX(oprfOutput, organisationId, reporterId);
        return Seal(secrets, new EscrowShare(u, secrets.ShareAt(u)), payload, reviewersPublicKey);
    }

    /// <summary>Seals a given share (tests use it to make a share that lies).</summary>
    internal static EscrowEntry Seal(EscrowSecrets secrets, EscrowShare share, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> reviewersPublicKey)
    {
        var record = AeadSeal(RecordKey(secrets.RecordKey), payload, RecordContext(secrets.Index));
        byte[] inner = [.. P256.ToFixed(share.U, 16), .. P256.ToFixed(share.S, 16), .. record];

        using var reviewers = ImportPublic(reviewersPublicKey);
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ephemeralPublic = RawPublic(ephemeral.ExportParameters(false));
        var shared = ephemeral.DeriveRawSecretAgreement(reviewers.PublicKey);
        var key = EnvelopeKey(shared, ephemeralPublic, reviewersPublicKey);
        byte[] sealedBytes = [Version, .. ephemeralPublic, .. AeadSeal(key, inner, EntryContext(secrets.Index, secrets.Threshold))];
        return new EscrowEntry(secrets.Index, secrets.Threshold, sealedBytes);
    }

    /// <summary>Opens c with the reviewers' private key: (U, s) and the still-encrypted record.</summary>
    internal static (EscrowShare Share, byte[] Record) OpenEnvelope(EscrowEntry entry, ECDiffieHellman reviewers)
    {
        var c = entry.Sealed;
        if (c.Length < 1 + PointLength + NonceLength + TagLength + 32 || c[0] != Version)
        {
            throw new EscrowOpenException("An entry is not a version 1 escrow envelope.");
        }
        var ephemeralPublic = c.AsSpan(1, PointLength).ToArray();
        var reviewersPublic = RawPublic(reviewers.ExportParameters(false));
        byte[] inner;
        try
        {
            using var ephemeral = ImportPublic(ephemeralPublic);
            var shared = reviewers.DeriveRawSecretAgreement(ephemeral.PublicKey);
            inner = AeadOpen(EnvelopeKey(shared, ephemeralPublic, reviewersPublic), c.AsSpan(1 + PointLength), EntryContext(entry.Index, entry.Threshold));
        }
        catch (CryptographicException ex)
        {
            throw new EscrowOpenException("An entry failed authentication: it was altered, moved, or sealed to another key.", ex);
        }
        var share = new EscrowShare(
            new BigInteger(inner.AsSpan(0, 16), isUnsigned: true, isBigEndian: true),
            new BigInteger(inner.AsSpan(16, 16), isUnsigned: true, isBigEndian: true));
        return (share, inner[32..]);
    }

    internal static byte[] OpenRecord(BigInteger recordKey, byte[] index, byte[] record) =>
        AeadOpen(RecordKey(recordKey), record, RecordContext(index));

    public static byte[] RawPublic(ECParameters parameters) => [0x04, .. parameters.Q.X!, .. parameters.Q.Y!];

    /// <summary>A P-256 public key from its 65-byte uncompressed form; the platform checks it is on the curve.</summary>
    public static ECDiffieHellman ImportPublic(ReadOnlySpan<byte> raw)
    {
        if (raw.Length != PointLength || raw[0] != 0x04)
        {
            throw new EscrowFormatException("A public key must be a 65-byte uncompressed P-256 point.");
        }
        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = raw[1..33].ToArray(), Y = raw[33..].ToArray() },
        };
        var point = new P256Point(new BigInteger(parameters.Q.X, true, true), new BigInteger(parameters.Q.Y, true, true));
        if (!P256.IsOnCurve(point))
        {
            throw new EscrowFormatException("The public key is not a point on P-256.");
        }
        return ECDiffieHellman.Create(parameters);
    }

    private static byte[] EnvelopeKey(byte[] shared, byte[] ephemeralPublic, ReadOnlySpan<byte> reviewersPublic) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, 32, salt: [.. ephemeralPublic, .. reviewersPublic],
            info: Encoding.UTF8.GetBytes("upstander escrow v1 reviewers"));

    private static byte[] RecordKey(BigInteger k) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, P256.ToFixed(k, 16), 32, salt: [], info: Encoding.UTF8.GetBytes("upstander escrow v1 record aead"));

    private static byte[] EntryContext(byte[] index, int threshold) =>
        Encoding.UTF8.GetBytes($"upstander escrow v1 entry|{Convert.ToHexStringLower(index)}|t={threshold}");

    private static byte[] RecordContext(byte[] index) =>
        Encoding.UTF8.GetBytes($"upstander escrow v1 record|{Convert.ToHexStringLower(index)}");

    /// <summary>nonce ‖ ciphertext ‖ tag, the layout WebCrypto's AES-GCM produces after its nonce.</summary>
    private static byte[] AeadSeal(byte[] key, ReadOnlySpan<byte> plain, byte[] context)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagLength];
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, plain, cipher, tag, context);
        return [.. nonce, .. cipher, .. tag];
    }

    private static byte[] AeadOpen(byte[] key, ReadOnlySpan<byte> sealedBytes, byte[] context)
    {
        if (sealedBytes.Length < NonceLength + TagLength)
        {
            throw new CryptographicException("Too short.");
        }
        var cipher = sealedBytes[NonceLength..^TagLength];
        var plain = new byte[cipher.Length];
        using var aes = new AesGcm(key, TagLength);
        aes.Decrypt(sealedBytes[..NonceLength], cipher, sealedBytes[^TagLength..], plain, context);
        return plain;
    }
}

/// <summary>
/// What the reviewers do once a group has reached its threshold: decrypt each c, take the points of
/// distinct reporters, interpolate K at 0 and open every record. Fewer than t distinct reporters, or
/// any value that fails authentication, is a clear failure; nothing is ever returned half-opened.
/// </summary>
public static class EscrowOpener
{
    public static IReadOnlyList<OpenedRecord> Open(IReadOnlyList<EscrowEntry> entries, ECDiffieHellman reviewerKey)
    {
        if (entries.Count == 0)
        {
            throw new EscrowOpenException("There are no entries to open.");
        }
        var index = entries[0].Index;
        var threshold = entries[0].Threshold;
        if (entries.Any(e => !e.Index.AsSpan().SequenceEqual(index) || e.Threshold != threshold))
        {
            throw new EscrowOpenException("The entries do not share one matching index and threshold.");
        }
        var opened = entries.Select(e => EscrowEnvelope.OpenEnvelope(e, reviewerKey)).ToList();
        var distinct = opened.GroupBy(o => o.Share.U).Select(g => g.First()).ToList();
        if (distinct.Count < threshold)
        {
            throw new EscrowOpenException($"Only {distinct.Count} distinct reporter(s); this entry needs {threshold}.");
        }
        var key = EscrowShares.Recover(distinct.Take(threshold).Select(o => o.Share).ToList());
        try
        {
            return opened.Select(o => new OpenedRecord(o.Share.U, EscrowEnvelope.OpenRecord(key, index, o.Record))).ToList();
        }
        catch (CryptographicException ex)
        {
            throw new EscrowOpenException("A record failed authentication: a share is wrong or a record was altered.", ex);
        }
    }
}
