using System.IO.Compression;
using System.Text;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

/// <summary>
/// Writes small but well-formed PDFs: numbered objects, a cross-reference table with the right offsets, and a
/// trailer. Also compiled into the benchmarks, which clean a realistic file made with it.
/// </summary>
public static class PdfBuilder
{
    /// <summary>A PDF of <paramref name="objects"/>, numbered from 1, with <paramref name="trailer"/> added to the trailer dictionary.</summary>
    public static byte[] Build(byte[][] objects, string trailer)
    {
        using var pdf = new MemoryStream();
        pdf.Write(Latin1("%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n"));
        var offsets = new List<long>();
        for (var i = 0; i < objects.Length; i++)
        {
            offsets.Add(pdf.Position);
            pdf.Write(Latin1($"{i + 1} 0 obj\n"));
            pdf.Write(objects[i]);
            pdf.Write(Latin1("\nendobj\n"));
        }
        var xref = pdf.Position;
        var table = new StringBuilder($"xref\n0 {objects.Length + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            table.Append(System.Globalization.CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }
        table.Append(System.Globalization.CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Length + 1} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n");
        pdf.Write(Latin1(table.ToString()));
        return pdf.ToArray();
    }

    public static byte[] Stream(string dictionary, byte[] data) =>
        [.. Latin1($"<< {dictionary} /Length {data.Length} >>\nstream\n"), .. data, .. Latin1("\nendstream")];

    public static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflater = new ZLibStream(output, CompressionLevel.Optimal))
        {
            deflater.Write(data);
        }
        return output.ToArray();
    }

    public static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);
}
