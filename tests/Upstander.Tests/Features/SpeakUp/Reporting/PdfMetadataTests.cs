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
