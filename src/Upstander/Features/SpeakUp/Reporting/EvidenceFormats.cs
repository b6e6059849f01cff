using System.Buffers.Binary;
using System.Text;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>
/// Recognises an evidence file by its content (JPEG, PNG, PDF or plain UTF-8 text), never by its name alone, and
/// removes what images carry about the person who took them: JPEG APPn segments (EXIF, XMP, IPTC, ICC; APP0 JFIF and
/// APP14 Adobe, which only describe the pixels, stay) and COM comments; PNG ancillary chunks other than those that
/// describe the pixels (text, EXIF and time chunks go). Anything after the end of the image is dropped. PDFs are
/// cleaned by <see cref="PdfMetadata"/>. Pure.
/// </summary>
public static class EvidenceFormats
{
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";
    public const string Pdf = "application/pdf";
    public const string Text = "text/plain";

    private static readonly Dictionary<string, string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".jpg"] = Jpeg,
        [".jpeg"] = Jpeg,
        [".png"] = Png,
        [".pdf"] = Pdf,
        [".txt"] = Text,
    };

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>PNG chunks kept: the critical ones and those that only describe how to show the pixels.</summary>
    private static readonly HashSet<string> PngKept = new(StringComparer.Ordinal)
    {
        "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "bKGD", "pHYs",
    };

    /// <summary>The content type the bytes really are, when it is allowed and agrees with the file name's extension; else null.</summary>
    public static string? Sniff(string fileName, ReadOnlySpan<byte> bytes)
    {
        var sniffed = bytes switch
        {
            [0xFF, 0xD8, 0xFF, ..] => Jpeg,
            _ when bytes.StartsWith(PngSignature) => Png,
            [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => Pdf,
            _ when IsPlainText(bytes) => Text,
            _ => null,
        };
        return sniffed is not null && Extensions.TryGetValue(Path.GetExtension(fileName), out var named) && named == sniffed ? sniffed : null;
    }

    /// <summary>The extension a file of one of the allowed content types is given (".jpg" for any JPEG, whatever it was called).</summary>
    public static string ExtensionOf(string contentType) => contentType switch
    {
        Jpeg => ".jpg",
        Png => ".png",
        Pdf => ".pdf",
        Text => ".txt",
        _ => "",
    };

    /// <summary>The file without identifying metadata, or null when it does not parse as what it claims to be.</summary>
    public static byte[]? Clean(string contentType, byte[] bytes) => contentType switch
    {
        Jpeg => StripJpeg(bytes),
        Png => StripPng(bytes),
        Pdf => PdfMetadata.Scrub(bytes).Bytes,
        _ => bytes,
    };

    private static bool IsPlainText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return false;
        }
        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C))
            {
                return false;
            }
        }
        return true;
    }

    public static byte[]? StripJpeg(byte[] input)
    {
        if (input.Length < 4 || input[0] != 0xFF || input[1] != 0xD8)
        {
            return null;
        }
        using var output = new MemoryStream(input.Length);
        output.Write([0xFF, 0xD8]);
        var i = 2;
        while (i < input.Length)
        {
            if (input[i] != 0xFF)
            {
                return null;
            }
            while (i < input.Length && input[i] == 0xFF)
            {
                i++; // fill bytes
            }
            if (i >= input.Length)
            {
                return null;
            }
            var marker = input[i++];
            if (marker == 0xD9)
            {
                output.Write([0xFF, 0xD9]);
                return output.ToArray(); // anything after the end of the image is dropped
            }
            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                output.Write([0xFF, marker]);
                continue;
            }
            if (i + 2 > input.Length)
            {
                return null;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(i, 2));
            if (length < 2 || i + length > input.Length)
            {
                return null;
            }
            if (KeepsJpegSegment(marker, input.AsSpan(i + 2, length - 2)))
            {
                output.Write([0xFF, marker]);
                output.Write(input.AsSpan(i, length));
            }
            i += length;
            if (marker == 0xDA)
            {
                // Entropy-coded data runs until a marker that is neither a stuffed zero nor a restart marker.
                var start = i;
                while (i + 1 < input.Length && !(input[i] == 0xFF && input[i + 1] != 0x00 && input[i + 1] is not (>= 0xD0 and <= 0xD7)))
                {
                    i++;
                }
                if (i + 1 >= input.Length)
                {
                    return null;
                }
                output.Write(input.AsSpan(start, i - start));
            }
        }
        return null;
    }

    /// <summary>
    /// Whether a JPEG segment only describes the pixels (kept) or may describe the person, camera or place (APPn
    /// other than JFIF and Adobe, and comments).
    /// </summary>
    internal static bool KeepsJpegSegment(byte marker, ReadOnlySpan<byte> payload) => marker switch
    {
        0xE0 => payload.StartsWith("JFIF\0"u8),
        0xEE => payload.StartsWith("Adobe"u8),
        >= 0xE1 and <= 0xEF => false,
        0xFE => false,
        _ => true,
    };

    /// <summary>
    /// Overwrites with zeros, in place and without changing the length, the payload of every JPEG segment before the
    /// image data that <see cref="KeepsJpegSegment"/> would drop: for images inside another file (a PDF) whose byte
    /// offsets must not move. Returns how many bytes the walk went through (0 when the bytes do not start as a JPEG),
    /// which is what it cost.
    /// </summary>
    internal static int BlankJpegSegments(Span<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return 0;
        }
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            if (marker is 0xDA or 0xD9)
            {
                return i; // the image data starts; nothing identifying follows in a well-formed file
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(i + 2, 2));
            if (length < 2 || i + 2 + length > jpeg.Length)
            {
                return i;
            }
            var payload = jpeg.Slice(i + 4, length - 2);
            if (!KeepsJpegSegment(marker, payload))
            {
                payload.Clear();
            }
            i += 2 + length;
        }
        return i;
    }

    public static byte[]? StripPng(byte[] input)
    {
        if (!input.AsSpan().StartsWith(PngSignature))
        {
            return null;
        }
        using var output = new MemoryStream(input.Length);
        output.Write(PngSignature);
        var i = PngSignature.Length;
        while (i + 12 <= input.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(input.AsSpan(i, 4));
            if (length > int.MaxValue || i + 12 + (long)length > input.Length)
            {
                return null;
            }
            var type = Encoding.ASCII.GetString(input, i + 4, 4);
            var total = 12 + (int)length;
            if (PngKept.Contains(type))
            {
                output.Write(input.AsSpan(i, total));
            }
            i += total;
            if (type == "IEND")
            {
                return output.ToArray();
            }
        }
        return null;
    }
}
