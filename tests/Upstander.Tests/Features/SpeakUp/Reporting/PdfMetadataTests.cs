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
}
