using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>
/// What is uploaded and stored for one held report: the matching index π, the threshold t, and c, the
/// share and the encrypted record sealed to the reviewers' public key. Nothing else.
/// </summary>
public sealed record EscrowEntry(byte[] Index, int Threshold, byte[] Sealed);

/// <summary>
/// One opened record: the reporter's coordinate, the payload they wrote, and where its entry was in the list given to
/// <see cref="EscrowOpener.Open"/>.
/// </summary>
public sealed record OpenedRecord(BigInteger ReporterX, byte[] Payload, int Position);

/// <summary>
/// What <see cref="EscrowOpener.Search"/> found: each key's records, how many subsets it tried, and the group's threshold.
/// <see cref="Next"/> is where a later search should go on from when the bound stopped this one before every subset was
/// tried (0 to start again from the first, when this one began further on); null when nothing is left to find.
/// </summary>
public sealed record EscrowKeySearch(IReadOnlyList<IReadOnlyList<OpenedRecord>> Keys, int Tried, int Threshold, long? Next = null);

/// <summary>One key's records, with how many distinct reporters and how many records among them count.</summary>
public sealed record RankedKey<T>(IReadOnlyList<T> Records, int Reporters, int Counted);

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
/// What the reviewers do once a group has reached its threshold: decrypt each c, recover K from the shares of t distinct
/// reporters and open the records, each on its own. An envelope or a record that fails authentication, or a share that
/// does not lie on the polynomial K came from, is left out, so that one bad upload cannot keep the others closed; what is
/// returned is only ever records that authenticate under the recovered key, never a half-opened or garbage one.
/// </summary>
public static class EscrowOpener
{
    /// <summary>
    /// How many t-subsets of distinct reporters' shares one opening tries at most. Every share in a subset must be
    /// right for it to give K, so a wrong share (or a point that is not anyone's) in the first subset sends the search on
    /// to the next. Ten thousand cover every subset of a group of up to 141 distinct reporters at t = 2, 40 at t = 3,
    /// 25 at t = 5, 16 at t = 10; beyond that a group whose honest subset comes later stays held.
    /// </summary>
    public const int MaxSubsets = 10_000;

    /// <summary>
    /// Opens what a group's entries allow, and keeps the key whose records come from the most distinct reporters
    /// (<see cref="Best{T}"/>): <paramref name="reporterOf"/> says who a record's reporter is (null: it does not count), by
    /// default its U. Fewer than t distinct reporters under the best key, or no key at all, is a clear failure.
    /// </summary>
    public static IReadOnlyList<OpenedRecord> Open(IReadOnlyList<EscrowEntry> entries, ECDiffieHellman reviewerKey,
        Func<OpenedRecord, object?>? reporterOf = null)
    {
        var search = Search(entries, reviewerKey);
        var best = Best(search.Keys, reporterOf ?? (r => r.ReporterX));
        if (best is null || best.Reporters < search.Threshold)
        {
            throw new EscrowOpenException($"No key from {search.Tried} subset(s) of {search.Threshold} distinct reporters' shares opens the records of {search.Threshold} " +
                $"distinct reporters (found {best?.Reporters ?? 0}): a share is wrong or a record failed authentication.");
        }
        return best.Records;
    }

    /// <summary>
    /// Every key a group's entries give. For each t-subset of points (U, s) with distinct U, in the order the entries
    /// come, it recovers K and keeps it only if K opens a record of every point in the subset; the key's records are the
    /// entries whose share lies on that subset's polynomial and whose record opens under K, in entry order. At most
    /// <see cref="MaxSubsets"/> subsets are tried, beginning after the first <paramref name="skip"/> (a search the bound
    /// stopped goes on from <see cref="EscrowKeySearch.Next"/>; past the last subset it begins again at the first), and the
    /// search ends early when one key opens every entry. Which key counts is the caller's choice (<see cref="Best{T}"/>):
    /// the store can only tell once it has read the records. Fewer than t distinct points among the envelopes that open
    /// is a clear failure.
    /// </summary>
    public static EscrowKeySearch Search(IReadOnlyList<EscrowEntry> entries, ECDiffieHellman reviewerKey, long skip = 0)
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
        var envelopes = new List<Envelope>();
        for (var position = 0; position < entries.Count; position++)
        {
            try
            {
                var (share, record) = EscrowEnvelope.OpenEnvelope(entries[position], reviewerKey);
                envelopes.Add(new(position, share, record));
            }
            catch (EscrowOpenException)
            {
                // Altered, moved or sealed to another key: it can never open, and it must not block the others.
            }
        }
        var refused = entries.Count - envelopes.Count;
        var points = envelopes.Select(e => e.Share).Where(EscrowShares.InField).Distinct().ToList();
        var distinct = points.Select(p => p.U).Distinct().Count();
        if (distinct < threshold)
        {
            var failed = refused > 0 ? $" ({refused} failed authentication)" : "";
            throw new EscrowOpenException($"Only {distinct} distinct reporter(s) among the envelopes that open{failed}; this entry needs {threshold}.");
        }

