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
/// anonymity depends on it. The work grows with the file's length and no faster, whatever the file holds (an upload
/// is the one thing anyone, signed in or not, can make the server read); what a bound stops it from checking is
/// reported in <see cref="PdfScrub.Left"/> too. Pure.
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
    private const string TooTangled = "a part too tangled to check";

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

    /// <summary>
    /// How many different document information dictionaries the trailers may name before the file is reported as too
    /// tangled to check: a real file names one, or a few after incremental updates.
    /// </summary>
    public const int MaxInformationReferences = 1000;

    public static PdfScrub Scrub(byte[] input) => Scrub(input, out _);

    /// <summary>
    /// As <see cref="Scrub(byte[])"/>; <paramref name="scanned"/> counts the characters looked at (each pass of a
    /// pattern over the whole file counting as its length), so that tests can show the work grows with the file's
    /// length and no faster, whatever its shape.
    /// </summary>
    internal static PdfScrub Scrub(byte[] input, out long scanned)
    {
        var scrub = new Scrubbing(input);
        scrub.Run();
        scanned = scrub.Scanned;
        return new PdfScrub(scrub.Bytes, [.. scrub.Left]);
    }

    /// <summary>
    /// One file being cleaned. Every part of it reads the file a bounded number of times, whatever the file holds:
    /// strings that open inside one just blanked are not read again, searches for what closes something ("&gt;",
    /// endobj, endstream, the end of an XMP packet) remember their last answer, and stream data is looked at, in all,
    /// at most the file's length plus <see cref="MaxInflatedBytes"/> (streams of a real file do not overlap; streams
    /// that each lack their end run on into the next, and would otherwise have the same bytes looked at for each).
    /// </summary>
    private sealed class Scrubbing
    {
        private readonly NextOccurrence _hexEnd, _objectEnd, _streamEnd;
        private readonly byte[] _buffer = new byte[81920];

        public Scrubbing(byte[] input)
        {
            Bytes = (byte[])input.Clone();
            // Latin-1 maps each byte to one char, so string positions are byte positions.
            Text = Encoding.Latin1.GetString(Bytes);
            _hexEnd = new NextOccurrence(this, ">");
            _objectEnd = new NextOccurrence(this, "endobj");
            _streamEnd = new NextOccurrence(this, "endstream");
        }

        public byte[] Bytes { get; }

        public string Text { get; }

        public SortedSet<string> Left { get; } = new(StringComparer.Ordinal);

        public long Scanned { get; private set; }

        /// <summary>The text, for one pass of a pattern or search over all of it (counted as its length).</summary>
        private string Pass()
        {
            Scanned += Text.Length;
            return Text;
        }

        public void Run()
        {
            BlankInformationDictionaries();
            BlankInformationKeys();
            BlankXmpPackets();
            var identifying = Dictionaries(Pass(), out var tooDeep);
            foreach (var dictionary in identifying)
            {
                foreach (var (_, start) in Identifying(dictionary))
                {
                    BlankStringAt(start);
                }
            }
            if (tooDeep)
            {
                Left.Add(TooDeep);
            }
            if (HasAttachment(Pass()))
            {
                Left.Add(Attachment);
            }
            if (EncryptReference().IsMatch(Pass()))
            {
                Left.Add("encryption, which hides what the file says about who made it");
            }
            LookIntoStreams();
        }

        /// <summary>
        /// Blanks every string of each information dictionary a trailer names (by its object number), found in one
        /// pass over the objects. Objects are taken in order, and one that starts before the last one's blanking
        /// reached (a file that repeats an object without ending it) is taken up where that blanking stopped.
        /// </summary>
        private void BlankInformationDictionaries()
        {
            // Each reference ("N G", as written) and whether its object was found.
            var wanted = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (Match info in InfoReference().Matches(Pass()))
            {
                var reference = info.Groups[1].Value + " " + info.Groups[2].Value;
                if (!wanted.ContainsKey(reference) && wanted.Count == MaxInformationReferences)
                {
                    Left.Add(TooTangled);
                    break;
                }
                wanted.TryAdd(reference, false);
            }
            if (wanted.Count == 0)
            {
                return;
            }
            var reached = 0;
            foreach (Match found in ObjectHeader().Matches(Pass()))
            {
                var reference = found.Groups[1].Value + " " + found.Groups[2].Value;
                if (!wanted.ContainsKey(reference))
                {
                    continue;
                }
                wanted[reference] = true;
                var end = _objectEnd.At(found.Index);
                reached = Math.Max(reached, BlankStrings(Math.Max(found.Index + found.Length, reached), end < 0 ? Text.Length : end));
            }
            if (wanted.ContainsValue(false))
            {
                Left.Add("document information inside a compressed object stream");
            }
        }

        /// <summary>
        /// Blanks the value of each document information key wherever it appears uncompressed. A string that opens
        /// inside the literal string blanked just before is part of it (a literal string nests), so it is blank
        /// already; one that opens inside the hexadecimal string blanked just before ends where that one ends.
        /// </summary>
        private void BlankInformationKeys()
        {
            var (literalTo, hexTo) = (0, 0);
            foreach (Match key in InformationKey().Matches(Pass()))
            {
                var at = SkipSpace(key.Index + key.Length);
                if (at >= Text.Length || at < literalTo || (Text[at] == '<' && at < hexTo))
                {
                    continue;
                }
                var end = BlankStringAt(at);
                if (Text[at] == '(')
                {
                    literalTo = end;
                }
                else if (end > at)
                {
                    hexTo = end;
                }
            }
        }

        /// <summary>
        /// Blanks every XMP packet (from &lt;?xpacket begin to the end of &lt;?xpacket end…&gt;) and every x:xmpmeta
        /// element outside one, in one pass. One that opens and never closes is reported, as what it says stays.
        /// </summary>
        private void BlankXmpPackets()
        {
            const string PacketBegin = "<?xpacket begin", PacketEnd = "<?xpacket end", MetaBegin = "<x:xmpmeta", MetaEnd = "</x:xmpmeta>";
            var (packets, packetEnds, closes) = (new NextOccurrence(this, PacketBegin), new NextOccurrence(this, PacketEnd), new NextOccurrence(this, ">"));
            var (metas, metaEnds) = (new NextOccurrence(this, MetaBegin), new NextOccurrence(this, MetaEnd));
            var (packetsClose, metasClose) = (true, true);
            var at = 0;
            while (true)
            {
                var packet = packetsClose ? packets.At(at) : -1;
                var meta = metasClose ? metas.At(at) : -1;
                if (packet < 0 && meta < 0)
                {
                    return;
                }
                var isPacket = packet >= 0 && (meta < 0 || packet < meta);
                var start = isPacket ? packet : meta;
                var end = isPacket ? PacketClose(packet) : MetaClose(meta);
                if (end < 0)
                {
                    // It never closes, so no later one of its kind does either; what it says stays.
                    Left.Add("XMP metadata");
                    packetsClose &= !isPacket;
                    metasClose &= isPacket;
                    continue;
                }
                Bytes.AsSpan(start, end - start).Fill((byte)' ');
                Scanned += end - start;
                at = end;
            }

            int PacketClose(int packet)
            {
                var last = packetEnds.At(packet + PacketBegin.Length);
                var close = last < 0 ? -1 : closes.At(last + PacketEnd.Length);
                return close < 0 ? -1 : close + 1;
            }

            int MetaClose(int meta)
            {
                var last = metaEnds.At(meta + MetaBegin.Length);
                return last < 0 ? -1 : last + MetaEnd.Length;
            }
        }

        /// <summary>Looks into each stream: blanks the camera and location segments of a JPEG image, and inflates a compressed stream to see what it keeps.</summary>
        private void LookIntoStreams()
        {
            var inflatedSoFar = 0L;
            var budget = (long)Bytes.Length + MaxInflatedBytes;
            foreach (Match stream in StreamStart().Matches(Pass()))
            {
                var dictionary = stream.Groups["dict"].Value;
                var start = stream.Index + stream.Length;
                var end = _streamEnd.At(start);
                var length = (end < 0 ? Bytes.Length : end) - start;
                var jpeg = dictionary.Contains("/DCTDecode", StringComparison.Ordinal) && !dictionary.Contains("/FlateDecode", StringComparison.Ordinal);
                var compressed = dictionary.Contains("/FlateDecode", StringComparison.Ordinal);
                if (!jpeg && !compressed)
                {
                    continue;
                }
                if (budget <= 0)
                {
                    Left.Add(TooTangled);
                    return;
                }
                if (jpeg)
                {
                    var walked = EvidenceFormats.BlankJpegSegments(Bytes.AsSpan(start, length));
                    (budget, Scanned) = (budget - walked, Scanned + walked);
                    continue;
                }
                if (dictionary.Contains("/Metadata", StringComparison.Ordinal))
                {
                    Left.Add("XMP metadata");
                }
                var inflated = Inflate(start, length, MaxInflatedBytes - inflatedSoFar, out var read);
                (budget, Scanned) = (budget - read, Scanned + read);
                if (inflated is null)
                {
                    Left.Add("a compressed part too large to check");
                    continue;
                }
                inflatedSoFar += inflated.Length;
                var inside = Encoding.Latin1.GetString(inflated);
                Scanned += (CompressedMarkers.Length + 4L) * inside.Length;
                foreach (var (marker, meaning) in CompressedMarkers)
                {
                    if (inside.Contains(marker, StringComparison.Ordinal))
                    {
                        Left.Add(meaning);
                    }
                }
                if (HasAttachment(inside))
                {
                    Left.Add(Attachment);
                }
                var walkedInside = Dictionaries(inside, out var compressedTooDeep);
                if (compressedTooDeep)
                {
                    Left.Add(TooDeep);
                }
                foreach (var found in walkedInside)
                {
                    if (Identifying(found).Any(s => s.Key != "ID" && !IsBlank(inside, s.Start)))
                    {
                        Left.Add(found.IsSignature ? Signer : CommentAuthors);
                    }
                }
            }
        }

        /// <summary>
        /// The bytes that the <paramref name="length"/> bytes at <paramref name="start"/> inflate to, or null when they
        /// would pass <paramref name="budget"/>; <paramref name="read"/> is how many of them the inflater read. Data that
        /// is not zlib yields what inflated before the error.
        /// </summary>
        private byte[]? Inflate(int start, int length, long budget, out long read)
        {
            using var compressed = new MemoryStream(Bytes, start, length, writable: false);
            using var output = new MemoryStream();
            try
            {
                using var inflater = new ZLibStream(compressed, CompressionMode.Decompress, leaveOpen: true);
                int count;
                while ((count = inflater.Read(_buffer)) > 0)
                {
                    if (output.Length + count > budget)
                    {
                        read = compressed.Position;
                        return null;
                    }
                    output.Write(_buffer, 0, count);
                }
            }
            catch (InvalidDataException)
            {
                // Damaged or not zlib after all: what inflated so far is still looked at.
            }
            read = compressed.Position;
            return output.ToArray();
        }

        private int SkipSpace(int at)
        {
            var i = at;
            while (i < Text.Length && Text[i] is ' ' or '\r' or '\n' or '\t' or '\f' or '\0')
            {
                i++;
            }
            Scanned += i - at;
            return i;
        }

        /// <summary>Blanks every string (literal or hexadecimal) from <paramref name="from"/> to <paramref name="to"/>; returns where it stopped (the end of the last string, which may pass <paramref name="to"/>).</summary>
        private int BlankStrings(int from, int to)
        {
            var i = from;
            while (i < to)
            {
                if (Text[i] == '(' || (Text[i] == '<' && i + 1 < to && Text[i + 1] != '<'))
                {
                    i = BlankStringAt(i);
                }
                else if (Text[i] == '<')
                {
                    i += 2; // a nested dictionary opens; its strings are blanked as they come
                }
                else
                {
                    i++;
                }
            }
            Scanned += Math.Max(0, i - from);
            return i;
        }

        /// <summary>Blanks the string starting at <paramref name="at"/> (after any white space); returns the position after it.</summary>
        private int BlankStringAt(int at)
        {
            var i = SkipSpace(at);
            if (i >= Text.Length)
            {
                return i;
            }
            if (Text[i] == '(')
            {
                // A literal string: everything inside its parentheses becomes spaces.
                var end = LiteralEnd(Text, i, out var closed);
                Bytes.AsSpan(i + 1, (closed ? end - 1 : end) - (i + 1)).Fill((byte)' ');
                Scanned += end - i;
                return end;
            }
            if (Text[i] == '<' && i + 1 < Text.Length && Text[i + 1] != '<')
            {
                // A hexadecimal string: its digits become "20" pairs (spaces); an odd one out becomes 0.
                var close = _hexEnd.At(i + 1);
                if (close < 0)
                {
                    return Text.Length;
                }
                var (digits, last) = (0, -1);
                for (var j = i + 1; j < close; j++)
                {
                    if (Uri.IsHexDigit(Text[j]))
                    {
                        Bytes[j] = (byte)(digits++ % 2 == 0 ? '2' : '0');
                        last = j;
                    }
                }
                if (digits % 2 == 1)
                {
                    Bytes[last] = (byte)'0';
                }
                Scanned += close - i;
                return close + 1;
            }
            return i;
        }

        /// <summary>
        /// Where a string next occurs in the file at or after a position. It remembers its last answer, and asked for a
        /// position between its last question and that answer, answers without looking again; so asked about
        /// positions in increasing order (as each pass over the file does), it reads the file at most once in all,
        /// even for a file that opens a million things and never closes them.
        /// </summary>
        private sealed class NextOccurrence(Scrubbing scrubbing, string value)
        {
            private int _from = int.MaxValue;
            private int _found = -1;

            /// <summary>The position of the next occurrence at or after <paramref name="from"/>, or -1 when there is none.</summary>
            public int At(int from)
            {
                if (from >= _from && (_found < 0 || from <= _found))
                {
                    return _found;
                }
                var text = scrubbing.Text;
                _found = from >= text.Length ? -1 : text.IndexOf(value, from, StringComparison.Ordinal);
                _from = from;
                scrubbing.Scanned += (_found < 0 ? text.Length : _found + value.Length) - Math.Min(from, text.Length);
                return _found;
            }
        }
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

    /// <summary>The start of an object, "N G obj".</summary>
    [GeneratedRegex(@"(?<![0-9])(\d+)\s+(\d+)\s+obj\b")]
    private static partial Regex ObjectHeader();

    /// <summary>An object's stream dictionary and the start of its data (the dictionary may hold nested ones).</summary>
    [GeneratedRegex(@"\sobj\s*<<(?<dict>(?:(?!endobj|\sobj\b|>>\s*stream).)*?)>>\s*stream\r?\n", RegexOptions.Singleline)]
    private static partial Regex StreamStart();
}
