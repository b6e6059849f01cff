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
/// packets, camera and location segments (EXIF, XMP, comments) of JPEG images stored in the file, the author and
/// time of each comment (markup annotation), who signed a digital signature and where, and the document id.
/// What sits inside compressed streams cannot be changed in place; it is looked at (inflated, within a bound) and
/// reported in <see cref="PdfScrub.Left"/>, as are attached files, so the caller can refuse the file where
/// anonymity depends on it. Pure.
/// </summary>
public static partial class PdfMetadata
{
    /// <summary>What, found in an inflated stream, means identifying metadata is kept there.</summary>
    private static readonly (string Marker, string Meaning)[] CompressedMarkers =
    [
        ("/Author", "an author"), ("/Creator", "the program that made it"), ("/Producer", "the program that made it"),
        ("x:xmpmeta", "XMP metadata"), ("<?xpacket", "XMP metadata"), ("Exif\0", "photo details (EXIF)"),
    ];

    /// <summary>What means another file is carried inside, compressed or not: an embedded file, or a comment holding one.</summary>
    private static bool HasAttachment(string text) =>
        text.Contains("/EmbeddedFile", StringComparison.Ordinal) || text.Contains("/FileAttachment", StringComparison.Ordinal);

    private const string Attachment = "a file attached inside it";
    private const string CommentAuthors = "the names of people who commented on it";
    private const string Signer = "a digital signature naming who signed it";
    private const string TooDeep = "a part nested too deeply to check";

    /// <summary>How deeply dictionaries and arrays may nest before the walk gives up; real files stay in single figures.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Annotation subtypes whose /T is the name of the person who wrote the comment (the markup annotations of
    /// ISO 32000-1 §12.5.6.2, and Popup, which some writers give a copy of it). Form fields (Widget) use /T for the
    /// field's name and links have none, so they are left alone.
    /// </summary>
    private static readonly HashSet<string> CommentSubtypes = new(StringComparer.Ordinal)
    {
        "Text", "FreeText", "Line", "Square", "Circle", "Polygon", "PolyLine", "Highlight", "Underline", "Squiggly",
        "StrikeOut", "Stamp", "Caret", "Ink", "FileAttachment", "Sound", "Redact", "Popup",
    };

    /// <summary>What a comment says about its author: who (/T) and when (/M). Its text (/Contents) is the evidence and stays.</summary>
    private static readonly HashSet<string> CommentKeys = new(StringComparer.Ordinal) { "T", "M" };

