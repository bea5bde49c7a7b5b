using TextureBias.Detection;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Detection;

/// <summary>FrozenBatchNorm2d: torchvision's buffers, and the same output as an eval-mode BatchNorm2d with the same statistics.</summary>
public class FrozenBatchNorm2dTests
{
    [Fact]
    public void EqualsEvalBatchNormWithTheSameStatistics()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        var weight = rand(6, generator: g) + 0.5;
        var bias = randn(6, generator: g);
        var mean = randn(6, generator: g);
        var variance = rand(6, generator: g) + 0.1;
        var frozen = new FrozenBatchNorm2d(6);
        var bn = nn.BatchNorm2d(6, eps: 1e-5);
        using (no_grad())
        {
            foreach (var (name, value) in new[] { ("weight", weight), ("bias", bias), ("running_mean", mean), ("running_var", variance) })
                frozen.get_buffer(name)!.copy_(value);
            bn.weight!.copy_(weight);
            bn.bias!.copy_(bias);
            bn.running_mean!.copy_(mean);
            bn.running_var!.copy_(variance);
        }
        bn.eval();
        frozen.train(); // frozen in training too
        var x = randn(new long[] { 2, 6, 5, 4 }, generator: g);
        var expected = bn.forward(x);
        Assert.True(frozen.forward(x).allclose(expected, rtol: 1e-5, atol: 1e-5));
        // Independent of the formula: the batch norm's definition written out.
        var manual = (x - mean.view(1, -1, 1, 1)) / (variance.view(1, -1, 1, 1) + 1e-5).sqrt() * weight.view(1, -1, 1, 1) + bias.view(1, -1, 1, 1);
        Assert.True(frozen.forward(x).allclose(manual, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void HasTorchvisionsBuffersAndNoParameters()
    {
        using var frozen = new FrozenBatchNorm2d(4);
        Assert.Equal(new[] { "weight", "bias", "running_mean", "running_var" }.OrderBy(k => k), frozen.state_dict().Keys.OrderBy(k => k));
        Assert.Empty(frozen.parameters());
        Assert.Equal(1e-5, frozen.Eps);
    }
}
