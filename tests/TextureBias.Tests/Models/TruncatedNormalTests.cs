using TextureBias.Models;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

public class TruncatedNormalTests
{
    [Fact]
    public void DrawsATruncatedNormalAsPyTorchDoes()
    {
        manual_seed(1);
        // GoogLeNet's initialisation: N(0, 0.01²) truncated at ±2 (200 σ: no truncation in effect).
        using var wide = TruncatedNormal.Fill(empty(200_000), 0, 0.01, -2, 2);
        Assert.Equal(0.01, wide.std().item<float>(), 3);
        Assert.True(Math.Abs(wide.mean().item<float>()) < 1e-4);
        Assert.True(wide.unique().output.shape[0] > 1000, "not a constant (TorchSharp's own trunc_normal_ gives 0.01 everywhere)");
        // Truncated at ±1 σ around 3: the standard deviation of N(0,1) truncated to [−1, 1] is √(1 − 2φ(1)/(2Φ(1) − 1)) = 0.5396.
        using var narrow = TruncatedNormal.Fill(empty(200_000), 3, 1, 2, 4);
        Assert.True(narrow.min().item<float>() >= 2 && narrow.max().item<float>() <= 4);
        Assert.Equal(0.5396, narrow.std().item<float>(), 2);
        Assert.Equal(3, narrow.mean().item<float>(), 2);
    }

    [Fact]
    public void AFreshGoogLeNetHasRandomWeightsAndFiniteLogits()
    {
        manual_seed(2);
        using var model = Architectures.Create("googlenet", 10);
        model.eval();
        using var _ = no_grad();
        var logits = model.forward(randn(2, 3, 64, 64));
        Assert.True(logits.isfinite().all().item<bool>());
        Assert.True(logits.abs().max().item<float>() < 100);
    }
}
