using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Upstander.Tests.TestHost;

/// <summary>
/// A passkey held in memory, answering WebAuthn ceremonies as a phone with a screen lock would (user present and
/// verified, "none" attestation, an ES256 key), so integration tests can make a real passkey and sign with it without a
/// browser. It builds the JSON that passkeys.js sends: <see cref="Create"/> answers creation options,
/// <see cref="Sign"/> request options. The server checks the origin against the request's Origin header, which a
/// client posting these must send as <see cref="Origin"/>.
/// </summary>
public sealed class SoftwarePasskey : IDisposable
{
    public const string Origin = "http://localhost";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] _credentialId = RandomNumberGenerator.GetBytes(16);
    private byte[] _userHandle = [];
    private uint _signCount;

    public string Id => WebEncoders.Base64UrlEncode(_credentialId);

    /// <summary>The credential for <paramref name="creationOptions"/> (the server's JSON), as navigator.credentials.create gives it.</summary>
    public object Create(string creationOptions)
    {
        using var options = JsonDocument.Parse(creationOptions);
        var root = options.RootElement;
        _userHandle = WebEncoders.Base64UrlDecode(root.GetProperty("user").GetProperty("id").GetString()!);
        var clientData = ClientData("webauthn.create", root.GetProperty("challenge").GetString()!);
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        var publicKey = Cbor.Map(
            (Cbor.Int(1), Cbor.Int(2)),      // kty: EC2
            (Cbor.Int(3), Cbor.Int(-7)),     // alg: ES256
            (Cbor.Int(-1), Cbor.Int(1)),     // crv: P-256
            (Cbor.Int(-2), Cbor.Bytes(parameters.Q.X!)),
            (Cbor.Int(-3), Cbor.Bytes(parameters.Q.Y!)));
        var credentialLength = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(credentialLength, (ushort)_credentialId.Length);
        var authenticatorData = AuthenticatorData(root.GetProperty("rp").GetProperty("id").GetString()!, attested: true)
            .Concat(new byte[16]).Concat(credentialLength).Concat(_credentialId).Concat(publicKey).ToArray();
        var attestation = Cbor.Map(
            (Cbor.Text("fmt"), Cbor.Text("none")),
            (Cbor.Text("attStmt"), Cbor.Map()),
            (Cbor.Text("authData"), Cbor.Bytes(authenticatorData)));
        return new
        {
            id = Id,
            rawId = Id,
            type = "public-key",
            authenticatorAttachment = "platform",
            response = new
            {
                clientDataJSON = WebEncoders.Base64UrlEncode(clientData),
                attestationObject = WebEncoders.Base64UrlEncode(attestation),
                transports = new[] { "internal" },
            },
            clientExtensionResults = new { },
        };
    }

    /// <summary>The signed assertion for <paramref name="requestOptions"/> (the server's JSON), as navigator.credentials.get gives it.</summary>
    public object Sign(string requestOptions)
    {
        using var options = JsonDocument.Parse(requestOptions);
        var root = options.RootElement;
        var clientData = ClientData("webauthn.get", root.GetProperty("challenge").GetString()!);
        var authenticatorData = AuthenticatorData(root.GetProperty("rpId").GetString()!, attested: false);
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence);
        return new
        {
            id = Id,
            rawId = Id,
            type = "public-key",
            authenticatorAttachment = "platform",
            response = new
            {
                clientDataJSON = WebEncoders.Base64UrlEncode(clientData),
                authenticatorData = WebEncoders.Base64UrlEncode(authenticatorData),
                signature = WebEncoders.Base64UrlEncode(signature),
                userHandle = WebEncoders.Base64UrlEncode(_userHandle),
            },
            clientExtensionResults = new { },
        };
    }

    public void Dispose() => _key.Dispose();

    private static byte[] ClientData(string type, string challenge) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type, challenge, origin = Origin, crossOrigin = false }));

    /// <summary>The relying party's hash, the flags (present, verified, and whether a credential follows) and the counter.</summary>
    private byte[] AuthenticatorData(string rpId, bool attested)
    {
        var data = new byte[37];
        SHA256.HashData(Encoding.UTF8.GetBytes(rpId)).CopyTo(data, 0);
        data[32] = (byte)(0x01 | 0x04 | (attested ? 0x40 : 0));
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(33), ++_signCount);
        return data;
    }

    /// <summary>The little of CBOR (RFC 8949) that attestation needs: small integers, byte and text strings, maps.</summary>
    private static class Cbor
    {
        public static byte[] Int(int value) => value >= 0 ? Head(0, (ulong)value) : Head(1, (ulong)(-1 - value));

        public static byte[] Bytes(byte[] value) => [.. Head(2, (ulong)value.Length), .. value];

        public static byte[] Text(string value) => [.. Head(3, (ulong)Encoding.UTF8.GetByteCount(value)), .. Encoding.UTF8.GetBytes(value)];

        public static byte[] Map(params (byte[] Key, byte[] Value)[] entries) =>
            [.. Head(5, (ulong)entries.Length), .. entries.SelectMany(e => e.Key.Concat(e.Value))];

        private static byte[] Head(int major, ulong length) => length switch
        {
            < 24 => [(byte)((major << 5) | (int)length)],
            <= byte.MaxValue => [(byte)((major << 5) | 24), (byte)length],
            _ => [(byte)((major << 5) | 25), (byte)(length >> 8), (byte)length],
        };
    }
}
