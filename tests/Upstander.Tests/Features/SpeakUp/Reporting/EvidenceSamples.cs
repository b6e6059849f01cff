using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using static Upstander.Tests.Features.SpeakUp.Reporting.PdfBuilder;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>Small but well-formed evidence files with metadata that carries a canary.</summary>
public static class EvidenceSamples
{
    /// <summary>A baseline JPEG's segments (JFIF, an EXIF APP1 and a comment holding the canary, tables, frame, scan with stuffed bytes, EOI), then trailing junk.</summary>
    public static byte[] JpegWithExif(string canary)
    {
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        Segment(jpeg, 0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        Segment(jpeg, 0xE1, [.. "Exif\0\0"u8, .. Encoding.ASCII.GetBytes("GPS 51.5N 0.12W " + canary)]);
        Segment(jpeg, 0xFE, Encoding.ASCII.GetBytes("comment " + canary));
        Segment(jpeg, 0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]);
        Segment(jpeg, 0xC0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
        Segment(jpeg, 0xC4, [0x00, 0, 1, .. new byte[15], 0]);
        Segment(jpeg, 0xDA, [1, 1, 0, 0, 63, 0]);
        jpeg.Write([0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]); // entropy-coded data with a stuffed byte and a restart marker
        jpeg.Write([0xFF, 0xD9]);
        jpeg.Write(Encoding.ASCII.GetBytes("trailing " + canary));
        return jpeg.ToArray();
    }

    /// <summary>A 1×1 PNG with a tEXt, an iTXt-like eXIf and a tIME chunk carrying the canary.</summary>
    public static byte[] PngWithText(string canary)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
        Chunk(png, "tEXt", Encoding.Latin1.GetBytes("Author\0" + canary));
        Chunk(png, "eXIf", Encoding.ASCII.GetBytes("MM\0*" + canary));
        Chunk(png, "gAMA", [0, 0, 0xB1, 0x8F]);
        using (var pixels = new MemoryStream())
        {
            using (var z = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
            {
                z.Write([0, 255, 0, 0]);
            }
            Chunk(png, "IDAT", pixels.ToArray());
        }
        Chunk(png, "tIME", [0x07, 0xE8, 1, 2, 3, 4, 5]);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>The start of a Windows executable.</summary>
    public static byte[] Executable() => [.. "MZ"u8, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, .. new byte[64]];

    /// <summary>Every PNG chunk's type, checking each length and CRC on the way.</summary>
    public static List<string> PngChunks(byte[] png)
    {
        png.AsSpan(0, 8).ToArray().ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        var types = new List<string>();
        var i = 8;
        while (i < png.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(i, 4));
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(i + 8 + length, 4));
            Crc32(png.AsSpan(i + 4, 4 + length)).ShouldBe(crc);
            types.Add(Encoding.ASCII.GetString(png, i + 4, 4));
            i += 12 + length;
        }
        i.ShouldBe(png.Length);
        return types;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }

    private static void Segment(Stream s, byte marker, byte[] payload)
    {
        s.Write([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        s.Write(payload);
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(data);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. header.AsSpan(4), .. data]));
        s.Write(crc);
    }
}

