using System.Security.Cryptography;
using System.Text;

namespace Upstander.Platform.Protection;

/// <summary>Bound from the "Protection" configuration section.</summary>
public sealed class ProtectionOptions
{
    /// <summary>Base64 of 32 bytes. Takes precedence over the key file; suits a secrets manager or environment variable.</summary>
    public string? MasterKey { get; set; }

    /// <summary>Path of the master key file. Default keys/master.key, created on first start. Never inside the data directory.</summary>
    public string? MasterKeyFile { get; set; }
}

/// <summary>
/// The key-encryption key. It wraps the data keys held in the database and never itself touches the
/// database, so a copy of the database (or a backup of data/) alone opens nothing.
/// </summary>
public sealed class MasterKey
{
    private readonly byte[] _key;

    public MasterKey(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The master key must be exactly 32 bytes.", nameof(key));
        }
        _key = key;
        Fingerprint = Convert.ToHexStringLower(HMACSHA256.HashData(_key, "upstander master key fingerprint"u8))[..16];
    }

    /// <summary>Identifies the key without revealing it, so a wrong key gives a clear error rather than garbage.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// The file this start made, because none was there (a first start, or a path mistyped, a secret not mounted); null
    /// when the key was read. A start that then finds the database's keys wrapped by another key removes it again
    /// (<see cref="InventedKeyFile"/>), so that the next start does not read an invented key as if it were the real one.
    /// </summary>
    public string? CreatedFile { get; private init; }

    public static MasterKey Load(ProtectionOptions options, string contentRoot, string? dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(options.MasterKey))
        {
            return FromBase64(options.MasterKey, "Protection:MasterKey");
        }

        var path = OutsideTheData(options.MasterKeyFile ?? Path.Combine("keys", "master.key"), contentRoot, dataDirectory, "The master key file", "Set Protection:MasterKeyFile elsewhere.");
        if (!File.Exists(path))
        {
            var directory = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(directory);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var fresh = RandomNumberGenerator.GetBytes(32);
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(fresh)));
            }
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            return new MasterKey(fresh) { CreatedFile = path };
        }
        return FromBase64(File.ReadAllText(path), $"The master key file {path}");
    }

    /// <summary>
    /// The new master key for <c>keys rewrap</c>, from a file that must already exist (never made here: a key invented
    /// because a secret did not mount, or a path was mistyped, would be lost with everything wrapped under it) and
    /// must not be inside the data directory or be the key already in use.
    /// </summary>
    public static MasterKey LoadReplacement(string file, string currentDirectory, string? dataDirectory, MasterKey current)
    {
        var path = OutsideTheData(file, currentDirectory, dataDirectory, "The new master key file", "Keep it elsewhere; nothing was changed.");
        if (!File.Exists(path))
        {
            throw new StartupProblem($"There is no file {path}. Write the new key there first (head -c 32 /dev/urandom | base64 > FILE, mode 600); nothing was changed.");
        }
        var next = FromBase64(File.ReadAllText(path), $"The new master key file {path}");
        return next.Fingerprint == current.Fingerprint
            ? throw new StartupProblem($"{path} holds the master key already in use ({current.Fingerprint}); nothing was changed.")
            : next;
    }

    private static MasterKey FromBase64(string text, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            bytes = [];
        }
        return bytes.Length == 32 ? new MasterKey(bytes) : throw new StartupProblem($"{source} does not hold base64 of 32 bytes.");
    }

    public string Wrap(byte[] dataKey, int keyId, string purpose)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var tag = new byte[16];
        var cipher = new byte[dataKey.Length];
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, dataKey, cipher, tag, WrapContext(keyId, purpose));
        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    public byte[] Unwrap(string wrapped, int keyId, string purpose)
    {
        var bytes = Convert.FromBase64String(wrapped);
        var plain = new byte[bytes.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain, WrapContext(keyId, purpose));
        return plain;
    }

    private static byte[] WrapContext(int keyId, string purpose) => Encoding.UTF8.GetBytes($"upstander key v1|{keyId}|{purpose}");

    /// <summary>The full path of a master key file, refused inside the data directory (a copy of the data would then carry its own key).</summary>
    private static string OutsideTheData(string file, string basePath, string? dataDirectory, string what, string advice)
    {
        var path = Path.GetFullPath(file, basePath);
        return dataDirectory is not null && IsInside(path, Path.GetFullPath(dataDirectory))
            ? throw new StartupProblem($"{what} must not be kept in the data directory: a copy of the data would then carry its own key. {advice}")
            : path;
    }

    private static bool IsInside(string path, string directory) =>
        path.StartsWith(directory.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
