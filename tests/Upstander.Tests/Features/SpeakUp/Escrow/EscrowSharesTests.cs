using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Upstander.Features.SpeakUp.Escrow;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

public sealed class EscrowSharesTests : IDisposable
{
    private readonly Random _random = new(2018);
    private readonly OprfKeyHolder _holder;
    private readonly ECDiffieHellman _reviewers;
    private readonly byte[] _reviewersPublic;
    private readonly Guid _organisation;

    public EscrowSharesTests()
    {
        _holder = EscrowTestKeys.Holder(EscrowTestKeys.Scalar(_random));
        _reviewers = EscrowTestKeys.FromScalar(EscrowTestKeys.Scalar(_random));
        _reviewersPublic = EscrowEnvelope.RawPublic(_reviewers.ExportParameters(false));
        _organisation = _random.NextGuid();
    }

    public void Dispose()
    {
        _holder.Dispose();
        _reviewers.Dispose();
    }

    private byte[] OprfOf(Guid person) => Oprf.Run(_organisation, person, b => _holder.Evaluate(b));

    private EscrowEntry Entry(byte[] oprf, Guid reporter, int threshold, string payload) =>
        EscrowEnvelope.Create(oprf, _organisation, reporter, threshold, Encoding.UTF8.GetBytes(payload), _reviewersPublic);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Any_t_of_n_reporters_open_every_record_and_t_minus_1_never_do(int threshold)
    {
        var oprf = OprfOf(_random.NextGuid());
        var n = threshold + 3;
        var entries = Enumerable.Range(0, n).Select(i => Entry(oprf, _random.NextGuid(), threshold, $"report {i}")).ToList();
        entries.Select(e => Convert.ToHexString(e.Index)).Distinct().Count().ShouldBe(1);
        for (var round = 0; round < 10; round++)
        {
            var subset = entries.OrderBy(_ => _random.Next()).Take(threshold + _random.Next(0, n - threshold + 1)).ToList();
            var opened = EscrowOpener.Open(subset, _reviewers);
            opened.Select(o => Encoding.UTF8.GetString(o.Payload)).ShouldBe(subset.Select(e => "report " + entries.IndexOf(e)));

            var tooFew = entries.OrderBy(_ => _random.Next()).Take(threshold - 1).ToList();
            Should.Throw<EscrowOpenException>(() => EscrowOpener.Open(tooFew, _reviewers)).Message.ShouldContain("distinct reporter");
        }
    }