/// <summary>Small but well-formed PDFs, written by <see cref="PdfBuilder"/>.</summary>
public static class PdfSamples
{
    /// <summary>
    /// A one-page PDF whose document information (literal and hexadecimal strings), XMP packet and embedded JPEG's
    /// EXIF all carry the canary; the page's content stream draws "Evidence text".
    /// </summary>
    public static byte[] WithMetadata(string canary)
    {
        var jpeg = EvidenceSamples.JpegWithExif(canary);
        jpeg = jpeg[..(jpeg.AsSpan().IndexOf(new byte[] { 0xFF, 0xD9 }) + 2)];
        var hex = Convert.ToHexString(Encoding.ASCII.GetBytes(canary));
        return Build(
            [
                Latin1("<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>"),
                Latin1("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                Latin1("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im1 6 0 R >> >> /Contents 7 0 R >>"),
                Stream("/Type /Metadata /Subtype /XML", Latin1(
                    $"<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><dc:creator>{canary}</dc:creator></x:xmpmeta><?xpacket end=\"w\"?>")),
                Latin1($"<< /Author (Ann \\(from {canary}\\) Smith) /Title <{hex}> /Producer (Writer {canary}) /CreationDate (D:20261101120000Z) /Custom ({canary}) >>"),
                Stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode", jpeg),
                Stream("", Latin1("BT /F1 12 Tf 20 100 Td (Evidence text) Tj ET")),
            ],
            "/Info 5 0 R");
    }

    /// <summary>A PDF whose document information sits, compressed, in an object stream (as PDF 1.5 writers may store it).</summary>
    public static byte[] WithCompressedInformation(string canary)
    {
        var inside = Latin1($"8 0 << /Author ({canary}) /Producer (Writer) >>");
        return Build(
            [
                Latin1("<< /Type /Catalog /Pages 2 0 R >>"),
                Latin1("<< /Type /Pages /Kids [] /Count 0 >>"),
                Stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", Deflate(inside)),
            ],
            "/Info 8 0 R");
    }

    /// <summary>
    /// A one-page PDF whose comments (a highlight with a popup, and a sticky note written straight into the page's
    /// annotation list), digital signature and document id carry the canary; a form field and the comment's own
    /// text do not, and must stay. The highlight's text holds escaped parentheses and dictionary brackets, which
    /// must not throw the tokenizer off.
    /// </summary>
    public static byte[] WithCommentsAndSignature(string canary)
    {
        var hex = Convert.ToHexString(Encoding.ASCII.GetBytes(canary));
        return Build(
            [
                Latin1("<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>"),
                Latin1("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                Latin1($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R 5 0 R 6 0 R << /Type /Annot /Subtype /Text /Rect [0 0 9 9] /T <{hex}> /Contents (Note kept) >>] >>"),
                Latin1($"<< /Type /Annot /Subtype /Highlight /Rect [10 10 90 20] /QuadPoints [10 20 90 20 10 10 90 10] /Contents (He said \\) << not a dictionary >> \\( twice) /T ({canary} \\(reviewer\\)) /M (D:20261101120000+01'00') /Popup 5 0 R >>"),
                Latin1($"<< /Type /Annot /Subtype /Popup /Parent 4 0 R /Rect [90 90 190 150] /T ({canary}) >>"),
                Latin1("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /Rect [0 0 0 0] /V 7 0 R >>"),
                Latin1($"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /ByteRange [0 10 20 30] /Contents <{hex}00000000> /Name ({canary}) /Location (Leeds {canary}) /Reason (I agree) /M (D:20261101120000Z) >>"),
            ],
            $"/ID [<{hex}> <{hex}>]");
    }

    /// <summary>A PDF whose one comment sits, compressed, in an object stream; <paramref name="author"/> is its /T.</summary>
    public static byte[] WithCompressedComment(string author) => Build(
        [
            Latin1("<< /Type /Catalog /Pages 2 0 R >>"),
            Latin1("<< /Type /Pages /Kids [] /Count 0 >>"),
            Stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", Deflate(Latin1($"8 0 << /Type /Annot /Subtype /Text /T ({author}) /Contents (A note) >>"))),
        ],
        "");

    /// <summary>A PDF that carries another file inside it.</summary>
    public static byte[] WithAttachment() => Build(
        [
            Latin1("<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(notes.docx) 3 0 R] >> >> >>"),
            Latin1("<< /Type /Pages /Kids [] /Count 0 >>"),
            Latin1("<< /Type /Filespec /F (notes.docx) /EF << /F 4 0 R >> >>"),
            Stream("/Type /EmbeddedFile", Latin1("PK not really a document")),
        ],
        "");

    /// <summary>A PDF with one compressed stream that inflates to more than <paramref name="inflatedBytes"/>.</summary>
    public static byte[] WithInflatingStream(int inflatedBytes) => Build(
        [
            Latin1("<< /Type /Catalog /Pages 2 0 R >>"),
            Latin1("<< /Type /Pages /Kids [] /Count 0 >>"),
            Stream("/Filter /FlateDecode", Deflate(new byte[inflatedBytes])),
        ],
        "");

    /// <summary>A PDF whose trailer says it is encrypted.</summary>
    public static byte[] Encrypted() => Build(
        [
            Latin1("<< /Type /Catalog /Pages 2 0 R >>"),
            Latin1("<< /Type /Pages /Kids [] /Count 0 >>"),
            Latin1("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <00> /U <00> >>"),
        ],
        "/Encrypt 3 0 R");

    /// <summary>The offsets the cross-reference table gives for each object, checked against where "N 0 obj" really is.</summary>
    public static bool CrossReferencesHold(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var xref = text.LastIndexOf("\nxref\n", StringComparison.Ordinal);
        var lines = text[(xref + 6)..].Split('\n');
        var count = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        for (var n = 1; n < count; n++)
        {
            var offset = int.Parse(lines[1 + n][..10], System.Globalization.CultureInfo.InvariantCulture);
            if (!text.AsSpan(offset).StartsWith($"{n} 0 obj", StringComparison.Ordinal))
            {
                return false;
            }
        }
        var startxref = int.Parse(text[(text.LastIndexOf("startxref\n", StringComparison.Ordinal) + 10)..].Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture);
        return text.AsSpan(startxref).StartsWith("xref", StringComparison.Ordinal) && text.EndsWith("%%EOF\n", StringComparison.Ordinal);
    }
}
