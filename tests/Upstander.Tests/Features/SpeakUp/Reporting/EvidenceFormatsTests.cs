using Upstander.Features.SpeakUp.Reporting;
using Upstander.Tests.TestHost;

namespace Upstander.Tests.Features.SpeakUp.Reporting;

public sealed class EvidenceFormatsTests
{
    [Fact]
    public void A_jpeg_loses_its_exif_comment_and_trailing_bytes_and_still_parses()
    {
        var canary = Canary.New("jpeg");
        var original = EvidenceSamples.JpegWithExif(canary);
        EvidenceFormats.Sniff("photo.JPG", original).ShouldBe(EvidenceFormats.Jpeg);
        var clean = EvidenceFormats.StripJpeg(original).ShouldNotBeNull();
        Canary.Contains(clean, canary).ShouldBeFalse();
        Canary.Contains(clean, "Exif").ShouldBeFalse();
        clean[..2].ShouldBe(new byte[] { 0xFF, 0xD8 });
        clean[^2..].ShouldBe(new byte[] { 0xFF, 0xD9 });
        Canary.Contains(clean, "JFIF").ShouldBeTrue("the JFIF header describes the pixels and stays");
        clean.AsSpan().IndexOf(new byte[] { 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56 }).ShouldBeGreaterThan(0, "the scan data is copied as it was");
        EvidenceFormats.StripJpeg(clean).ShouldBe(clean, "a clean file parses and comes out the same");
    }

    [Fact]
    public void A_png_keeps_only_the_chunks_that_describe_the_pixels()
    {
        var canary = Canary.New("png");
        var original = EvidenceSamples.PngWithText(canary);
        EvidenceFormats.Sniff("screen.png", original).ShouldBe(EvidenceFormats.Png);
        var clean = EvidenceFormats.StripPng(original).ShouldNotBeNull();
        Canary.Contains(clean, canary).ShouldBeFalse();
        EvidenceSamples.PngChunks(clean).ShouldBe(["IHDR", "gAMA", "IDAT", "IEND"]);
    }

    [Theory]
    [InlineData("photo.jpg")]
    [InlineData("notes.txt")]
    [InlineData("scan.pdf")]
    public void An_executable_is_refused_whatever_it_is_called(string name) =>
        EvidenceFormats.Sniff(name, EvidenceSamples.Executable()).ShouldBeNull();

    [Fact]
    public void The_name_must_agree_with_the_content()
    {
        var png = EvidenceSamples.PngWithText("x");
        EvidenceFormats.Sniff("photo.jpg", png).ShouldBeNull();
        EvidenceFormats.Sniff("photo.png.exe", png).ShouldBeNull();
        EvidenceFormats.Sniff("notes.txt", "Tuesday 3pm: shouted at in the corridor.\r\n"u8).ShouldBe(EvidenceFormats.Text);
        EvidenceFormats.Sniff("notes.txt", [0x41, 0x00, 0x42]).ShouldBeNull();
        EvidenceFormats.Sniff("letter.pdf", "%PDF-1.7\n"u8).ShouldBe(EvidenceFormats.Pdf);
    }

    [Fact]
    public void Truncated_images_are_refused()
    {
        var jpeg = EvidenceSamples.JpegWithExif("x");
        EvidenceFormats.StripJpeg(jpeg[..30]).ShouldBeNull();
        var png = EvidenceSamples.PngWithText("x");
        EvidenceFormats.StripPng(png[..40]).ShouldBeNull();
    }

    [Fact]
    public void Receipts_are_sixteen_random_digits_grouped_in_fours()
    {
        var receipts = Enumerable.Range(0, 50).Select(_ => Receipts.New()).ToList();
        receipts.ShouldAllBe(r => r.Length == 16 && r.All(char.IsAsciiDigit));
        receipts.Distinct().Count().ShouldBe(50);
        Receipts.Format("1234567890123456").ShouldBe("1234 5678 9012 3456");
        Receipts.Normalise(" 1234-5678 9012 3456 ").ShouldBe("1234567890123456");
        Receipts.Normalise("1234 5678 9012 345").ShouldBeNull();
        Receipts.Normalise("abcd 5678 9012 3456").ShouldBeNull();
    }
}
