using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Style;
using TextureBias.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

public class AdaInTests
{
    [Fact]
    public void StatisticsUseTheUnbiasedVariancePlusEps()
    {
        using var scope = NewDisposeScope();
        var feat = tensor(new float[] { 1, 2, 3, 4, 10, 10, 10, 10 }).view(1, 2, 2, 2);
        var (mean, std) = AdaIn.MeanStd(feat);
        Assert.Equal(2.5f, mean[0, 0, 0, 0].item<float>(), 6);
        Assert.Equal(Math.Sqrt(5.0 / 3 + 1e-5), std[0, 0, 0, 0].item<float>(), 5); // var = 5/3 with N-1
        Assert.Equal(Math.Sqrt(1e-5), std[0, 1, 0, 0].item<float>(), 6);
    }

    [Fact]
    public void ResultHasTheStyleStatistics()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var content = randn(2, 8, 5, 7);
        var style = randn(2, 8, 3, 4).mul(3).add(2);
        var result = AdaIn.Apply(content, style);
        var (rm, rs) = AdaIn.MeanStd(result, eps: 0);
        var (sm, ss) = AdaIn.MeanStd(style);
        Assert.True((rm - sm).abs().max().item<float>() < 1e-5);
        Assert.True((rs - ss).abs().max().item<float>() < 1e-3); // content's eps shrinks it a hair
    }

    [Fact]
    public void KeysAreTheOfficialOnes()
    {
        using var encoder = new VggEncoder();
        using var decoder = new AdaInDecoder();
        Assert.Equal(53, encoder.Count);
        int[] encoderConvs = { 0, 2, 5, 9, 12, 16, 19, 22, 25, 29, 32, 35, 38, 42, 45, 48, 51 };
        int[] decoderConvs = { 1, 5, 8, 11, 14, 18, 21, 25, 28 };
        Assert.Equal(encoderConvs.SelectMany(i => new[] { $"{i}.weight", $"{i}.bias" }).Order(), encoder.state_dict().Keys.Order());
        Assert.Equal(decoderConvs.SelectMany(i => new[] { $"{i}.weight", $"{i}.bias" }).Order(), decoder.state_dict().Keys.Order());
        Assert.Equal(new long[] { 3, 3, 1, 1 }, encoder.state_dict()["0.weight"].shape);
        Assert.Equal(new long[] { 512, 256, 3, 3 }, encoder.state_dict()["29.weight"].shape);
        Assert.Equal(new long[] { 3, 64, 3, 3 }, decoder.state_dict()["28.weight"].shape);
        Assert.Equal(30, VggEncoder.ReluIndex["relu4_1"]);
        Assert.Equal(52, VggEncoder.ReluIndex["relu5_4"]);
    }

    private static StyleTransfer Formula() => FormulaWeights.StyleTransfer();

    private static void Close(string fixture, Tensor actual)
    {
        var expected = Npy.Load(Fixture.Parity(fixture));
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff < 1e-4 * Math.Max(scale, 0.1), $"{fixture}: max difference {diff:g3} (scale {scale:g3})");
    }

    /// <summary>Against pytorch-AdaIN's computation (tools/parity/reference_adain.py) on formula weights.</summary>
    [Fact]
    public void StyleTransferMatchesTheReference()
    {
        using var scope = NewDisposeScope();
        using var st = Formula();
        var content = FormulaWeights.ImageBatch(1, 40, 32).add(1.5).div(3);
        var style = FormulaWeights.ImageBatch(2, 24, 36)[1].unsqueeze(0).mul(0.8).add(1.5).div(3);
        var style2 = FormulaWeights.ImageBatch(1, 24, 36).add(1.5).div(3);
        using (no_grad()) Close("adain-relu4_1.npy", st.Encoder.forward(content));
        Close("adain-alpha0.7.npy", st.Stylize(content, new[] { style }, alpha: 0.7));
        Close("adain-two-styles.npy", st.Stylize(content, new[] { style, style2 }, 1.0, new[] { 1.0, 3.0 })); // normalised to 0.25, 0.75
        Close("adain-coral.npy", AdaIn.Coral(style[0], content[0]));
    }

    [Fact]
    public void OfficialFormatFilesWrittenByTheTestsLoad()
    {
        using var scope = NewDisposeScope();
        var dir = Fixture.TempDir();
        try
        {
            using var st = Formula();
            var vgg = Path.Combine(dir, "vgg_normalised.pth");
            var dec = Path.Combine(dir, "decoder.pth");
            TextureBias.Models.Serialization.ModelWeights.Save(st.Encoder, vgg, legacy: true);
            TextureBias.Models.Serialization.ModelWeights.Save(st.Decoder, dec, legacy: true);
            using var loaded = StyleTransfer.Load(vgg, dec);
            var content = FormulaWeights.ImageBatch(1, 24, 24).add(1.5).div(3);
            Assert.True((loaded.Stylize(content, new[] { content }) - st.Stylize(content, new[] { content })).abs().max().item<float>() == 0);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void AlphaZeroReconstructsTheContent()
    {
        using var scope = NewDisposeScope();
        using var st = Formula();
        var content = FormulaWeights.ImageBatch(1, 32, 24).add(1.5).div(3);
        var style = FormulaWeights.ImageBatch(1, 16, 16).add(1.5).div(3);
        var stylised = st.Stylize(content, new[] { style }, alpha: 0);
        using var noGrad = no_grad();
        var direct = st.Decoder.forward(st.Encoder.forward(content));
        Assert.True((stylised - direct).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public void SavingRoundsAndClampsLikeSaveImage()
    {
        using var scope = NewDisposeScope();
        // x·255 + 0.5, clamped to [0, 255], truncated: 0.5/255 -> 1, 0.4/255 -> 0, -0.2 -> 0, 1.3 -> 255
        var t = tensor(new[] { 0.5f / 255, 0.4f / 255, -0.2f, 1.3f, 0.5f, 1f }).view(3, 1, 2);
        var img = RgbImage.FromTensor(t);
        Assert.Equal(new byte[] { 1, 0, 0, 255, 128, 255 }, new[] { img[0, 0, 0], img[1, 0, 0], img[0, 0, 1], img[1, 0, 1], img[0, 0, 2], img[1, 0, 2] });
    }

    [Fact]
    public void BadOptionsAreClearErrors()
    {
        using var st = Formula();
        using var x = rand(1, 3, 16, 16);
        Assert.Contains("alpha", Assert.Throws<TextureBiasException>(() => st.Stylize(x, new[] { x }, alpha: 1.5)).Message);
        Assert.Contains("2 style weights for 1 styles", Assert.Throws<TextureBiasException>(() => st.Stylize(x, new[] { x }, 1, new[] { 0.5, 0.5 })).Message);
    }
}