        var recordsAt = envelopes.GroupBy(e => e.Share).ToDictionary(g => g.Key, g => g.Select(e => e.Record).ToList());
        var keys = new List<IReadOnlyList<OpenedRecord>>();
        var found = new List<HashSet<EscrowShare>>();
        var tried = 0;
        long number = 0;
        foreach (var subset in Subsets(points, threshold))
        {
            // Passing over a subset costs no arithmetic; only those tried count towards the bound.
            if (number++ < skip)
            {
                continue;
            }
            if (++tried > MaxSubsets)
            {
                return new(keys, MaxSubsets, threshold, Next: number - 1);
            }
            // t points of a polynomial already found give that same polynomial.
            if (found.Any(on => subset.All(on.Contains)))
            {
                continue;
            }
            var polynomial = new EscrowPolynomial(subset);
            var key = polynomial.At(BigInteger.Zero);
            if (!subset.All(point => recordsAt[point].Any(record => TryOpen(key, index, record) is not null)))
            {
                continue;
            }
            found.Add([.. points.Where(p => polynomial.At(p.U) == p.S)]);
            var records = new List<OpenedRecord>();
            foreach (var envelope in envelopes)
            {
                if (EscrowShares.InField(envelope.Share) && polynomial.At(envelope.Share.U) == envelope.Share.S
                    && TryOpen(key, index, envelope.Record) is { } payload)
                {
                    records.Add(new(envelope.Share.U, payload, envelope.Position));
                }
            }
            keys.Add(records);
            if (records.Count == envelopes.Count)
            {
                return new(keys, tried, threshold);
            }
        }
        // Every subset from skip on was tried. Those before it were tried by earlier searches, but perhaps over other
        // entries (one has arrived, or gone, since): so a search that began further on is followed by one from the start.
        return new(keys, tried, threshold, Next: skip > 0 ? 0 : null);
    }

    /// <summary>
    /// Of the keys found, the one whose records come from the most distinct reporters, then the one with the most records
    /// that count; the first found on a tie. <paramref name="reporterOf"/> says who a record's reporter is, or null when it
    /// does not count. Null when no key was found.
    /// </summary>
    public static RankedKey<T>? Best<T>(IEnumerable<IReadOnlyList<T>> keys, Func<T, object?> reporterOf)
    {
        RankedKey<T>? best = null;
        foreach (var records in keys)
        {
            var counted = records.Select(reporterOf).OfType<object>().ToList();
            var candidate = new RankedKey<T>(records, counted.Distinct().Count(), counted.Count);
            if (best is null || candidate.Reporters > best.Reporters || (candidate.Reporters == best.Reporters && candidate.Counted > best.Counted))
            {
                best = candidate;
            }
        }
        return best;
    }

    private sealed record Envelope(int Position, EscrowShare Share, byte[] Record);

    private static byte[]? TryOpen(BigInteger key, byte[] index, byte[] record)
    {
        try
        {
            return EscrowEnvelope.OpenRecord(key, index, record);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The t-subsets of the points with distinct U, lexicographically in the points' order.</summary>
    private static IEnumerable<EscrowShare[]> Subsets(List<EscrowShare> points, int size)
    {
        var chosen = new int[size];
        var depth = 0;
        chosen[0] = -1;
        while (depth >= 0)
        {
            var next = chosen[depth] + 1;
            while (next < points.Count && Enumerable.Range(0, depth).Any(d => points[chosen[d]].U == points[next].U))
            {
                next++;
            }
            if (next > points.Count - (size - depth))
            {
                depth--;
                continue;
            }
            chosen[depth] = next;
            if (depth == size - 1)
            {
                yield return [.. chosen.Select(i => points[i])];
            }
            else
            {
                depth++;
                chosen[depth] = next;
            }
        }
    }
}
