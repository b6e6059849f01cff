using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Upstander.Features.SpeakUp.Reporting;

/// <summary>A PDF with what could be removed removed, and what could not (empty when nothing identifying is left that Upstander can see).</summary>
public sealed record PdfScrub(byte[] Bytes, IReadOnlyList<string> Left)
{
    public bool IsClean => Left.Count == 0;
}

/// <summary>
/// Removes from a PDF what it says about the person who made it, without rewriting the file: every change overwrites
/// bytes in place with bytes of the same length, so the cross-reference offsets stay right and the file opens as
/// before. Removed: the document information (author, title, creator, producer, dates and the rest: every string
/// in each information dictionary a trailer names, and these keys wherever they appear uncompressed), XMP metadata
/// packets, and camera and location segments (EXIF, XMP, comments) of JPEG images stored in the file.
/// What sits inside compressed streams cannot be changed in place; it is looked at (inflated, within a bound) and
/// reported in <see cref="PdfScrub.Left"/>, so the caller can refuse the file where anonymity depends on it. Pure.
/// </summary>
public static partial class PdfMetadata
{
    /// <summary>What, found in an inflated stream, means identifying metadata is kept there.</summary>
    private static readonly (string Marker, string Meaning)[] CompressedMarkers =
    [
        ("/Author", "an author"), ("/Creator", "the program that made it"), ("/Producer", "the program that made it"),
        ("x:xmpmeta", "XMP metadata"), ("<?xpacket", "XMP metadata"), ("Exif\0", "photo details (EXIF)"),
    ];

    /// <summary>At most this many bytes are inflated in all, so a small file cannot make the server inflate gigabytes.</summary>
    public const int MaxInflatedBytes = 64 * 1024 * 1024;

    public static PdfScrub Scrub(byte[] input)
    {
        var bytes = (byte[])input.Clone();
        // Latin-1 maps each byte to one char, so string positions are byte positions.
        var text = Encoding.Latin1.GetString(bytes);
        var left = new SortedSet<string>(StringComparer.Ordinal);

        foreach (Match info in InfoReference().Matches(text))
        {
            var objects = Regex.Matches(text, $@"(?<![0-9]){info.Groups[1].Value}\s+{info.Groups[2].Value}\s+obj\b");
            if (objects.Count == 0)
            {
                left.Add("document information inside a compressed object stream");
            }
            foreach (Match found in objects)
            {
                var end = text.IndexOf("endobj", found.Index, StringComparison.Ordinal);
                BlankStrings(bytes, text, found.Index + found.Length, end < 0 ? text.Length : end);
            }
        }
        foreach (Match key in InformationKey().Matches(text))
        {
            BlankStringAt(bytes, text, key.Index + key.Length);
        }
        foreach (Match packet in XmpPacket().Matches(text))
        {
            bytes.AsSpan(packet.Index, packet.Length).Fill((byte)' ');
        }

        if (EncryptReference().IsMatch(text))
        {
            left.Add("encryption, which hides what the file says about who made it");
        }

        var inflatedSoFar = 0L;
        foreach (Match stream in StreamStart().Matches(text))
        {
            var dictionary = stream.Groups["dict"].Value;
            var start = stream.Index + stream.Length;
            var end = text.IndexOf("endstream", start, StringComparison.Ordinal);
            var data = bytes.AsSpan(start, (end < 0 ? bytes.Length : end) - start);
            if (dictionary.Contains("/DCTDecode", StringComparison.Ordinal) && !dictionary.Contains("/FlateDecode", StringComparison.Ordinal))
            {
                EvidenceFormats.BlankJpegSegments(data);
            }
            else if (dictionary.Contains("/FlateDecode", StringComparison.Ordinal))
            {
                if (dictionary.Contains("/Metadata", StringComparison.Ordinal))
                {
                    left.Add("XMP metadata");
                }
                var inflated = Inflate(data, MaxInflatedBytes - inflatedSoFar);
                if (inflated is null)
                {
                    left.Add("a compressed part too large to check");
                    continue;
                }
                inflatedSoFar += inflated.Length;
                var inside = Encoding.Latin1.GetString(inflated);
                foreach (var (marker, meaning) in CompressedMarkers)
                {
                    if (inside.Contains(marker, StringComparison.Ordinal))
                    {
                        left.Add(meaning);
                    }
                }
            }
        }
        return new PdfScrub(bytes, [.. left]);
    }

