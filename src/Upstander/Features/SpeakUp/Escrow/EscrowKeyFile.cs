using System.Security.Cryptography;
using System.Text;

namespace Upstander.Features.SpeakUp.Escrow;

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
