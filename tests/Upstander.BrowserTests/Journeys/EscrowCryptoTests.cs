using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Upstander.BrowserTests.Site;
using Upstander.Features.SpeakUp.Escrow;

namespace Upstander.BrowserTests.Journeys;

/// <summary>
/// The browser's escrow code (wwwroot/js/escrow.js, loaded as a module on an ordinary signed-in page)
/// agrees with the server's: RFC 9380 vectors, the OPRF through the real endpoint, and an entry made in
/// the browser that opens together with one made in C# by another reporter.
/// </summary>
public sealed class EscrowCryptoTests(DemoSite site) : IClassFixture<DemoSite>
{
    private const string RfcDst = "QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_";

    // RFC 9380 Appendix J.1.1, P256_XMD:SHA-256_SSWU_RO_ (x of P).
    private static readonly (string Message, string X, string Y)[] Vectors =
    [
        ("", "2c15230b26dbc6fc9a37051158c95b79656e17a1a920b11394ca91c44247d3e4", "8a7a74985cc5c776cdfe4b1f19884970453912e9d31528c060be9ab5c43e8415"),
        ("abc", "0bb8b87485551aa43ed54f009230450b492fead5f1cc91658775dac4a3388a0f", "5c41b3d0731a27a7b14bc0bf0ccded2d8751f83493404c84a88e71ffd424212e"),
        ("abcdef0123456789", "65038ac8f2b1def042a5df0b33b1f4eca6bff7cb0f9c6c1526811864e544ed80", "cad44d40a656e7aff4002a8de287abc8ae0482b5ae825822bb870d6df9b56ca3"),
        ("a512_" + new string('a', 512), "457ae2981f70ca85d8e24c308b14db22f3e3862c5ea0f652ca38b5e49cd64bc5", "ecb9f0eadc9aeed232dabc53235368c1394c78de05dd96893eefa62b0f4757dc"),
    ];

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private sealed record Me(Guid PersonId, Guid OrganisationId);

    private sealed record BrowserResult(string[][] Points, string Oprf, string Index, int Threshold, string Sealed);

    [Fact]
    public async Task The_browser_hashes_blinds_and_seals_exactly_as_the_server_opens()
    {
        var signIns = await site.Server.DemoSignInsAsync();
        var named = await site.SignedInAsync(signIns["PeerSupporter"]);
        var namedPerson = (await MeAsync(named)).PersonId;
        var page = await site.SignedInAsync(signIns["Employee"]);
        var reporter = await MeAsync(page);

        // The reviewers' key is made where the server keeps it; the page is given its public half.
        var keys = Path.Combine(site.Server.Folder, "keys");
        using var reviewers = EscrowKeyFile.LoadOrCreate(Path.Combine(keys, "escrow-reviewers.key"), Path.Combine(site.Server.Folder, "data"));
        var reviewersPublic = EscrowEnvelope.RawPublic(reviewers.ExportParameters(false));

        var json = await page.EvaluateAsync<JsonElement>(
            """
            async ({ dst, messages, organisationId, personId, reporterId, reviewers }) => {
              const escrow = await import("/js/escrow.js");
              const encoder = new TextEncoder();
              const points = [];
              for (const message of messages) {
                const p = await escrow.hashToCurve(encoder.encode(message), encoder.encode(dst));
                points.push([p.x.toString(16).padStart(64, "0"), p.y.toString(16).padStart(64, "0")]);
              }
              const token = document.querySelector('input[name="__RequestVerificationToken"]').value;
              const oprfOutput = await escrow.oprf(organisationId, personId, { token });
              const entry = await escrow.createEntry({
                oprfOutput, organisationId, reporterId, threshold: 2,
                payload: "They mock my accent in every team meeting.", reviewersPublicKey: reviewers,
              });
              return { points, oprf: escrow.toBase64url(oprfOutput), index: entry.index, threshold: entry.threshold, sealed: entry.sealed };
            }
            """,
            new
            {
                dst = RfcDst,
                messages = Vectors.Select(v => v.Message).ToArray(),
                organisationId = reporter.OrganisationId.ToString(),
                personId = namedPerson.ToString(),
                reporterId = reporter.PersonId.ToString(),
                reviewers = Base64Url.Encode(reviewersPublic),
            });
        var result = json.Deserialize<BrowserResult>(Web)!;

        result.Points.Select(p => (p[0], p[1])).ShouldBe(Vectors.Select(v => (v.X, v.Y)));

        // The same OPRF output as k·H(input) computed directly with the key holder's key file.
        using var oprfKey = EscrowKeyFile.LoadOrCreate(Path.Combine(keys, "escrow-oprf.key"), null);
        var k = new BigInteger(oprfKey.ExportParameters(true).D, isUnsigned: true, isBigEndian: true);
        var input = Oprf.Input(reporter.OrganisationId, namedPerson);
        var expected = Oprf.Output(input, P256.EncodeX(P256.Multiply(k, Oprf.HashInput(input))));
        result.Oprf.ShouldBe(Base64Url.Encode(expected));
        result.Index.ShouldBe(Base64Url.Encode(EscrowShares.Derive(expected, 2).Index));

        var fromBrowser = new EscrowEntry(Base64Url.Decode(result.Index), result.Threshold, Base64Url.Decode(result.Sealed));
        Should.Throw<EscrowOpenException>(() => EscrowOpener.Open([fromBrowser], reviewers));

        // A second reporter, made on the server side (as a submission without JavaScript would be).
        var fromServer = EscrowEnvelope.Create(expected, reporter.OrganisationId, Guid.NewGuid(), 2,
            "Same here: it happened again on Tuesday."u8, reviewersPublic);
        var opened = EscrowOpener.Open([fromBrowser, fromServer], reviewers);
        opened.Select(o => Encoding.UTF8.GetString(o.Payload))
            .ShouldBe(["They mock my accent in every team meeting.", "Same here: it happened again on Tuesday."]);
    }

    private static async Task<Me> MeAsync(IPage page)
    {
        var me = await page.EvaluateAsync<JsonElement>("async () => (await fetch('/api/v1/me', { headers: { Accept: 'application/json' } })).json()");
        return new Me(me.GetProperty("personId").GetGuid(), me.GetProperty("organisationId").GetGuid());
    }
}