    /// <summary>Blanks every string (literal or hexadecimal) between two positions.</summary>
    private static void BlankStrings(byte[] bytes, string text, int from, int to)
    {
        var i = from;
        while (i < to)
        {
            if (text[i] == '(' || (text[i] == '<' && i + 1 < to && text[i + 1] != '<'))
            {
                i = BlankStringAt(bytes, text, i);
            }
            else if (text[i] == '<')
            {
                i += 2; // a nested dictionary opens; its strings are blanked as they come
            }
            else
            {
                i++;
            }
        }
    }

    /// <summary>Blanks the string starting at <paramref name="at"/> (after any white space); returns the position after it.</summary>
    private static int BlankStringAt(byte[] bytes, string text, int at)
    {
        var i = at;
        while (i < text.Length && text[i] is ' ' or '\r' or '\n' or '\t' or '\f' or '\0')
        {
            i++;
        }
        if (i >= text.Length)
        {
            return i;
        }
        if (text[i] == '(')
        {
            // A literal string: balanced parentheses, with backslash escapes. Its content becomes spaces.
            var depth = 1;
            var j = i + 1;
            for (; j < text.Length && depth > 0; j++)
            {
                switch (text[j])
                {
                    case '\\':
                        bytes[j] = (byte)' ';
                        if (j + 1 < text.Length)
                        {
                            bytes[++j] = (byte)' ';
                        }
                        continue;
                    case '(':
                        depth++;
                        break;
                    case ')':
                        depth--;
                        break;
                }
                if (depth > 0)
                {
                    bytes[j] = (byte)' ';
                }
            }
            return j;
        }
        if (text[i] == '<' && i + 1 < text.Length && text[i + 1] != '<')
        {
            // A hexadecimal string: its digits become "20" pairs (spaces); an odd one out becomes 0.
            var close = text.IndexOf('>', i + 1);
            if (close < 0)
            {
                return text.Length;
            }
            var digit = 0;
            for (var j = i + 1; j < close; j++)
            {
                if (Uri.IsHexDigit(text[j]))
                {
                    bytes[j] = (byte)(digit++ % 2 == 0 ? '2' : '0');
                }
            }
            if (digit % 2 == 1)
            {
                for (var j = close - 1; j > i; j--)
                {
                    if (Uri.IsHexDigit(text[j]))
                    {
                        bytes[j] = (byte)'0';
                        break;
                    }
                }
            }
            return close + 1;
        }
        return i;
    }

    /// <summary>The inflated bytes, or null when they would pass <paramref name="budget"/>. Data that is not zlib yields what inflated before the error.</summary>
    private static byte[]? Inflate(ReadOnlySpan<byte> data, long budget)
    {
        using var output = new MemoryStream();
        try
        {
            using var inflater = new ZLibStream(new MemoryStream(data.ToArray()), CompressionMode.Decompress);
            var buffer = new byte[81920];
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                if (output.Length + read > budget)
                {
                    return null;
                }
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            // Damaged or not zlib after all: what inflated so far is still looked at.
        }
        return output.ToArray();
    }

    [GeneratedRegex(@"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")]
    private static partial Regex EncryptReference();

    [GeneratedRegex(@"/Info\s+(\d+)\s+(\d+)\s+R")]
    private static partial Regex InfoReference();

    /// <summary>
    /// Document information keys that mean only that wherever they appear (ISO 32000-1 §14.3.3, and common custom
    /// ones). Title and Subject are left to the information dictionaries, as bookmarks and annotations use them too.
    /// </summary>
    [GeneratedRegex(@"/(?:Author|Creator|Producer|Keywords|CreationDate|ModDate|Company|Manager|SourceModified|LastModifiedBy)(?=[\s(<])")]
    private static partial Regex InformationKey();

    [GeneratedRegex(@"<\?xpacket begin.*?<\?xpacket end[^>]*>|<x:xmpmeta.*?</x:xmpmeta>", RegexOptions.Singleline)]
    private static partial Regex XmpPacket();

    /// <summary>An object's stream dictionary and the start of its data (the dictionary may hold nested ones).</summary>
    [GeneratedRegex(@"\sobj\s*<<(?<dict>(?:(?!endobj|\sobj\b|>>\s*stream).)*?)>>\s*stream\r?\n", RegexOptions.Singleline)]
    private static partial Regex StreamStart();
}
