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
