using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Upstander.Platform.Auditing;

/// <summary>The outcome of checking the chain: where it first breaks, and why.</summary>
public sealed record AuditVerification(bool Intact, long RowsChecked, long? BrokenAtSequence, string? Problem)
{
    public static AuditVerification Ok(long rows) => new(true, rows, null, null);
}

/// <summary>
/// Links and verifies audit rows. Pure: the key comes from the key ring, the rows from the caller.
/// Sequences start at 1 and must be contiguous; each hash covers the previous hash, so a row
/// deleted, inserted, edited or moved is found at the first place it disturbs.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

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

    /// <summary>Checks rows in the order the store returns them by sequence; stops at the first break.</summary>
    public static AuditVerification Verify(IEnumerable<AuditEvent> rowsInSequenceOrder, byte[] key)
    {
        long expected = 1;
        var previous = Genesis;
        long count = 0;
        foreach (var e in rowsInSequenceOrder)
        {
            count++;
            if (e.Sequence != expected)
            {
                return new AuditVerification(false, count, e.Sequence, e.Sequence > expected
                    ? $"rows {expected} to {e.Sequence - 1} are missing (deleted)"
                    : $"row {e.Sequence} appears out of order or twice");
            }
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(e.PreviousHash), Encoding.ASCII.GetBytes(previous)))
            {
                return new AuditVerification(false, count, e.Sequence, $"row {e.Sequence} does not follow the row before it (inserted, reordered or its predecessor was replaced)");
            }
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(e, key)), Encoding.ASCII.GetBytes(e.Hash)))
            {
                return new AuditVerification(false, count, e.Sequence, $"row {e.Sequence} was changed after it was written");
            }
            previous = e.Hash;
            expected++;
        }
        return AuditVerification.Ok(count);
    }
}
