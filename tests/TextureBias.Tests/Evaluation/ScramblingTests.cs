using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Evaluation;

public class ScramblingTests : TempDirTest
{
    private static RgbImage Photo() => Preprocessing.CenterCrop(ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png")), 224);

    [Fact]
    public void GridOneIsTheIdentity()
    {
        var image = Photo();
        Assert.Equal(image.Pixels, Scrambling.Scramble(image, 1, new Random(3)).Pixels);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    public void GridKeepsTheMultisetOfBlocks(int n)
    {
        var image = Photo();
        var scrambled = Scrambling.Scramble(image, n, new Random(n));
        Assert.NotEqual(image.Pixels, scrambled.Pixels);
        int b = 224 / n;
        string Block(RgbImage img, int i) => Convert.ToHexString(Preprocessing.CropRegion(img, i % n * b, i / n * b, b, b).Pixels);
        var before = Enumerable.Range(0, n * n).Select(i => Block(image, i)).Order().ToList();
        var after = Enumerable.Range(0, n * n).Select(i => Block(scrambled, i)).Order().ToList();
        Assert.Equal(before, after);
    }

    [Fact]
    public void CorrelationOfAModelWithItselfIsOne()
    {
        var rng = new Random(8);
        var files = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var px = new byte[48 * 40 * 3];
            rng.NextBytes(px);
            files.Add(Path.Combine(_dir, $"{i}.png"));
            TestImages.WritePng(files[^1], new RgbImage(48, 40, px));
        }
        manual_seed(2);
        using var model = BagNet.BagNet9(7, width: 4);
        var result = LogitCorrelation.Compare(model, model, files, new Preprocessing(0, 0));
        Assert.Equal(3, result.Images);
        Assert.All(result.PerImage, p => Assert.Equal(1.0, p.R, 9));
        Assert.Equal(1.0, result.Top1Agreement);
        Assert.Equal(3, result.Histogram[19]);
        Assert.Equal(-1.0, LogitCorrelation.Pearson(new[] { 1f, 2f, 3f }, new[] { 3f, 2f, 1f }), 9);
    }
}
