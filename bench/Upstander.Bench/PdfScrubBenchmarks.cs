using System.Text;
using BenchmarkDotNet.Attributes;
using Upstander.Features.SpeakUp.Reporting;
using static Upstander.Tests.Features.SpeakUp.Reporting.PdfBuilder;

namespace Upstander.Bench;

/// <summary>
/// What cleaning an uploaded PDF costs (bench/results/pdf-scrub.md): a realistic file of about 2 MB, and files made to
/// the upload limit (10 MB) to be as slow as possible to clean: keys whose strings never close, streams that never end,
/// and XMP packets that never close. Each of these once read on to the end of the file for every repeat.
/// </summary>
[MemoryDiagnoser]
public class PdfScrubBenchmarks
{
    private const int UploadLimit = 10 * 1024 * 1024;

    private byte[] _realistic = [];
    private byte[] _unclosedStrings = [];
    private byte[] _endlessStreams = [];
    private byte[] _unclosedPackets = [];

    [GlobalSetup]
    public void Setup()
    {
        _realistic = Realistic(pages: 40);
        _unclosedStrings = Filled("/Author(");
        _endlessStreams = Filled("1 0 obj <</Filter/FlateDecode>>stream\nx");
        _unclosedPackets = Filled("<?xpacket begin <?xpacket end ");
    }

    [Benchmark(Description = "Realistic, 40 pages with images and comments (about 2 MB)")]
    public PdfScrub RealisticFile() => PdfMetadata.Scrub(_realistic);

    [Benchmark(Description = "10 MB of /Author( that never closes")]
    public PdfScrub UnclosedStrings() => PdfMetadata.Scrub(_unclosedStrings);

    [Benchmark(Description = "10 MB of compressed streams without endstream")]
    public PdfScrub EndlessStreams() => PdfMetadata.Scrub(_endlessStreams);

    [Benchmark(Description = "10 MB of XMP packets whose end never closes")]
    public PdfScrub UnclosedPackets() => PdfMetadata.Scrub(_unclosedPackets);

    /// <summary>A PDF header, then <paramref name="repeated"/> up to the upload limit.</summary>
    private static byte[] Filled(string repeated)
    {
        var text = new StringBuilder("%PDF-1.7\n", UploadLimit);
        while (text.Length + repeated.Length <= UploadLimit)
        {
            text.Append(repeated);
        }
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    /// <summary>
    /// A file as a word processor with a scanner would write it: document information and an XMP packet; per page a
    /// compressed content stream of text, a 40 KB JPEG photo with EXIF, and a comment with its author; a
    /// cross-reference table (written by the tests' <c>PdfBuilder</c>).
    /// </summary>
    private static byte[] Realistic(int pages)
    {
        var random = new Random(42);
        var objects = new List<byte[]>
        {
            Latin1("<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>"),
            Latin1("<< /Type /Pages /Kids [" + string.Join(' ', Enumerable.Range(0, pages).Select(p => $"{6 + 4 * p} 0 R")) + $"] /Count {pages} >>"),
            Stream("/Type /Metadata /Subtype /XML", Latin1("<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF>"
                + "<dc:creator>Ann Smith</dc:creator><xmp:CreatorTool>Writer 7.1</xmp:CreatorTool>" + new string(' ', 2000) + "</rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>")),
            Latin1("<< /Author (Ann Smith) /Title (Notes, March) /Producer (Writer 7.1) /CreationDate (D:20261101120000Z) /Company (Example Ltd) >>"),
            Latin1("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
        };
        for (var page = 0; page < pages; page++)
        {
            var first = 6 + 4 * page;
            objects.Add(Latin1($"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 {first + 2} 0 R >> >> /Contents {first + 1} 0 R /Annots [{first + 3} 0 R] >>"));
            var lines = string.Concat(Enumerable.Range(0, 60).Select(line => $"BT /F1 11 Tf 50 {800 - 12 * line} Td (Line {line} of page {page}: what was said in the meeting, and who was there.) Tj ET\n"));
            objects.Add(Stream("/Filter /FlateDecode", Deflate(Latin1(lines))));
            objects.Add(Stream("/Type /XObject /Subtype /Image /Width 400 /Height 300 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", Jpeg(random)));
            objects.Add(Latin1($"<< /Type /Annot /Subtype /Highlight /Rect [50 700 300 712] /Contents (Said twice) /T (Ann Smith) /M (D:20261101120000Z) >>"));
        }
        return Build([.. objects], "/Info 4 0 R");
    }

    /// <summary>A JPEG's header segments (JFIF, EXIF with a name and a place, a comment, tables, frame), then 40 KB of scan data.</summary>
    private static byte[] Jpeg(Random random)
    {
        using var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        Segment(jpeg, 0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        Segment(jpeg, 0xE1, [.. "Exif\0\0"u8, .. Latin1("GPS 51.5N 0.12W Ann Smith's phone" + new string(' ', 4000))]);
        Segment(jpeg, 0xFE, Latin1("taken by Ann Smith"));
        Segment(jpeg, 0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]);
        Segment(jpeg, 0xC0, [8, 1, 44, 1, 144, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
        Segment(jpeg, 0xDA, [3, 1, 0, 2, 0, 3, 0, 0, 63, 0]);
        var scan = new byte[40 * 1024];
        random.NextBytes(scan);
        foreach (var b in scan)
        {
            jpeg.WriteByte(b);
            if (b == 0xFF)
            {
                jpeg.WriteByte(0x00); // stuffed, as in real scan data
            }
        }
        jpeg.Write([0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    private static void Segment(Stream jpeg, byte marker, byte[] payload)
    {
        jpeg.Write([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        jpeg.Write(payload);
    }
}
