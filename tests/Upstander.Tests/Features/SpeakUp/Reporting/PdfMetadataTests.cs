using System.Text;
using Upstander.Features.SpeakUp.Reporting;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

public sealed class PdfMetadataTests
{
    [Fact]
    public void A_pdf_loses_its_document_information_xmp_and_image_exif_in_place_and_still_opens()
    {
        var canary = Canary.New("pdf");
        var original = PdfSamples.WithMetadata(canary);
        PdfSamples.CrossReferencesHold(original).ShouldBeTrue("the sample itself is well formed");
        Canary.Contains(original, Convert.ToHexString(Encoding.ASCII.GetBytes(canary))).ShouldBeTrue();
        EvidenceFormats.Sniff("letter.pdf", original).ShouldBe(EvidenceFormats.Pdf);

        var scrub = PdfMetadata.Scrub(original);

        scrub.IsClean.ShouldBeTrue(string.Join(", ", scrub.Left));
        var clean = scrub.Bytes;
        clean.Length.ShouldBe(original.Length, "every change is made in place");
        Canary.Contains(clean, canary).ShouldBeFalse();
        Canary.Contains(clean, Convert.ToHexString(Encoding.ASCII.GetBytes(canary))).ShouldBeFalse("the hexadecimal title is blanked too");
        Canary.Contains(clean, "Exif").ShouldBeFalse();
        Canary.Contains(clean, "D:20261101").ShouldBeFalse("dates go with the rest of the document information");
        PdfSamples.CrossReferencesHold(clean).ShouldBeTrue("offsets still point at their objects");
        Canary.Contains(clean, "(Evidence text) Tj").ShouldBeTrue("the page's content is untouched");
        Canary.Contains(clean, "JFIF").ShouldBeTrue("the JFIF header describes the pixels and stays");
        Canary.Contains(clean, "/Author (").ShouldBeTrue("keys stay, so the dictionary still parses; their values are blank");
        EvidenceFormats.Clean(EvidenceFormats.Pdf, original).ShouldBe(clean);
        PdfMetadata.Scrub(clean).Bytes.ShouldBe(clean, "a clean file comes out the same");
    }

    [Fact]
    public void Comment_authors_a_signer_and_the_document_id_are_blanked_and_the_comments_and_form_fields_stay()
    {
        var canary = Canary.New("annot");
        var hex = Convert.ToHexString(Encoding.ASCII.GetBytes(canary));
        var original = PdfSamples.WithCommentsAndSignature(canary);
        PdfSamples.CrossReferencesHold(original).ShouldBeTrue("the sample itself is well formed");

        var scrub = PdfMetadata.Scrub(original);

        scrub.IsClean.ShouldBeTrue(string.Join(", ", scrub.Left));
        var clean = scrub.Bytes;
        clean.Length.ShouldBe(original.Length, "every change is made in place");
        PdfSamples.CrossReferencesHold(clean).ShouldBeTrue("offsets still point at their objects");
        Canary.Contains(clean, canary).ShouldBeFalse("comment authors, the popup's copy and the signer are blanked");
        Canary.Contains(clean, hex).ShouldBeFalse("the hexadecimal author, the certificate and the document id are blanked");
        Canary.Contains(clean, "D:20261101").ShouldBeFalse("when a comment was made and when it was signed go too");
        Canary.Contains(clean, "(He said \\) << not a dictionary >> \\( twice)").ShouldBeTrue("what a comment says is the evidence and stays");
        Canary.Contains(clean, "/Contents (Note kept)").ShouldBeTrue();
        Canary.Contains(clean, "/T (Signature1)").ShouldBeTrue("a form field's name is not a person's");
        Canary.Contains(clean, "/Reason (I agree)").ShouldBeFalse();
        PdfMetadata.Scrub(clean).Bytes.ShouldBe(clean, "a clean file comes out the same");
    }

    [Fact]
    public void A_comment_author_inside_a_compressed_object_stream_is_reported_as_left_and_an_empty_one_is_not()
    {
        PdfMetadata.Scrub(PdfSamples.WithCompressedComment(Canary.New("objstm"))).Left.ShouldBe(["the names of people who commented on it"]);
        PdfMetadata.Scrub(PdfSamples.WithCompressedComment("")).IsClean.ShouldBeTrue();
    }