    /// <summary>What a signature dictionary says about the signer (ISO 32000-1 §12.8.1), including the certificate in /Contents.</summary>
    private static readonly HashSet<string> SignerKeys = new(StringComparer.Ordinal) { "Name", "Location", "Reason", "ContactInfo", "M", "Contents" };

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
        var identifying = Dictionaries(text, out var tooDeep);
        foreach (var dictionary in identifying)
        {
            foreach (var (_, start) in Identifying(dictionary))
            {
                BlankStringAt(bytes, text, start);
            }
        }
        if (tooDeep)
        {
            left.Add(TooDeep);
        }
        if (HasAttachment(text))
        {
            left.Add(Attachment);
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
                if (HasAttachment(inside))
                {
                    left.Add(Attachment);
                }
                var walked = Dictionaries(inside, out var compressedTooDeep);
                if (compressedTooDeep)
                {
                    left.Add(TooDeep);
                }
                foreach (var compressed in walked)
                {
                    if (Identifying(compressed).Any(s => s.Key != "ID" && !IsBlank(inside, s.Start)))
                    {
                        left.Add(compressed.IsSignature ? Signer : CommentAuthors);
                    }
                }
            }
        }
        return new PdfScrub(bytes, [.. left]);
    }

    /// <summary>A dictionary as the walk saw it: its /Type and /Subtype, whether it has a /ByteRange, and where each string value starts, by key.</summary>
    private sealed class Dictionary
    {
        public string? Type { get; set; }
        public string? Subtype { get; set; }
        public bool HasByteRange { get; set; }
        public List<(string Key, int Start)> Strings { get; } = [];
        public string? PendingKey { get; set; }

        public bool IsComment => Subtype is { } subtype && CommentSubtypes.Contains(subtype);

        public bool IsSignature => Type == "Sig" || HasByteRange;
    }

    /// <summary>
    /// The string values of a dictionary that name, place or fingerprint a person: a comment's author and time, a
    /// signature's signer, and the document id (two strings a writer makes up, often from the time, path and size).
    /// </summary>
    private static IEnumerable<(string Key, int Start)> Identifying(Dictionary dictionary) =>
        dictionary.Strings.Where(s => s.Key == "ID"
            || (dictionary.IsComment && CommentKeys.Contains(s.Key))
            || (dictionary.IsSignature && SignerKeys.Contains(s.Key)));

    /// <summary>
    /// Every dictionary in <paramref name="text"/>, found by a small tokenizer that knows literal strings (nesting and
    /// escapes), hexadecimal strings, comments, arrays and nested dictionaries, and steps over stream data. A string
    /// right after a key is that key's value (keys are always names, so a string can never be one); a string in an
    /// array is counted under the key whose value the array is, so the trailer's /ID [&lt;…&gt; &lt;…&gt;] is found.
    /// </summary>
    /// <remarks>
    /// Only dictionaries with something to blank are kept, and nesting stops at <see cref="MaxDepth"/> (the walk then
    /// reports <paramref name="tooDeep"/>), so a file made of brackets cannot make the server hold millions of them.
    /// </remarks>
    private static List<Dictionary> Dictionaries(string text, out bool tooDeep)
    {
        tooDeep = false;
        var found = new List<Dictionary>();
        // Open dictionaries and arrays, innermost on top; an array remembers the dictionary and key it belongs to.
        var open = new Stack<(Dictionary? Dictionary, Dictionary? Owner, string? Key)>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var top = open.Count > 0 ? open.Peek() : default;
            var dictionary = top.Dictionary;
            if (c == '%')
            {
                var end = text.IndexOfAny(['\r', '\n'], i);
                i = end < 0 ? text.Length : end;
            }
            else if (c == '(' || (c == '<' && i + 1 < text.Length && text[i + 1] != '<'))
            {
                if (dictionary?.PendingKey is { } key)
                {
                    dictionary.Strings.Add((key, i));
                    dictionary.PendingKey = null;
                }
                else if (top is { Owner: { } owner, Key: { } arrayKey })
                {
                    owner.Strings.Add((arrayKey, i));
                }
                i = c == '(' ? LiteralEnd(text, i) : HexEnd(text, i);
            }
            else if ((c == '<' || c == '[') && open.Count >= MaxDepth)
            {
                tooDeep = true;
                return found;
            }
            else if (c == '<')
            {
                if (dictionary is not null)
                {
                    dictionary.PendingKey = null;
                }
                open.Push((new Dictionary(), null, null));
                i += 2;
            }
            else if (c == '[')
            {
                open.Push((null, dictionary, dictionary?.PendingKey));
                if (dictionary is not null)
                {
                    dictionary.PendingKey = null;
                }
                i++;
            }
            else if ((c == '>' && i + 1 < text.Length && text[i + 1] == '>') || c == ']')
            {
                if (open.Count > 0 && open.Pop().Dictionary is { } closed && Identifying(closed).Any())
                {
                    found.Add(closed);
                }
                i += c == ']' ? 1 : 2;
            }
            else if (c == '/')
            {
                var end = i + 1;
                while (end < text.Length && !IsDelimiterOrSpace(text[end]))
                {
                    end++;
                }
                var name = text[(i + 1)..end];
                if (dictionary?.PendingKey is { } key)
                {
                    // A name right after a key is that key's value.
                    dictionary.Type = key == "Type" ? name : dictionary.Type;
                    dictionary.Subtype = key == "Subtype" ? name : dictionary.Subtype;
                    dictionary.PendingKey = null;
                }
                else if (dictionary is not null)
                {
                    dictionary.PendingKey = name;
                    dictionary.HasByteRange |= name == "ByteRange";
                }
                i = end;
            }
            else if (IsDelimiterOrSpace(c))
            {
                i++;
            }
            else
            {
                // A number, a reference's "R", true, false, null, obj, endobj, or the keyword that starts stream data.
                var end = i;
                while (end < text.Length && !IsDelimiterOrSpace(text[end]))
                {
                    end++;
                }
                if (dictionary is not null)
                {
                    dictionary.PendingKey = null;
                }
                if (end - i == 6 && string.CompareOrdinal(text, i, "stream", 0, 6) == 0)
                {
                    var data = text.IndexOf("endstream", end, StringComparison.Ordinal);
                    end = data < 0 ? text.Length : data + "endstream".Length;
                }
                i = end;
            }
        }
        return found;
    }

    private static bool IsDelimiterOrSpace(char c) =>
        c is ' ' or '\r' or '\n' or '\t' or '\f' or '\0' or '(' or ')' or '<' or '>' or '[' or ']' or '{' or '}' or '/' or '%';

    /// <summary>The position after the literal string that opens at <paramref name="at"/> (balanced parentheses, backslash escapes).</summary>
    private static int LiteralEnd(string text, int at) => LiteralEnd(text, at, out _);

    /// <summary>As <see cref="LiteralEnd(string, int)"/>; <paramref name="closed"/> is false when the file ends first.</summary>
    private static int LiteralEnd(string text, int at, out bool closed)
    {
        closed = true;
        var depth = 0;
        for (var j = at; j < text.Length; j++)
        {
            switch (text[j])
            {
                case '\\':
                    j++;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth == 0)
                    {
                        return j + 1;
                    }
                    break;
            }
        }
        closed = false;
        return text.Length;
    }

    /// <summary>The position after the hexadecimal string that opens at <paramref name="at"/>.</summary>
    private static int HexEnd(string text, int at) => HexEnd(text, at, out _);

    private static int HexEnd(string text, int at, out bool closed)
    {
        var close = text.IndexOf('>', at + 1);
        closed = close >= 0;
        return closed ? close + 1 : text.Length;
    }

    /// <summary>Whether the string at <paramref name="at"/> says nothing: empty, or only spaces (as a blanked one is).</summary>
    private static bool IsBlank(string text, int at)
    {
        var literal = text[at] == '(';
        var end = literal ? LiteralEnd(text, at, out var closed) : HexEnd(text, at, out closed);
        var inside = text.AsSpan(at + 1, (closed ? end - 1 : end) - (at + 1));
        if (literal)
        {
            return inside.Trim(' ').IsEmpty;
        }
        // Hexadecimal: the bytes its digits spell (an odd last digit is followed by 0, as PDF reads it).
        var digits = new string([.. inside.ToArray().Where(Uri.IsHexDigit)]);
        return Convert.FromHexString(digits.Length % 2 == 0 ? digits : digits + "0").All(b => b == (byte)' ');
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
            // A literal string: everything inside its parentheses becomes spaces.
            var end = LiteralEnd(text, i, out var closed);
            bytes.AsSpan(i + 1, (closed ? end - 1 : end) - (i + 1)).Fill((byte)' ');
            return end;
        }
        if (text[i] == '<' && i + 1 < text.Length && text[i + 1] != '<')
        {
            // A hexadecimal string: its digits become "20" pairs (spaces); an odd one out becomes 0.
            var end = HexEnd(text, i, out var closed);
            if (!closed)
            {
                return end;
            }
            var (digits, last) = (0, -1);
            for (var j = i + 1; j < end - 1; j++)
            {
                if (Uri.IsHexDigit(text[j]))
                {
                    bytes[j] = (byte)(digits++ % 2 == 0 ? '2' : '0');
                    last = j;
                }
            }
            if (digits % 2 == 1)
            {
                bytes[last] = (byte)'0';
            }
            return end;
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
