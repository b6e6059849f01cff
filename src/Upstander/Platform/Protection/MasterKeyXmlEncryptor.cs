using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Upstander.Platform.Protection;

/// <summary>
/// Encrypts ASP.NET Core's data-protection key files (which sign cookies and antiforgery tokens) with
/// the master key, so the key directory alone cannot forge a session.
/// </summary>
public sealed class MasterKeyXmlEncryptor(MasterKey masterKey) : IXmlEncryptor
{
    internal const string ElementName = "encryptedKey";
    internal const string FingerprintAttribute = "masterKey";
    internal const string Purpose = "data-protection-xml";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(Seal(masterKey, plaintextElement), typeof(MasterKeyXmlDecryptor));

    /// <summary>The element that stands for <paramref name="plaintextElement"/> on disk, sealed with <paramref name="key"/>.</summary>
    internal static XElement Seal(MasterKey key, XElement plaintextElement) => new(ElementName,
        new XComment(" Encrypted with the Upstander master key. "),
        new XElement("value", key.Wrap(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), 0, Purpose)),
        new XAttribute(FingerprintAttribute, key.Fingerprint));
}

/// <summary>
/// The data-protection key files in their folder, for <c>keys rewrap</c>: each key's encrypted element, opened with the
/// master key in use and sealed again with the new one, so sessions and open forms survive the change of master key.
/// </summary>
public static class DataProtectionKeyFiles
{
    /// <summary>
    /// The files' new contents, all prepared before anything is written: a file that the current key cannot open (or that
    /// another key sealed) stops the rewrap with nothing changed.
    /// </summary>
    public static IReadOnlyList<(string Path, string Xml)> Prepare(string folder, MasterKey from, MasterKey to)
    {
        var prepared = new List<(string Path, string Xml)>();
        foreach (var path in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.xml").Order(StringComparer.Ordinal).ToArray() : [])
        {
            var document = XDocument.Load(path, LoadOptions.PreserveWhitespace);
            var changed = false;
            foreach (var encrypted in document.Descendants(MasterKeyXmlEncryptor.ElementName).ToList())
            {
                var fingerprint = (string?)encrypted.Attribute(MasterKeyXmlEncryptor.FingerprintAttribute);
                if (fingerprint is not null && fingerprint != from.Fingerprint)
                {
                    throw new InvalidOperationException($"{path} is encrypted with master key {fingerprint}, not the one in use ({from.Fingerprint}); nothing was changed.");
                }
                XElement plain;
                try
                {
                    plain = MasterKeyXmlDecryptor.Open(from, encrypted);
                }
                catch (Exception ex) when (ex is CryptographicException or FormatException)
                {
                    throw new InvalidOperationException($"{path} cannot be opened with the master key in use ({from.Fingerprint}); nothing was changed.", ex);
                }
                encrypted.ReplaceWith(MasterKeyXmlEncryptor.Seal(to, plain));
                changed = true;
            }
            if (changed)
            {
                prepared.Add((path, document.ToString(SaveOptions.DisableFormatting)));
            }
        }
        return prepared;
    }

    /// <summary>
    /// Writes each file's new content beside it (readable by its owner only), before anything else changes: a folder that
    /// cannot be written to stops the rewrap here. <see cref="StagedKeyFiles.Replace"/> then renames them over the files.
    /// </summary>
    public static StagedKeyFiles Stage(IReadOnlyList<(string Path, string Xml)> files)
    {
        var staged = new StagedKeyFiles([.. files.Select(f => f.Path)]);
        foreach (var (path, xml) in files)
        {
            var temporary = StagedKeyFiles.Temporary(path);
            File.WriteAllText(temporary, xml, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return staged;
    }
}

/// <summary>Key files whose new content waits beside them; disposing removes what was not put in place.</summary>
public sealed class StagedKeyFiles(IReadOnlyList<string> paths) : IDisposable
{
    public int Count => paths.Count;

    internal static string Temporary(string path) => path + ".rewrap";

    /// <summary>Puts each new file in place whole (a rename over the old one).</summary>
    public void Replace()
    {
        foreach (var path in paths)
        {
            File.Move(Temporary(path), path, overwrite: true);
        }
    }

    public void Dispose()
    {
        foreach (var path in paths)
        {
            File.Delete(Temporary(path));
        }
    }
}

public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => Open(services.GetRequiredService<MasterKey>(), encryptedElement);

    /// <summary>The key element that <see cref="MasterKeyXmlEncryptor.Seal"/> sealed with <paramref name="key"/>.</summary>
    internal static XElement Open(MasterKey key, XElement encryptedElement)
    {
        var value = encryptedElement.Element("value")?.Value ?? throw new CryptographicException("Missing encrypted key value.");
        return XElement.Parse(Encoding.UTF8.GetString(key.Unwrap(value, 0, MasterKeyXmlEncryptor.Purpose)));
    }
}