    [Fact]
    public void Brackets_nested_past_the_bound_are_reported_and_flat_ones_are_walked_to_the_end()
    {
        var deep = Encoding.Latin1.GetBytes("%PDF-1.7\n1 0 obj\n" + string.Concat(Enumerable.Repeat("<< /A [", 2_000_000)));
        PdfMetadata.Scrub(deep).Left.ShouldBe(["a part nested too deeply to check"]);

        var nested = string.Concat(Enumerable.Repeat("<< /Kid ", PdfMetadata.MaxDepth - 1)) + "<< /Type /Annot /Subtype /Text /T (Someone) >>"
            + string.Concat(Enumerable.Repeat(" >>", PdfMetadata.MaxDepth - 1));
        var flat = Encoding.Latin1.GetBytes("%PDF-1.7\n1 0 obj\n" + string.Concat(Enumerable.Repeat("<< /A [1] >> ", 500_000)) + nested + "\nendobj\n");
        var scrub = PdfMetadata.Scrub(flat);
        scrub.IsClean.ShouldBeTrue(string.Join(", ", scrub.Left));
        Canary.Contains(scrub.Bytes, "Someone").ShouldBeFalse("a comment at the deepest allowed level, after half a million dictionaries, is still found");
    }

    [Fact]
    public void An_attached_file_is_reported_as_left()
    {
        PdfMetadata.Scrub(PdfSamples.WithAttachment()).Left.ShouldBe(["a file attached inside it"]);
    }

    [Fact]
    public void Document_information_inside_a_compressed_object_stream_is_reported_as_left()
    {
        var canary = Canary.New("objstm");
        var scrub = PdfMetadata.Scrub(PdfSamples.WithCompressedInformation(canary));

        scrub.IsClean.ShouldBeFalse();
        scrub.Left.ShouldContain("document information inside a compressed object stream");
        scrub.Left.ShouldContain("an author");
    }

    [Fact]
    public void An_encrypted_pdf_is_reported_as_left()
    {
        PdfMetadata.Scrub(PdfSamples.Encrypted()).Left.ShouldContain("encryption, which hides what the file says about who made it");
    }

    [Fact]
    public void A_stream_that_inflates_past_the_bound_is_not_inflated_and_is_reported()
    {
        var small = PdfMetadata.Scrub(PdfSamples.WithInflatingStream(1024));
        small.IsClean.ShouldBeTrue(string.Join(", ", small.Left));

        var bomb = PdfSamples.WithInflatingStream(PdfMetadata.MaxInflatedBytes + 1);
        bomb.Length.ShouldBeLessThan(200_000, "a small upload");
        PdfMetadata.Scrub(bomb).Left.ShouldContain("a compressed part too large to check");
    }

    // A crafted upload must not make the server work for minutes: each shape below was quadratic (every key, reference,
    // packet or stream read on to the end of the file), so a few megabytes took minutes. Each is scrubbed at two sizes,
    // four times apart, and the characters looked at per byte must not grow with the size, as they would fourfold.

    private const string TooTangled = "a part too tangled to check";

    [Fact]
    public void Keys_whose_strings_nest_deep_or_never_close_are_read_once()
    {
        var literal = ScrubsInLinearWork(n => "%PDF-1.7\n" + Repeat("/Author(", n) + "Someone", 100_000);
        literal.IsClean.ShouldBeTrue(string.Join(", ", literal.Left));
        Canary.Contains(literal.Bytes, "Someone").ShouldBeFalse("a string that never closes is blanked to the end of the file");
        Canary.Contains(literal.Bytes, "/Author(/Author").ShouldBeFalse();

        var nested = ScrubsInLinearWork(n => "%PDF-1.7\n" + Repeat("/Creator (", n) + "Someone" + Repeat(")", n) + " /Producer (Writer)", 100_000);
        nested.IsClean.ShouldBeTrue(string.Join(", ", nested.Left));
        Canary.Contains(nested.Bytes, "Someone").ShouldBeFalse();
        Canary.Contains(nested.Bytes, "Writer").ShouldBeFalse("the string after the nested one is still found");

        var hex = ScrubsInLinearWork(n => "%PDF-1.7\n/Author <416E6E> " + Repeat("/Author<", n), 100_000);
        hex.IsClean.ShouldBeTrue(string.Join(", ", hex.Left));
        Canary.Contains(hex.Bytes, "/Author <202020>").ShouldBeTrue("a closed string before them is blanked as ever");
    }

