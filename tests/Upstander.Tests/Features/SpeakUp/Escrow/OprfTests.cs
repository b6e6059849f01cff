using System.Numerics;
using Upstander.Features.SpeakUp.Escrow;

namespace Upstander.Tests.Features.SpeakUp.Escrow;

public sealed class OprfTests
{
    private readonly Random _random = new(9380);

    [Fact]
    public void The_blinded_evaluation_equals_k_times_the_hashed_input_and_does_not_depend_on_r()
    {
        var k = EscrowTestKeys.Scalar(_random);
        using var holder = EscrowTestKeys.Holder(k);
        holder.Scalar.ShouldBe(k);
        var organisation = _random.NextGuid();
        var person = _random.NextGuid();
        var input = Oprf.Input(organisation, person);
        var direct = Oprf.Output(input, P256.EncodeX(P256.Multiply(k, Oprf.HashInput(input))));
        var outputs = new List<byte[]>();
        for (var i = 0; i < 5; i++)
        {
            var r = EscrowTestKeys.Scalar(_random);
            var blinded = Oprf.Blind(input, r);
            blinded.ShouldNotBe(P256.EncodeX(Oprf.HashInput(input)));
            outputs.Add(Oprf.Finalize(input, r, holder.Evaluate(blinded)));
        }
        outputs.Select(Convert.ToHexString).ShouldAllBe(o => o == Convert.ToHexString(direct));
    }

    [Fact]
    public void The_output_differs_per_person_per_organisation_and_per_key()
    {
        using var holder = EscrowTestKeys.Holder(EscrowTestKeys.Scalar(_random));
        using var other = EscrowTestKeys.Holder(EscrowTestKeys.Scalar(_random));
        var (organisation, secondOrganisation) = (_random.NextGuid(), _random.NextGuid());
        var (person, secondPerson) = (_random.NextGuid(), _random.NextGuid());
        var outputs = new[]
        {
            Oprf.Run(organisation, person, b => holder.Evaluate(b)),
            Oprf.Run(organisation, secondPerson, b => holder.Evaluate(b)),
            Oprf.Run(secondOrganisation, person, b => holder.Evaluate(b)),
            Oprf.Run(organisation, person, b => other.Evaluate(b)),
        };
        outputs.Select(Convert.ToHexString).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void The_input_is_the_canonical_lowercase_directory_id()
    {
        var organisation = Guid.Parse("6F9619FF-8B86-D011-B42D-00CF4FC964FF");
        var person = Guid.Parse("00000000-0000-0000-0000-0000000000AB");
        System.Text.Encoding.ASCII.GetString(Oprf.Input(organisation, person))
            .ShouldBe("6f9619ff-8b86-d011-b42d-00cf4fc964ff/00000000-0000-0000-0000-0000000000ab");
    }

    public static TheoryData<string, byte[]> BadPoints => new()
    {
        { "empty", [] },
        { "31 bytes", new byte[31] },
        { "33 bytes (compressed form)", [0x02, .. P256.EncodeX(P256.G)] },
        { "x = p", P256.ToFixed(P256.P, 32) },
        { "all ones", Enumerable.Repeat((byte)0xff, 32).ToArray() },
        { "not on the curve", NotOnCurve() },
    };

    [Theory]
    [MemberData(nameof(BadPoints))]
    public void Invalid_points_are_refused_by_the_key_holder_and_by_the_client(string label, byte[] point)
    {
        using var holder = EscrowTestKeys.Holder(EscrowTestKeys.Scalar(_random));
        Should.Throw<EscrowFormatException>(() => holder.Evaluate(point), label);
        var input = Oprf.Input(Guid.NewGuid(), Guid.NewGuid());
        Should.Throw<EscrowFormatException>(() => Oprf.Finalize(input, 5, point), label);
    }

    private static byte[] NotOnCurve()
    {
        for (var x = BigInteger.One; ; x++)
        {
            if (P256.Sqrt(P256.CurveRight(x)) is null)
            {
                return P256.ToFixed(x, 32);
            }
        }
    }
}
