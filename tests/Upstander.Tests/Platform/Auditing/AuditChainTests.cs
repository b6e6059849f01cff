using Upstander.Platform.Auditing;

namespace Upstander.Tests.Platform.Auditing;

public sealed class AuditChainTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private static List<AuditEvent> Chain(int count)
    {
        var start = new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, count)
            .Select(i => new AuditEvent(start.AddMinutes(i), Guid.Empty, "account", Guid.Empty, "account.sign-in", "account", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "success"))
            .ToList();
        AuditChain.Link(events, 0, AuditChain.Genesis, Key);
        return events;
    }

    [Fact]
    public void A_linked_chain_verifies_and_numbers_from_one()
    {
        var events = Chain(5);
        events.Select(e => e.Sequence).ShouldBe([1, 2, 3, 4, 5]);
        AuditChain.Verify(events, Key).ShouldBe(AuditVerification.Ok(5, new AuditAnchor(5, events[^1].Hash)));
    }

    [Fact]
    public void A_chain_verified_with_another_key_fails_at_the_first_row()
    {
        var other = Key.Select(b => (byte)(b ^ 0xff)).ToArray();
        AuditChain.Verify(Chain(3), other).BrokenAtSequence.ShouldBe(1);
    }

    [Fact]
    public void Appending_to_an_existing_tail_continues_the_sequence_and_the_hash()
    {
        var first = Chain(3);
        var more = new List<AuditEvent> { new(DateTimeOffset.UnixEpoch, null, "system", null, "keys.rotated", null, null, "success") };
        AuditChain.Link(more, first[^1].Sequence, first[^1].Hash, Key);
        AuditChain.Verify(first.Concat(more), Key).Intact.ShouldBeTrue();
        more[0].Sequence.ShouldBe(4);
    }

    [Fact]
    public void An_empty_log_is_intact()
    {
        AuditChain.Verify([], Key).ShouldBe(AuditVerification.Ok(0, null));
    }

    [Fact]
    public void An_anchor_parses_only_as_sequence_colon_sixty_four_hex_digits_and_prints_back_the_same()
    {
        var hash = new string('A', 64);
        AuditAnchor.Parse($" 42:{hash} ").ShouldBe(new AuditAnchor(42, hash.ToLowerInvariant()));
        AuditAnchor.Parse($"42:{hash}")!.ToString().ShouldBe($"42:{hash.ToLowerInvariant()}");
        foreach (var bad in new[] { null, "", "42", $"42:{hash[..63]}", $"-1:{hash}", $"0:{hash}", $"42:{hash}0", $"4 2:{hash}" })
        {
            AuditAnchor.Parse(bad).ShouldBeNull(bad);
        }
    }
}