    [Fact]
    public void Many_information_references_are_looked_up_in_one_pass_and_past_the_bound_are_reported()
    {
        var repeated = ScrubsInLinearWork(n => "%PDF-1.7\n5 0 obj\n<< /Custom (Someone) >>\nendobj\n" + Repeat("trailer << /Info 5 0 R >>\n", n) + Repeat("5 0 obj (", n), 50_000);
        repeated.IsClean.ShouldBeTrue(string.Join(", ", repeated.Left));
        Canary.Contains(repeated.Bytes, "Someone").ShouldBeFalse();

        var distinct = ScrubsInLinearWork(n => "%PDF-1.7\n" + string.Concat(Enumerable.Range(1, n).Select(i => $"{i} 0 obj << /Custom (Someone) >> endobj /Info {i} 0 R\n")), 20_000);
        distinct.Left.ShouldBe([TooTangled]);

        var bounded = PdfMetadata.Scrub(Encoding.Latin1.GetBytes("%PDF-1.7\n" + string.Concat(Enumerable.Range(1, PdfMetadata.MaxInformationReferences).Select(i => $"{i} 0 obj << /Custom (Someone) >> endobj /Info {i} 0 R\n"))));
        bounded.IsClean.ShouldBeTrue(string.Join(", ", bounded.Left));
        Canary.Contains(bounded.Bytes, "Someone").ShouldBeFalse("up to the bound, every information dictionary is blanked");
    }

    [Fact]
    public void Xmp_packets_that_never_close_are_read_once_and_reported()
    {
        var closedFirst = "%PDF-1.7\n<?xpacket begin?><x:xmpmeta><dc:creator>Someone</dc:creator></x:xmpmeta><?xpacket end=\"w\"?>\n";
        foreach (var unclosed in new[] { "<?xpacket begin ", "<x:xmpmeta ", "<?xpacket begin <?xpacket end " })
        {
            var scrub = ScrubsInLinearWork(n => closedFirst + Repeat(unclosed, n), 750_000 / unclosed.Length);
            scrub.Left.ShouldBe(["XMP metadata"], unclosed);
            Canary.Contains(scrub.Bytes, "Someone").ShouldBeFalse("a packet that closes is blanked as ever");
        }
    }

    [Fact]
    public void Streams_that_never_end_are_read_once_and_overlapping_ones_past_the_bound_are_reported()
    {
        var plain = ScrubsInLinearWork(n => "%PDF-1.7\n" + Repeat("1 0 obj <</Length 1>>stream\nx", n), 25_000);
        plain.IsClean.ShouldBeTrue(string.Join(", ", plain.Left));

        var compressed = ScrubsInLinearWork(n => "%PDF-1.7\n" + Repeat("1 0 obj <</Filter/FlateDecode>>stream\nx", n), 25_000);
        compressed.Left.ShouldBe([TooTangled]);

        // Each image's header segment holds the next image, so the segments of every later one are walked again for each.
        const string header = "\n1 0 obj <</Filter/DCTDecode>>stream\n";
        var segment = "\u00FF\u00DB\u0000" + (char)(header.Length + 4) + header + "\u00FF\u00D8";
        var images = ScrubsInLinearWork(n => "%PDF-1.7" + header + "\u00FF\u00D8" + Repeat(segment, n), 20_000);
        images.Left.ShouldBe([TooTangled]);
    }

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    /// <summary>Scrubs the shape with <paramref name="count"/> and four times as many repeats; checks the larger is a few megabytes and cost no more per byte.</summary>
    private static PdfScrub ScrubsInLinearWork(Func<int, string> shape, int count)
    {
        var small = Encoding.Latin1.GetBytes(shape(count));
        var large = Encoding.Latin1.GetBytes(shape(4 * count));
        large.Length.ShouldBeInRange(2_000_000, 10_000_000, "a few megabytes, within an upload's limit");
        PdfMetadata.Scrub(small, out var smallWork);
        var scrub = PdfMetadata.Scrub(large, out var largeWork);
        ((double)largeWork / large.Length).ShouldBeLessThan(1.25 * smallWork / small.Length, $"work per byte: {smallWork / small.Length} at {small.Length} bytes, {largeWork / large.Length} at {large.Length}");
        return scrub;
    }
}
