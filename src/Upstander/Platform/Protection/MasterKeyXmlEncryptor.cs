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
    private const string Purpose = "data-protection-xml";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var wrapped = masterKey.Wrap(Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting)), 0, Purpose);
        var element = new XElement("encryptedKey",
            new XComment(" Encrypted with the Upstander master key. "),
            new XElement("value", wrapped),
            new XAttribute("masterKey", masterKey.Fingerprint));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>
/// The data-protection key files in their folder, for <c>keys rewrap</c>: each key's encrypted element, opened with the
/// master key in use and sealed again with the new one, so sessions and open forms survive the change of master key.
/// </summary>
public static class DataProtectionKeyFiles
{
    private const string Purpose = "data-protection-xml";

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
            foreach (var encrypted in document.Descendants("encryptedKey").Where(e => e.Element("value") is not null).ToList())
            {
                var fingerprint = (string?)encrypted.Attribute("masterKey");
                if (fingerprint == to.Fingerprint)
                {
                    continue;
                }
                if (fingerprint is not null && fingerprint != from.Fingerprint)
                {
                    throw new InvalidOperationException($"{path} is encrypted with master key {fingerprint}, not the one in use ({from.Fingerprint}); nothing was changed.");
                }
                byte[] plain;
                try
                {
                    plain = from.Unwrap(encrypted.Element("value")!.Value, 0, Purpose);
                }
                catch (Exception ex) when (ex is CryptographicException or FormatException)
                {
                    throw new InvalidOperationException($"{path} cannot be opened with the master key in use ({from.Fingerprint}); nothing was changed.", ex);
                }
                encrypted.Element("value")!.Value = to.Wrap(plain, 0, Purpose);
                encrypted.SetAttributeValue("masterKey", to.Fingerprint);
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
    private const string Purpose = "data-protection-xml";

    public XElement Decrypt(XElement encryptedElement)
    {
        var masterKey = services.GetRequiredService<MasterKey>();
        var value = encryptedElement.Element("value")?.Value ?? throw new CryptographicException("Missing encrypted key value.");
        return XElement.Parse(Encoding.UTF8.GetString(masterKey.Unwrap(value, 0, Purpose)));
    }
}
