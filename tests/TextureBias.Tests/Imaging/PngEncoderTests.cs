using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Imaging;

public class PngEncoderTests : TempDirTest
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    public void SavePngIsLosslessAndHasNoAlphaChannel(int level)
    {
        var rng = new Random(level);
        var px = new byte[13 * 7 * 3];
        rng.NextBytes(px);
        var path = Path.Combine(_dir, $"x{level}.png");
        ImageEncoder.SavePng(path, new RgbImage(13, 7, px), level);
        Assert.Equal(px, ImageDecoder.Decode(path).Pixels);
        // IHDR colour type (byte 25): 2 = RGB, 6 = RGBA
        Assert.Equal(2, File.ReadAllBytes(path)[25]);
    }
}
