using System.Security.Cryptography;
using System.Text;

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

    /// <summary>Escrow entries each account may upload per hour (a token bucket of this size, refilled hourly).</summary>
    public int EntriesPerHour { get; set; } = 5;
}

/// <summary>
/// P-256 private keys kept in files of their own, created on first use with owner-only permissions,
/// as the master key is: base64 of PKCS#8. A key file inside the data directory is refused, so a copy
/// of the data never carries the key that would unlock it.
/// </summary>
public static class EscrowKeyFile
{
    public static ECDiffieHellman LoadOrCreate(string path, string? dataDirectory)
    {
        path = Path.GetFullPath(path);
        if (dataDirectory is not null && path.StartsWith(Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The escrow key file {path} must not be kept in the data directory.");
        }
        var key = ECDiffieHellman.Create();
        if (File.Exists(path))
        {
            try
            {
                key.ImportPkcs8PrivateKey(Convert.FromBase64String(File.ReadAllText(path).Trim()), out _);
            }
            catch (Exception ex) when (ex is FormatException or CryptographicException)
            {
                key.Dispose();
                throw new InvalidOperationException($"The escrow key file {path} does not hold a base64 PKCS#8 P-256 key.", ex);
            }
            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new InvalidOperationException($"The escrow key file {path} does not hold a P-256 key.");
            }
            return key;
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key.ExportPkcs8PrivateKey())));
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return key;
    }
}

/// <summary>The reviewers' key pair: entries are sealed to its public half; only opening uses the private half.</summary>
public sealed class EscrowReviewerKey(ECDiffieHellman key) : IDisposable
{
    public ECDiffieHellman Key { get; } = key;

    /// <summary>The 65-byte uncompressed public key a browser imports with WebCrypto ("raw").</summary>
    public byte[] PublicKey => EscrowEnvelope.RawPublic(Key.ExportParameters(false));

    public void Dispose() => Key.Dispose();
}
