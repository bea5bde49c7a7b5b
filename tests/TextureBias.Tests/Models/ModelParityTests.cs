using TextureBias.Data;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// Logits against PyTorch: an independent implementation of the official BagNet
/// (tools/parity/reference_bagnet.py) and torchvision's resnet18/50/101/152, vgg16/19 (and _bn),
/// densenet121/161/169/201, googlenet and alexnet, on the same
/// formula weights and inputs (tools/fixtures/make_parity_fixtures.py).
/// </summary>
public class ModelParityTests
{
    private static ImageClassifier Build(string arch)
    {
        var model = Architectures.Create(arch);
        FormulaWeights.Fill(model);
        model.eval();
        return model;
    }

    /// <summary>
    /// |difference| under <paramref name="tolerance"/>, relative to a tenth of the largest logit when
    /// that exceeds 10: the formula weights make ResNet-152's residual sums grow to logits near 100,
    /// where float32 rounding alone (1e-5 relative over 50 blocks) exceeds 1e-4.
    /// </summary>
    private static void AssertClose(Tensor expected, Tensor actual, double tolerance = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        double worst = (expected - actual).abs().max().item<float>();
        tolerance *= Math.Max(1, expected.abs().max().item<float>() / 10);
        // Deep networks: float32 rounding alone moves logits by a few 1e-5 of their size (ResNet-152
        // here: PyTorch's own channels-last logits differ from its NCHW ones by 1.7e-3, and its
        // float32 ones from float64 by 1.5e-3, at |logits| up to 93).
        tolerance = Math.Max(tolerance, 2e-5 * expected.abs().max().item<float>());
        Assert.True(worst < tolerance, $"max |difference| = {worst:g3}");
        // and the comparison is not vacuous
        Assert.True(expected.abs().max().item<float>() > 0.1);
    }

    [Theory]
    [InlineData("bagnet9")]
    [InlineData("bagnet17")]
    [InlineData("bagnet33")]
    public void BagNetLogitsMatchTheReference(string arch)
    {
        using var scope = NewDisposeScope();
        using var model = Build(arch);
        var x = FormulaWeights.ImageBatch(2, 56, 56);
        using var noGrad = no_grad();
        AssertClose(Npy.Load(Fixture.Parity($"{arch}-logits.npy")), model.forward(x));
        // The reference's avg_pool=False path gives NHWC patch logits; ours are NCHW.
        var patches = ((BagNet)model).PatchLogits(x).permute(0, 2, 3, 1);
        AssertClose(Npy.Load(Fixture.Parity($"{arch}-patch-logits-nhwc.npy")), patches);
    }

    [Theory]
    [InlineData("resnet18")]
    [InlineData("resnet50")]
    [InlineData("vgg16")]
    [InlineData("resnet101")]
    [InlineData("resnet152")]
    [InlineData("vgg19")]
    [InlineData("vgg16_bn")]
    [InlineData("vgg19_bn")]
    [InlineData("densenet121")]
    [InlineData("densenet161")]
    [InlineData("densenet169")]
    [InlineData("densenet201")]
    [InlineData("googlenet")] // transform_input=True, as for the published weights
    public void TorchvisionModelsMatchTheReference(string arch)
    {
        using var scope = NewDisposeScope();
        using var model = Build(arch);
        using var noGrad = no_grad();
        AssertClose(Npy.Load(Fixture.Parity($"{arch}-logits.npy")), model.forward(FormulaWeights.ImageBatch(2, 64, 64)));
    }

    [Fact]
    public void AlexNetMatchesTorchvision()
    {
        using var scope = NewDisposeScope();
        using var model = Build("alexnet");
        using var noGrad = no_grad();
        AssertClose(Npy.Load(Fixture.Parity("alexnet-logits.npy")), model.forward(FormulaWeights.ImageBatch(2, 96, 96)));
    }
}
