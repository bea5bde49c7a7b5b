using TextureBias.Attribution;
using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

public class AttributeCommandTests : TempDirTest
{
    readonly string _weights, _image, _other;

    public AttributeCommandTests()
    {
        manual_seed(21);
        using var model = Architectures.Create("resnet18", 1000, 8);
        _weights = Path.Combine(_dir, "r.pth");
        ModelWeights.Save(model, _weights);
        var rng = new Random(5);
        var px = new byte[48 * 48 * 3];
        rng.NextBytes(px);
        _image = Path.Combine(_dir, "a.png");
        TestImages.WritePng(_image, new RgbImage(48, 48, px));
        rng.NextBytes(px);
        _other = Path.Combine(_dir, "sub", "a.png");
        Directory.CreateDirectory(Path.GetDirectoryName(_other)!);
        TestImages.WritePng(_other, new RgbImage(48, 48, px));
    }

    [Theory]
    [InlineData("deeplift", "blur")]
    [InlineData("gradient-input", "zero")]
    [InlineData("occlusion", "mean")]
    public void TheMapsAreTheLibrarysAndTheFigureIsWritten(string method, string baseline)
    {
        string png = Path.Combine(_dir, "h.png"), npy = Path.Combine(_dir, "h.npy");
        var r = CliRunner.Run("attribute", "--arch", "resnet18", "--weights", _weights, "--image", _image, "--class", "3,7", "--method", method,
            "--baseline", baseline, "--blur-sigma", "2", "--resize", "0", "--crop", "0", "--out", png, "--npy", npy);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        Assert.True(new FileInfo(png).Length > 1000);
        var saved = Npy.Load(npy);
        Assert.Equal(new long[] { 2, 48, 48 }, saved.shape);
        using var model = ModelWeights.LoadClassifier("resnet18", _weights);
        var options = new AttributionOptions { Baseline = AttributionNames.Baselines[baseline], BlurSigma = 2 };
        using var maps = AttributionMaps.Compute(model, ImageDecoder.Decode(_image), new Preprocessing(0, 0), [3, 7], AttributionNames.Methods[method], options);
        Assert.True(saved.allclose(maps.Maps, rtol: 1e-4, atol: 1e-6));
        Assert.Contains("\t3\t", r.Stdout);
    }

    [Fact]
    public void SeveralImagesGoToAFolder()
    {
        var output = Path.Combine(_dir, "maps");
        var r = CliRunner.Run("attribute", "--arch", "resnet18", "--weights", _weights, "--image", _image, _other, "--method", "gradient-input",
            "--resize", "0", "--crop", "0", "--out-dir", output, "--npy-dir", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(new[] { "a-2.npy", "a-2.png", "a.npy", "a.png" }, Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(new long[] { 48, 48 }, Npy.Load(Path.Combine(output, "a.npy")).shape);
    }

    [Theory]
    [InlineData("--method", "lrp", "unknown method 'lrp'")]
    [InlineData("--method", "bagnet", "the bagnet method needs a BagNet, not resnet18")]
    [InlineData("--baseline", "noise", "unknown baseline 'noise'")]
    [InlineData("--steps", "0", "--steps must be at least 1")]
    [InlineData("--out-dir", "maps", "one image: give --out")]
    public void MistakesAreOneLine(string option, string value, string message)
    {
        var r = CliRunner.Run("attribute", "--arch", "resnet18", "--weights", _weights, "--image", _image, "--resize", "0", "--crop", "0",
            "--out", Path.Combine(_dir, "x.png"), option, value);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'), l => l.Contains(message));
    }
}
