using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

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