    [Fact]
    public void The_same_reporter_twice_never_counts_twice()
    {
        var oprf = OprfOf(_random.NextGuid());
        var reporter = _random.NextGuid();
        var first = Entry(oprf, reporter, 2, "first time");
        var again = Entry(oprf, reporter, 2, "second time");
        EscrowShares.ReporterX(oprf, _organisation, reporter).ShouldBe(EscrowShares.ReporterX([.. oprf], _organisation, reporter));
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([first, again], _reviewers)).Message.ShouldContain("Only 1 distinct reporter");
        Should.Throw<EscrowOpenException>(() => EscrowShares.Recover(
            [new EscrowShare(7, 1), new EscrowShare(7, 2)])).Message.ShouldContain("cannot count twice");
        // A second, different reporter completes it, and both of the first reporter's records open.
        var opened = EscrowOpener.Open([first, again, Entry(oprf, _random.NextGuid(), 2, "someone else")], _reviewers);
        opened.Count.ShouldBe(3);
    }

    [Fact]
    public void A_wrong_share_or_an_altered_envelope_fails_authentication_instead_of_returning_garbage()
    {
        var oprf = OprfOf(_random.NextGuid());
        var secrets = EscrowShares.Derive(oprf, 2);
        var honest = Entry(oprf, _random.NextGuid(), 2, "honest");
        var u = EscrowShares.ReporterX(oprf, _organisation, _random.NextGuid());
        var lying = EscrowEnvelope.Seal(secrets, new EscrowShare(u, (secrets.ShareAt(u) + 1) % EscrowShares.Prime), "lying"u8, _reviewersPublic);
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([honest, lying], _reviewers)).Message.ShouldContain("failed authentication");

        var second = Entry(oprf, _random.NextGuid(), 2, "second");
        var altered = second with { Sealed = [.. second.Sealed] };
        altered.Sealed[^20] ^= 1;
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([honest, altered], _reviewers)).Message.ShouldContain("failed authentication");

        // Moved to another index (or threshold): the envelope is bound to both.
        var elsewhere = Entry(OprfOf(_random.NextGuid()), _random.NextGuid(), 2, "other person");
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([honest, elsewhere with { Index = honest.Index }], _reviewers));
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([honest, elsewhere], _reviewers)).Message.ShouldContain("one matching index");

        using var stranger = EscrowTestKeys.FromScalar(EscrowTestKeys.Scalar(_random));
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([honest, second], stranger));
    }

    /// <summary>
    /// Before the honest entries, in the order the opener takes them: a wrong share whose record is sealed under K, a point
    /// on an honest reporter's U with a wrong share, and a right share whose record is sealed under another key. Each is
    /// left out; the honest records open, and only they.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void A_wrong_share_or_a_garbage_record_is_left_out_and_the_honest_records_still_open(int threshold)
    {
        var oprf = OprfOf(_random.NextGuid());
        var secrets = EscrowShares.Derive(oprf, threshold);
        var reporters = Enumerable.Range(0, threshold).Select(_ => _random.NextGuid()).ToList();
        var honest = reporters.Select((r, i) => Entry(oprf, r, threshold, $"honest {i}")).ToList();
        var u = EscrowShares.ReporterX(oprf, _organisation, _random.NextGuid());
        var lying = EscrowEnvelope.Seal(secrets, new EscrowShare(u, (secrets.ShareAt(u) + 1) % EscrowShares.Prime), "lying"u8, _reviewersPublic);
        var copied = EscrowShares.ReporterX(oprf, _organisation, reporters[0]);
        var posing = EscrowEnvelope.Seal(secrets, new EscrowShare(copied, (secrets.ShareAt(copied) + 7) % EscrowShares.Prime), "posing"u8, _reviewersPublic);
        var v = EscrowShares.ReporterX(oprf, _organisation, _random.NextGuid());
        var garbage = EscrowEnvelope.Seal(secrets with { RecordKey = (secrets.RecordKey + 1) % EscrowShares.Prime },
            new EscrowShare(v, secrets.ShareAt(v)), "garbage"u8, _reviewersPublic);

        foreach (var poisoned in new[] { lying, posing, garbage })
        {
            var opened = EscrowOpener.Open([poisoned, .. honest], _reviewers);
            opened.Select(o => Encoding.UTF8.GetString(o.Payload)).ShouldBe(honest.Select((_, i) => $"honest {i}"));
            opened.Select(o => o.Position).ShouldBe(Enumerable.Range(1, threshold));
        }
        var all = EscrowOpener.Open([lying, posing, garbage, .. honest], _reviewers);
        all.Select(o => Encoding.UTF8.GetString(o.Payload)).ShouldBe(honest.Select((_, i) => $"honest {i}"));

        // Without t honest entries nothing opens, whatever else is there.
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([lying, posing, garbage, .. honest.Skip(1)], _reviewers))
            .Message.ShouldContain("failed authentication");
    }

    /// <summary>
    /// An uploader can make any number of entries on a polynomial of their own, under the group's index, whose records
    /// open under their own key. Counted by U they outnumber the honest reporters; counted by reporter (what the store
    /// does, with attestations only the reporter's own session can have) the honest key wins.
    /// </summary>
    [Fact]
    public void The_key_kept_is_the_one_that_opens_the_records_of_the_most_distinct_reporters()
    {
        var oprf = OprfOf(_random.NextGuid());
        var secrets = EscrowShares.Derive(oprf, 2);
        var honest = Enumerable.Range(0, 2).Select(i => Entry(oprf, _random.NextGuid(), 2, $"honest {i}")).ToList();
        var own = secrets with { RecordKey = EscrowShares.Prime - 5, Coefficients = [12345] };
        var forged = Enumerable.Range(0, 4).Select(i =>
        {
            var u = new BigInteger(1000 + i);
            return EscrowEnvelope.Seal(own, new EscrowShare(u, own.ShareAt(u)), Encoding.UTF8.GetBytes($"forged {i}"), _reviewersPublic);
        }).ToList();
        List<EscrowEntry> group = [.. forged, .. honest];

        EscrowOpener.Open(group, _reviewers).Select(o => Encoding.UTF8.GetString(o.Payload)).ShouldBe(["forged 0", "forged 1", "forged 2", "forged 3"]);
        var byReporter = EscrowOpener.Open(group, _reviewers, r => Encoding.UTF8.GetString(r.Payload) is var text && text.StartsWith("forged", StringComparison.Ordinal) ? "one uploader" : text);
        byReporter.Select(o => Encoding.UTF8.GetString(o.Payload)).ShouldBe(["honest 0", "honest 1"]);
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open(forged, _reviewers, _ => "one uploader")).Message.ShouldContain("found 1");
    }

    /// <summary>Two honest entries at t = 2, and 150 entries about the same person whose shares are wrong.</summary>
    private (List<EscrowEntry> Honest, List<EscrowEntry> Wrong) HonestPairAndWrongShares()
    {
        var oprf = OprfOf(_random.NextGuid());
        var secrets = EscrowShares.Derive(oprf, 2);
        var honest = Enumerable.Range(0, 2).Select(i => Entry(oprf, _random.NextGuid(), 2, $"honest {i}")).ToList();
        var wrong = Enumerable.Range(0, 150).Select(i =>
        {
            var u = new BigInteger(1000 + i);
            return EscrowEnvelope.Seal(secrets, new EscrowShare(u, (secrets.ShareAt(u) + 1) % EscrowShares.Prime), "wrong"u8, _reviewersPublic);
        }).ToList();
        return (honest, wrong);
    }

    /// <summary>At most <see cref="EscrowOpener.MaxSubsets"/> subsets are tried: an honest pair behind more wrong shares than that stays held.</summary>
    [Fact]
    public void The_search_for_an_honest_subset_stops_at_its_bound()
    {
        var (honest, wrong) = HonestPairAndWrongShares();
        (150 * 149 / 2).ShouldBeGreaterThan(EscrowOpener.MaxSubsets);

        EscrowOpener.Open([.. honest, .. wrong], _reviewers).Select(o => Encoding.UTF8.GetString(o.Payload)).ShouldBe(["honest 0", "honest 1"]);
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([.. wrong, .. honest], _reviewers))
            .Message.ShouldContain($"No key from {EscrowOpener.MaxSubsets} subset(s)");
    }

    /// <summary>
    /// A search the bound stops says where to go on from; going on from there finds the honest key behind the wrong
    /// shares; one that began further on and reached the last subset says to begin again at the first; and one that
    /// tried every subset from the first says nothing is left.
    /// </summary>
    [Fact]
    public void A_search_stopped_by_its_bound_goes_on_from_where_it_stopped()
    {
        var (honest, wrong) = HonestPairAndWrongShares();
        List<EscrowEntry> group = [.. wrong, .. honest];

        var first = EscrowOpener.Search(group, _reviewers);
        (first.Keys.Count, first.Tried, first.Next).ShouldBe((0, EscrowOpener.MaxSubsets, (long?)EscrowOpener.MaxSubsets));
        var second = EscrowOpener.Search(group, _reviewers, first.Next!.Value);
        second.Keys.Single().Select(o => Encoding.UTF8.GetString(o.Payload)).ShouldBe(["honest 0", "honest 1"]);
        (second.Tried, second.Next).ShouldBe((152 * 151 / 2 - EscrowOpener.MaxSubsets, (long?)0), "it reached the last subset, having begun further on");

        var small = EscrowOpener.Search([.. wrong.Take(20), .. honest], _reviewers);
        (small.Tried, small.Next).ShouldBe((22 * 21 / 2, (long?)null), "every subset from the first was tried");
    }

    [Fact]
    public void Entries_made_with_different_thresholds_never_share_an_index()
    {
        var oprf = OprfOf(_random.NextGuid());
        EscrowShares.Derive(oprf, 2).Index.ShouldNotBe(EscrowShares.Derive(oprf, 3).Index);
    }

    [Fact]
    public void Seeded_random_runs_recover_the_key_from_exactly_t_shares_and_never_from_fewer()
    {
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var oprf = new byte[32];
            _random.NextBytes(oprf);
            var threshold = _random.Next(EscrowShares.MinimumThreshold, EscrowShares.MaximumThreshold + 1);
            var secrets = EscrowShares.Derive(oprf, threshold);
            var shares = Enumerable.Range(0, threshold + 2)
                .Select(_ => EscrowShares.ReporterX(oprf, _organisation, _random.NextGuid()))
                .Select(u => new EscrowShare(u, secrets.ShareAt(u)))
                .ToList();
            var subset = shares.OrderBy(_ => _random.Next()).Take(threshold).ToList();
            EscrowShares.Recover(subset).ShouldBe(secrets.RecordKey, $"iteration {iteration}");
            EscrowShares.Recover(shares).ShouldBe(secrets.RecordKey, $"iteration {iteration}, all shares");
            if (threshold > 2)
            {
                EscrowShares.Recover(subset.Take(threshold - 1).ToList()).ShouldNotBe(secrets.RecordKey, $"iteration {iteration}");
            }
        }
    }

    [Fact]
    public void The_stored_data_alone_reveals_neither_who_is_named_nor_what_was_written()
    {
        var directory = Enumerable.Range(0, 40).Select(_ => _random.NextGuid()).ToList();
        var canary = "CANARY-escrow-" + Guid.NewGuid().ToString("N");
        var stored = directory.Take(10)
            .SelectMany(person => new[] { Entry(OprfOf(person), _random.NextGuid(), 2, $"{canary} about {person}") })
            .ToList();

        // A thief with the stored rows and the directory, but not the OPRF key, guesses a key and
        // computes the index of everyone: nothing matches. With the real key everything would.
        using var guessed = EscrowTestKeys.Holder(EscrowTestKeys.Scalar(_random));
        var storedIndexes = stored.Select(e => Convert.ToHexString(e.Index)).ToHashSet();
        var guessedIndexes = directory.Select(p => Convert.ToHexString(EscrowShares.Derive(Oprf.Run(_organisation, p, b => guessed.Evaluate(b)), 2).Index));
        storedIndexes.Intersect(guessedIndexes).ShouldBeEmpty();
        var unkeyed = directory.Select(p => Convert.ToHexString(EscrowShares.Derive(SHA256.HashData(Oprf.Input(_organisation, p)), 2).Index));
        storedIndexes.Intersect(unkeyed).ShouldBeEmpty();
        var realIndexes = directory.Take(10).Select(p => Convert.ToHexString(EscrowShares.Derive(OprfOf(p), 2).Index));
        storedIndexes.SetEquals(realIndexes).ShouldBeTrue();

        foreach (var entry in stored)
        {
            var bytes = entry.Sealed;
            Canary.Contains(bytes, canary).ShouldBeFalse();
            foreach (var person in directory)
            {
                Canary.Contains(bytes, person.ToString()).ShouldBeFalse();
                bytes.AsSpan().IndexOf(person.ToByteArray()).ShouldBe(-1);
            }
        }
    }
}
