using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Imaging;

public class BadImageTests : TempDirTest
{

    private static ImageDecodeException Fails(string path)
    {
        var e = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void EmptyFile() => Assert.Contains("empty", Fails(Write("empty.jpg", Array.Empty<byte>())).Reason);

    [Fact]
    public void MissingFile() => Assert.Contains("no such file", Fails(Path.Combine(_dir, "missing.png")).Reason);

    [Fact]
    public void TextFile() =>
        Assert.Contains("not an image", Fails(Write("notes.png", "hello, this is text\n"u8.ToArray())).Reason);

    [Theory]
    [InlineData("baseline.jpg")]
    [InlineData("progressive.jpg")]
    [InlineData("rgb8.png")]
    [InlineData("lossless.webp")]
    [InlineData("first-frame.gif")]
    [InlineData("rgb24.bmp")]
    public void TruncatedFile(string name)
    {
        var bytes = File.ReadAllBytes(Fixture.Images(name));
        var e = Fails(Write("cut-" + name, bytes[..(bytes.Length * 45 / 100)]));
        Assert.Matches("truncated|corrupt", e.Reason);
    }

    [Fact]
    public void CorruptJpegBody()
    {
        var bytes = File.ReadAllBytes(Fixture.Images("baseline.jpg"));
        // Keep the markers up to the start of scan, then replace the rest with garbage.
        var garbage = new Random(1).GetItems(new byte[] { 0x00, 0x13, 0xFF, 0xD9 }, bytes.Length - 200);
        var e = Fails(Write("corrupt.jpg", bytes[..200].Concat(garbage).ToArray()));
        Assert.Matches("truncated|corrupt", e.Reason);
    }

    [Fact]
    public void DecompressionBombIsRefusedBeforeDecoding()
    {
        // A valid PNG header claiming 30000 x 30000 pixels (900 M) with no data behind it.
        var e = Fails(Write("bomb.png", PngHeaderOnly(30000, 30000)));
        Assert.Contains("decompression bomb", e.Reason);
        // A limit can be set per call.
        var small = Fixture.Images("rgb8.png");
        var limited = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Decode(small, maxPixels: 100));
        Assert.Contains("192 pixels", limited.Reason);
    }

    [Fact]
    public void FolderIsNotAnImage() => Assert.Contains("folder", Fails(_dir).Reason);

    private static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        using var ms = new MemoryStream();
        ms.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        WriteChunk(ms, "IHDR", ihdr);
        WriteChunk(ms, "IDAT", new byte[] { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 });
        WriteChunk(ms, "IEND", Array.Empty<byte>());
        return ms.ToArray();
    }

    private static void WriteChunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        s.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
