using System.Text;
using QRCoder;

namespace Upstander.Features.Accounts;

/// <summary>
/// The authenticator-app enrolment: the otpauth:// address an app scans, drawn as an SVG QR code on
/// the server (no script, and nothing leaves the server to draw it), and the key in groups of four for
/// typing by hand. QRCoder's SVG uses fill attributes only, never style, so the CSP allows it inline.
/// </summary>
public static class AuthenticatorQr
{
    public const string Issuer = "Upstander";

    public static string Uri(string email, string key) =>
        $"otpauth://totp/{System.Uri.EscapeDataString(Issuer + ":" + email)}?secret={key}&issuer={System.Uri.EscapeDataString(Issuer)}&digits=6";

    public static string GroupedKey(string key)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            if (i > 0)
            {
                builder.Append(' ');
            }
            builder.Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }
        return builder.ToString().ToUpperInvariant();
    }

    /// <summary>SVG markup, labelled for screen readers, for inline use in a page.</summary>
    public static string Svg(string uri, string label)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        var encodedLabel = System.Net.WebUtility.HtmlEncode(label);
        return svg.Replace("<svg ", $"<svg role=\"img\" aria-label=\"{encodedLabel}\" focusable=\"false\" ", StringComparison.Ordinal);
    }
}
