using TextureBias.Models;
using TextureBias.Style;
using TextureBias.Tests.Models;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

/// <summary>
/// AdaIN stylisation with <c>--amp</c> on the CPU (LibTorch's autocast runs there too): the
/// networks compute in bf16 or fp16, the result comes back as float32 and is close to float32's.
/// </summary>
public class StyleMixedPrecisionTests
{
    /// <summary>
    /// AdaIN networks with formula weights whose decoder's last layer is scaled and shifted so that
    /// images are mid-grey with some texture (formula weights alone give values within ±0.12, black once clamped).
    /// </summary>
    internal static StyleTransfer Visible()
    {
        var transfer = FormulaWeights.StyleTransfer();
        using var noGrad = no_grad();
        var sd = transfer.Decoder.state_dict();
        using var gain = 4f.ToScalar();
        using var half = 0.5f.ToScalar();
        sd["28.weight"].mul_(gain);
        sd["28.bias"].fill_(half);
        return transfer;
    }

    [Theory]
    [InlineData(Precision.BFloat16, 0.03)] // measured: about 0.6% of the largest value
    [InlineData(Precision.Float16, 0.005)] // measured: about 0.07%
    public void Mixed_precision_stylization_gives_a_float32_image_close_to_the_float32_one(Precision precision, double tolerance)
    {
        using var reference = Visible();
        var mixed = new StyleTransfer(reference.Encoder, reference.Decoder, precision: precision); // the same networks (disposed with reference)
        Assert.Equal(precision, mixed.Precision);
        using var scope = NewDisposeScope();
        var content = FormulaWeights.ImageBatch(1, 28, 24).add(1.5).div(3);
        var style = FormulaWeights.ImageBatch(2, 20, 24)[1].unsqueeze(0).mul(0.8).add(1.5).div(3);
        var expected = reference.Stylize(content, new[] { style }, alpha: 0.8);
        var actual = mixed.Stylize(content, new[] { style }, alpha: 0.8);
        Assert.Equal(ScalarType.Float32, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double diff = (expected - actual).abs().max().item<float>();
        double mean = (expected - actual).abs().mean().item<float>() / expected.abs().mean().item<float>();
        Assert.True(diff > 0, "autocast ran: the result is not float32's bit for bit");
        Assert.True(diff < tolerance * scale, $"max difference {diff:g3} at scale {scale:g3}, mean relative {mean:g3}");

        // And as the command writes it: bytes within one level of float32's.
        var contentImage = TextureBias.Imaging.RgbImage.FromTensor(content[0]);
        var styleImage = TextureBias.Imaging.RgbImage.FromTensor(style[0]);
        var options = new StyleOptions { ContentSize = 0, StyleSize = 0, Alpha = 0.8 };
        var expectedImage = reference.Stylize(contentImage, new[] { styleImage }, options);
        var actualImage = mixed.Stylize(contentImage, new[] { styleImage }, options);
        Assert.Equal((expectedImage.Width, expectedImage.Height), (actualImage.Width, actualImage.Height));
        int levels = expectedImage.Pixels.Distinct().Count();
        Assert.True(levels > 3, $"the image is not flat ({levels} levels)");
        int levelsOff = expectedImage.Pixels.Zip(actualImage.Pixels).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(levelsOff <= 1, $"{levelsOff} levels off");
    }
}
