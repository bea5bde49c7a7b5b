using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Imaging;

public class ImageDecoderTests
{
    // The pattern every fixture shows (tools/fixtures/make_image_fixtures.py): four quadrants of
    // known colours on a 16x12 canvas.
    private static readonly byte[][] Colours =
    {
        new byte[] { 200, 30, 60 }, new byte[] { 20, 180, 90 }, new byte[] { 40, 70, 220 }, new byte[] { 128, 128, 128 },
    };

    private static byte[] Expected(int x, int y) => Colours[(y < 6 ? 0 : 2) + (x < 8 ? 0 : 1)];

    private static byte Luma(byte[] c) => (byte)((c[0] * 299 + c[1] * 587 + c[2] * 114 + 500) / 1000);

    /// <summary>Largest channel difference from the pattern, looking only at quadrant interiors
    /// for lossy formats (JPEG blocks blur the borders).</summary>
    private static int MaxError(RgbImage img, bool gray, bool interiorOnly)
    {
        Assert.Equal(16, img.Width);
        Assert.Equal(12, img.Height);
        int worst = 0;
        for (int y = 0; y < 12; y++)
        for (int x = 0; x < 16; x++)
        {
            if (interiorOnly && (x is 0 or 7 or 8 or 15 || y is 0 or 5 or 6 or 11)) continue;
            var c = Expected(x, y);
            for (int ch = 0; ch < 3; ch++)
            {
                int want = gray ? Luma(c) : c[ch];
                worst = Math.Max(worst, Math.Abs(img[x, y, ch] - want));
            }
        }
        return worst;
    }

    [Theory]
    [InlineData("rgb8.png")]
    [InlineData("rgba8.png")] // alpha is dropped, never premultiplied (alpha runs from 0 to 255)
    [InlineData("palette.png")]
    [InlineData("palette-trns.png")]
    [InlineData("rgb16.png")] // 16-bit: the high byte, as PIL
    [InlineData("rgb24.bmp")]
    [InlineData("first-frame.gif")] // the second frame is plain yellow
    [InlineData("transparent.gif")] // the transparent index keeps its palette colour, as PIL
    [InlineData("lossless.webp")]
    public void LosslessKindsDecodeToTheExactPixels(string name)
    {
        var img = ImageDecoder.Decode(Fixture.Images(name));
        Assert.Equal(0, MaxError(img, gray: false, interiorOnly: false));
    }

    [Theory]
    [InlineData("gray8.png")]
    [InlineData("gray-alpha8.png")]
    [InlineData("gray16.png")] // PIL would clip this to white; we keep the high byte
    public void GreyKindsBecomeThreeEqualChannels(string name)
    {
        var img = ImageDecoder.Decode(Fixture.Images(name));
        Assert.True(MaxError(img, gray: true, interiorOnly: false) <= 1);
        for (int i = 0; i < img.Pixels.Length; i += 3)
        {
            Assert.Equal(img.Pixels[i], img.Pixels[i + 1]);
            Assert.Equal(img.Pixels[i], img.Pixels[i + 2]);
        }
    }

    [Theory]
    [InlineData("baseline.jpg", false)]
    [InlineData("progressive.jpg", false)]
    [InlineData("gray.jpg", true)]
    [InlineData("cmyk.jpg", false)]
    [InlineData("lossy.webp", false)]
    public void LossyKindsMatchThePatternAndPil(string name, bool gray)
    {
        var img = ImageDecoder.Decode(Fixture.Images(name));
        Assert.True(MaxError(img, gray, interiorOnly: true) <= 8, $"{name}: far from the known colours");
        // PIL's own decoding of the same file, stored by the fixture script.
        var pil = ImageDecoder.Decode(Fixture.Images("pil-" + name.Replace('.', '-') + ".png"));
        int worst = 0;
        for (int i = 0; i < img.Pixels.Length; i++) worst = Math.Max(worst, Math.Abs(img.Pixels[i] - pil.Pixels[i]));
        Assert.True(worst <= 2, $"{name}: differs from PIL by {worst}");
    }

    [Fact]
    public void PhotoDecodesLikeTheRealThing()
    {
        var img = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        Assert.Equal(451, img.Width);
        Assert.Equal(300, img.Height);
    }
}
