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
    /// The files' new contents, all prepared before anything is written: a file that the current key cannot open stops
    /// the rewrap with nothing changed. A key already sealed with <paramref name="to"/> (a rewrap run again) is left as it is.
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
                if (fingerprint == to.Fingerprint)
                {
                    continue;
                }
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

    /// <summary>Writes each file whole (a temporary file beside it, then renamed over it), keeping it readable by its owner only.</summary>
    public static void Write(IEnumerable<(string Path, string Xml)> files)
    {
        foreach (var (path, xml) in files)
        {
            var temporary = path + ".rewrap";
            File.WriteAllText(temporary, xml, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            File.Move(temporary, path, overwrite: true);
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
