using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Interpretation;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

public class HeatmapCommandTests : TempDirTest
{
    [Fact]
    public void HeatmapWritesTheFigureAndTheExactMaps()
    {
        var weights = Path.Combine(_dir, "bagnet9.pth");
        using var model = (BagNet)Architectures.Create("bagnet9");
        ModelWeights.Save(model, weights);
        var png = Path.Combine(_dir, "h.png");
        var npy = Path.Combine(_dir, "h.npy");
        var r = CliRunner.Run("heatmap", "--arch", "bagnet9", "--weights", weights, "--image", Fixture.Repository("examples/chelsea.png"),
            "--resize", "40", "--crop", "32", "--class", "281,n01440764", "--out", png, "--npy", npy);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("281\ttabby, tabby cat", r.Stdout);
        Assert.Contains("0\ttench, Tinca tinca", r.Stdout);

        using var maps = Npy.Load(npy);
        Assert.Equal(new long[] { 2, 32, 32 }, maps.shape);
        var image = new Preprocessing(40, 32).Geometry(ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png")));
        using var input = new Preprocessing(0, 0).Apply(image);
        using var reference = Heatmap.PatchByPatch(model, input, new[] { 281, 0 });
        double scale = reference.abs().max().item<float>();
        Assert.True((reference - maps).abs().max().item<float>() < 1e-4 * Math.Max(1, scale));

        using var figure = SKBitmap.Decode(png);
        Assert.True(figure.Width > 3 * 300, "image plus two panels");

        var notBagNet = CliRunner.Run("heatmap", "--arch", "resnet18", "--image", Fixture.Repository("examples/chelsea.png"), "--out", png);
        Assert.Equal(2, notBagNet.ExitCode);
        Assert.Contains("heatmaps need a BagNet", notBagNet.Stderr);
        var badClass = CliRunner.Run("heatmap", "--arch", "bagnet9", "--image", Fixture.Repository("examples/chelsea.png"), "--class", "tabby", "--out", png);
        Assert.Equal(2, badClass.ExitCode);
        Assert.Contains("'tabby' is not a class index or an ImageNet WNID", badClass.Stderr);
    }
}
