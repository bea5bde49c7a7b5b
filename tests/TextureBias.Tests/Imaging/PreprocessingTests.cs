using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Imaging;

public class PreprocessingTests
{
    [Theory]
    [InlineData(23, 17)]
    [InlineData(61, 30)] // vertical pass only
    [InlineData(40, 47)] // horizontal pass only
    [InlineData(97, 80)] // upscaling
    [InlineData(8, 5)] // strong downscaling: wide antialiasing kernels
    public void BilinearResizeIsByteIdenticalToPil(int w, int h)
    {
        var source = ImageDecoder.Decode(Fixture.Images("resize-source.png"));
        var pil = ImageDecoder.Decode(Fixture.Images($"resize-{w}x{h}.png"));
        var ours = PilResize.Bilinear(source, w, h);
        Assert.Equal(pil.Width, ours.Width);
        Assert.Equal(pil.Height, ours.Height);
        Assert.Equal(pil.Pixels, ours.Pixels);
    }

    [Theory]
    [InlineData(23, 17)]
    [InlineData(97, 80)]
    public void LanczosResizeIsByteIdenticalToPil(int w, int h)
    {
        var source = ImageDecoder.Decode(Fixture.Images("resize-source.png"));
        var pil = ImageDecoder.Decode(Fixture.Images($"lanczos-{w}x{h}.png"));
        Assert.Equal(pil.Pixels, PilResize.Lanczos(source, w, h).Pixels);
    }

    [Theory]
    [InlineData(451, 300, 256, 384, 256)] // landscape: int(256 * 451 / 300) = 384
    [InlineData(300, 451, 256, 256, 384)]
    [InlineData(500, 375, 256, 341, 256)] // int(341.33)
    public void ResizeKeepsTheAspectLikeTorchvision(int w, int h, int size, int ew, int eh)
    {
        var img = Preprocessing.ResizeShorterSide(new RgbImage(w, h), size);
        Assert.Equal((ew, eh), (img.Width, img.Height));
    }

    [Fact]
    public void CenterCropUsesRoundHalfToEven()
    {
        // 7 - 4 = 3 spare rows: round(1.5) = 2 in Python; 5 - 4 = 1 spare column: round(0.5) = 0.
        var img = new RgbImage(5, 7);
        for (int y = 0; y < 7; y++)
        for (int x = 0; x < 5; x++)
            img.Pixels[(y * 5 + x) * 3] = (byte)(10 * y + x);
        var crop = Preprocessing.CenterCrop(img, 4);
        Assert.Equal(20, crop[0, 0, 0]);
    }

    [Fact]
    public void CenterCropPadsSmallImagesWithBlack()
    {
        var img = new RgbImage(2, 2, Enumerable.Repeat((byte)255, 12).ToArray());
        var crop = Preprocessing.CenterCrop(img, 5);
        Assert.Equal((5, 5), (crop.Width, crop.Height));
        // padding (5-2)//2 = 1 before, 2 after
        Assert.Equal(0, crop[0, 0, 0]);
        Assert.Equal(255, crop[1, 1, 0]);
        Assert.Equal(255, crop[2, 2, 0]);
        Assert.Equal(0, crop[3, 3, 0]);
    }

    [Fact]
    public void NormalisedTensorMatchesTheFormula()
    {
        var img = ImageDecoder.Decode(Fixture.Images("rgb8.png"));
        using var t = new Preprocessing(0, 0).Apply(img);
        Assert.Equal(new long[] { 3, 12, 16 }, t.shape);
        // pixel (0,0) is (200, 30, 60)
        Assert.Equal((200 / 255f - 0.485f) / 0.229f, t[0, 0, 0].item<float>(), 6);
        Assert.Equal((30 / 255f - 0.456f) / 0.224f, t[1, 0, 0].item<float>(), 6);
        Assert.Equal((60 / 255f - 0.406f) / 0.225f, t[2, 0, 0].item<float>(), 6);
    }

    [Fact]
    public void StandardTransformGivesTheCropSize()
    {
        using var t = Preprocessing.ImageNetEval.Load(Fixture.Repository("examples/chelsea.png"));
        Assert.Equal(new long[] { 3, 224, 224 }, t.shape);
    }
}
