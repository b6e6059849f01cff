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
