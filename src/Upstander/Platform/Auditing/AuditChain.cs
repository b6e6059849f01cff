using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Upstander.Platform.Auditing;

/// <summary>The outcome of checking the chain: where it first breaks, and why; when intact, its newest event.</summary>
public sealed record AuditVerification(bool Intact, long RowsChecked, long? BrokenAtSequence, string? Problem, AuditAnchor? Head = null)
{
    public static AuditVerification Ok(long rows, AuditAnchor? head) => new(true, rows, null, null, head);
}

/// <summary>
/// A point the chain passed through, kept outside the database: event <see cref="Sequence"/> had hash
/// <see cref="Hash"/>. A chain whose newest rows were removed still links, but it no longer passes through an anchor
/// recorded before the removal, so keeping anchors elsewhere (the verb's output, the hourly log line) is what
/// detects truncation. Written and read as "sequence:hash". The hash is an HMAC and says nothing about the event.
/// </summary>
public sealed partial record AuditAnchor(long Sequence, string Hash)
{
    public override string ToString() => $"{Sequence.ToString(CultureInfo.InvariantCulture)}:{Hash}";

    public static AuditAnchor? Parse(string? text)
    {
        var match = text is null ? null : Format().Match(text.Trim());
        return match is { Success: true } && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) && sequence >= 1
            ? new AuditAnchor(sequence, match.Groups[2].Value.ToLowerInvariant())
            : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^([0-9]{1,18}):([0-9a-fA-F]{64})$")]
    private static partial System.Text.RegularExpressions.Regex Format();
}

/// <summary>
/// Links and verifies audit rows. Pure: the key comes from the key ring, the rows from the caller.
/// Sequences start at 1 and must be contiguous; each hash covers the previous hash, so a row
/// deleted, inserted, edited or moved is found at the first place it disturbs.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The newest event's sequence and hash (every organisation's), or null for an empty log: where the next append links, and the anchor to keep.</summary>
    public static async Task<AuditAnchor?> HeadAsync(IQueryable<AuditEvent> events, CancellationToken ct)
    {
        var head = await events.IgnoreQueryFilters().AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(ct);
        return head is null ? null : new AuditAnchor(head.Sequence, head.Hash);
    }

    public static void Link(IEnumerable<AuditEvent> pending, long lastSequence, string lastHash, byte[] key)
    {
        var sequence = lastSequence;
        var previous = lastHash;
        foreach (var e in pending)
        {
            e.Sequence = ++sequence;
            e.PreviousHash = previous;
            e.Hash = Compute(e, key);
            previous = e.Hash;
        }
    }

    public static string Compute(AuditEvent e, byte[] key)
    {
        var canonical = string.Join('\u001f',
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            e.OrganisationId?.ToString("N") ?? "",
            e.ActorKind,
            e.ActorId?.ToString("N") ?? "",
            e.Action,
            e.TargetType ?? "",
            e.TargetId ?? "",
            e.Outcome,
            e.Detail ?? "",
            e.PreviousHash);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>
    /// Checks rows in the order the store returns them by sequence; stops at the first break. With an
    /// <paramref name="anchor"/>, the chain must also reach it and pass through it.
    /// </summary>
    public static AuditVerification Verify(IEnumerable<AuditEvent> rowsInSequenceOrder, byte[] key, AuditAnchor? anchor = null)
    {
        var walk = new Walk(key, anchor);
        foreach (var e in rowsInSequenceOrder)
        {
            if (walk.Step(e) is { } broken)
            {
                return broken;
            }
        }
        return walk.End();
    }

    /// <summary>
    /// <see cref="Verify"/> over rows streamed from the database: one row in memory at a time, so a log of millions of
    /// events is checked in constant memory.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditEvent> rowsInSequenceOrder, byte[] key, AuditAnchor? anchor, CancellationToken ct)
    {
        var walk = new Walk(key, anchor);
        await foreach (var e in rowsInSequenceOrder.WithCancellation(ct))
        {
            if (walk.Step(e) is { } broken)
            {
                return broken;
            }
        }
        return walk.End();
    }

    /// <summary>The whole log (every organisation's), oldest first, untracked: what <see cref="VerifyAsync"/> reads.</summary>
    public static IAsyncEnumerable<AuditEvent> InOrder(IQueryable<AuditEvent> events) =>
        events.IgnoreQueryFilters().AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable();

    private sealed class Walk(byte[] key, AuditAnchor? anchor)
    {
        private long _expected = 1;
        private string _previous = Genesis;
        private long _count;

        /// <summary>The break this row shows, or null when it follows the chain.</summary>
        public AuditVerification? Step(AuditEvent e)
        {
            _count++;
            if (e.Sequence != _expected)
            {
                return new AuditVerification(false, _count, e.Sequence, e.Sequence > _expected
                    ? $"rows {_expected} to {e.Sequence - 1} are missing (deleted)"
                    : $"row {e.Sequence} appears out of order or twice");
            }
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(e.PreviousHash), Encoding.ASCII.GetBytes(_previous)))
            {
                return new AuditVerification(false, _count, e.Sequence, $"row {e.Sequence} does not follow the row before it (inserted, reordered or its predecessor was replaced)");
            }
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(e, key)), Encoding.ASCII.GetBytes(e.Hash)))
            {
                return new AuditVerification(false, _count, e.Sequence, $"row {e.Sequence} was changed after it was written");
            }
            if (anchor is not null && e.Sequence == anchor.Sequence
                && !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(e.Hash), Encoding.ASCII.GetBytes(anchor.Hash)))
            {
                return new AuditVerification(false, _count, e.Sequence,
                    $"row {e.Sequence} is not the one the anchor recorded (rows up to there were removed and others written in their place)");
            }
            _previous = e.Hash;
            _expected++;
            return null;
        }

        public AuditVerification End() =>
            anchor is not null && _count < anchor.Sequence
                ? new AuditVerification(false, _count, _count + 1,
                    $"the chain ends at row {_count}, but the anchor recorded row {anchor.Sequence} (the newest rows were removed)")
                : AuditVerification.Ok(_count, _count == 0 ? null : new AuditAnchor(_count, _previous));
    }
}
