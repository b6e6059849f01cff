using System.Security.Cryptography;

namespace Upstander.Features.SpeakUp.Escrow;

/// <summary>Bound from the "Escrow" configuration section.</summary>
public sealed class EscrowOptions
{
    /// <summary>The OPRF key holder's key. Default: escrow-oprf.key beside the master key. Never in the data directory, never in the database.</summary>
    public string? OprfKeyFile { get; set; }

    /// <summary>The reviewers' key pair. Default: escrow-reviewers.key beside the master key. Never in the data directory, never in the database.</summary>
    public string? ReviewerKeyFile { get; set; }

    /// <summary>OPRF evaluations each account may ask for per minute (the token bucket's refill).</summary>
    public int OprfEvaluationsPerMinute { get; set; } = 20;

    /// <summary>The most evaluations an account may ask for at once (the bucket's size).</summary>
    public int OprfBurst { get; set; } = 20;

    /// <summary>
    /// The base address of a separate OPRF key holder (src/Upstander.Oprf). When set, evaluations go there
    /// and this process neither creates nor loads an OPRF key; when empty, the key holder runs in-process.
    /// </summary>
    public string? OprfUrl { get; set; }

    /// <summary>The file holding the secret shared with the separate key holder (HMAC-SHA256 of every request).</summary>
    public string? OprfClientSecretFile { get; set; }

    /// <summary>Escrow entries each account may upload per hour (a token bucket of this size, refilled hourly).</summary>
    public int EntriesPerHour { get; set; } = 5;

    /// <summary>
    /// How long an entry that has not been released is kept (<see cref="HeldEntryExpiry"/>), in months; at least 1. The
    /// escrow page tells the reporter before they send.
    /// </summary>
    public int HeldMonths { get; set; } = 36;

    /// <summary>
    /// Groups are judged, and released, only at the boundaries of this period (multiples of it since 1970, UTC: by default
    /// each hour, on the hour), never inside the request of the entry that completed one, and a release's times are
    /// the boundary's. So neither the answer to an upload nor its duration, nor the time a report appears, tells anyone
    /// which upload completed a group (see docs/escrow.md). Between one second and one day; a shorter period says more.
    /// </summary>
    public TimeSpan JudgementPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The boundary at or before <paramref name="now"/>.</summary>
    public DateTimeOffset BoundaryAtOrBefore(DateTimeOffset now) =>
        new(now.UtcTicks - (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % JudgementPeriod.Ticks, TimeSpan.Zero);

    /// <summary>The first boundary after <paramref name="now"/>: when an entry arriving now is first judged.</summary>
    public DateTimeOffset BoundaryAfter(DateTimeOffset now) => BoundaryAtOrBefore(now) + JudgementPeriod;
}

/// <summary>The reviewers' key pair: entries are sealed to its public half; only opening uses the private half.</summary>
public sealed class EscrowReviewerKey(ECDiffieHellman key) : IDisposable
{
    public ECDiffieHellman Key { get; } = key;

    /// <summary>The 65-byte uncompressed public key a browser imports with WebCrypto ("raw").</summary>
    public byte[] PublicKey => EscrowEnvelope.RawPublic(Key.ExportParameters(false));

    public void Dispose() => Key.Dispose();
}
