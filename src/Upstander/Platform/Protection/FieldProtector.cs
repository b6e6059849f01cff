using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Upstander.Platform.Protection;

/// <summary>
/// Seals sensitive text before it reaches the database: AES-256-GCM with a random 96-bit nonce,
/// and the purpose plus the owning row's id as associated data, so a sealed value copied into
/// another row or column fails to open. Layout (base64): version(1) | key id(4) | nonce(12) | tag(16) | ciphertext.
/// </summary>
public sealed class FieldProtector(KeyRing keys)
{
    private const byte Version = 1;
    private const int HeaderLength = 1 + 4 + 12 + 16;

    public string Seal(string plaintext, string purpose, Guid rowId)
    {
        var (keyId, key) = keys.ActiveFieldKey();
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[HeaderLength + plain.Length];
        output[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(1, 4), keyId);
        RandomNumberGenerator.Fill(output.AsSpan(5, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(output.AsSpan(5, 12), plain, output.AsSpan(HeaderLength), output.AsSpan(17, 16), Context(purpose, rowId));
        return Convert.ToBase64String(output);
    }

    public string Open(string sealedValue, string purpose, Guid rowId)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(sealedValue);
        }
        catch (FormatException)
        {
            throw new CryptographicException("The sealed value is not in the expected format.");
        }
        if (bytes.Length < HeaderLength || bytes[0] != Version)
        {
            throw new CryptographicException("The sealed value is not in the expected format.");
        }
        var key = keys.FieldKey(BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));
        var plain = new byte[bytes.Length - HeaderLength];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(bytes.AsSpan(5, 12), bytes.AsSpan(HeaderLength), bytes.AsSpan(17, 16), plain, Context(purpose, rowId));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>The id of the key that sealed a value, so re-encryption can find values under retired keys.</summary>
    public static int KeyIdOf(string sealedValue) =>
        BinaryPrimitives.ReadInt32BigEndian(Convert.FromBase64String(sealedValue).AsSpan(1, 4));

    private static byte[] Context(string purpose, Guid rowId) => Encoding.UTF8.GetBytes($"{purpose}|{rowId:N}");
}
