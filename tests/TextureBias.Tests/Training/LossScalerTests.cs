using TextureBias.Models;
using TextureBias.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Training;

/// <summary>fp16 loss scaling as PyTorch's GradScaler: scaled backward, unscaled step, skipped non-finite steps, growth.</summary>
public class LossScalerTests
{
    private static (nn.Module<Tensor, Tensor> Model, Tensor X, Tensor Y) Problem()
    {
        var model = nn.Linear(3, 2);
        using (no_grad()) { model.weight!.copy_(tensor(new float[] { 0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f }).reshape(2, 3)); model.bias!.zero_(); }
        return (model, tensor(new float[] { 1, 2, 3, -1, 0, 2 }).reshape(2, 3), tensor(new long[] { 0, 1 }));
    }

    [Fact]
    public void Enabled_the_gradients_reaching_the_step_are_those_of_the_unscaled_loss()
    {
        var (model, x, y) = Problem();
        using var scope = NewDisposeScope();
        nn.functional.cross_entropy(model.forward(x), y).backward();
        var plain = model.parameters().Select(p => p.grad!.clone()).ToList();
        foreach (var p in model.parameters()) p.grad = null;

        var scaler = new LossScaler(enabled: true, initialScale: 1024);
        var loss = nn.functional.cross_entropy(model.forward(x), y);
        var scaled = scaler.ScaleLoss(loss);
        Assert.Equal(loss.item<float>() * 1024, scaled.item<float>(), 2);
        scaled.backward();
        List<Tensor>? seen = null;
        bool taken = scaler.Step(model.parameters(), () => seen = model.parameters().Select(p => p.grad!.clone()).ToList());
        Assert.True(taken);
        Assert.NotNull(seen);
        for (int i = 0; i < plain.Count; i++) Assert.True(allclose(plain[i], seen![i], 1e-5, 1e-6), $"gradient {i} unscaled");
        Assert.Equal(1024, scaler.Scale);
        Assert.Equal(1, scaler.GoodSteps);
    }

    [Fact]
    public void A_non_finite_gradient_skips_the_step_and_halves_the_scale()
    {
        var (model, x, y) = Problem();
        using var scope = NewDisposeScope();
        var scaler = new LossScaler(enabled: true, initialScale: 8, growthInterval: 3);
        scaler.ScaleLoss(nn.functional.cross_entropy(model.forward(x), y)).backward();
        Assert.True(scaler.Step(model.parameters(), () => { }));
        Assert.True(scaler.Step(model.parameters(), () => { })); // two good steps
        model.parameters().First().grad![0, 0] = tensor(float.PositiveInfinity);
        int steps = 0;
        Assert.False(scaler.Step(model.parameters(), () => steps++));
        Assert.Equal(0, steps);
        Assert.Equal(4, scaler.Scale);
        Assert.Equal(0, scaler.GoodSteps);
        Assert.Equal(1, scaler.SkippedSteps);
        model.parameters().First().grad![0, 0] = tensor(float.NaN);
        Assert.False(scaler.Step(model.parameters(), () => steps++));
        Assert.Equal(2, scaler.Scale);
    }

    [Fact]
    public void After_the_growth_interval_of_good_steps_the_scale_doubles()
    {
        var (model, x, y) = Problem();
        using var scope = NewDisposeScope();
        var scaler = new LossScaler(enabled: true, initialScale: 8, growthInterval: 3);
        scaler.ScaleLoss(nn.functional.cross_entropy(model.forward(x), y)).backward();
        for (int i = 0; i < 3; i++) Assert.True(scaler.Step(model.parameters(), () => { }));
        Assert.Equal(16, scaler.Scale);
        Assert.Equal(0, scaler.GoodSteps);
        scaler.Restore(32, 2);
        Assert.True(scaler.Step(model.parameters(), () => { }));
        Assert.Equal(64, scaler.Scale);
    }

    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.BFloat16)]
    public void Disabled_for_fp32_and_bf16_it_changes_nothing(Precision precision)
    {
        var (model, x, y) = Problem();
        using var scope = NewDisposeScope();
        var scaler = LossScaler.For(precision);
        Assert.False(scaler.Enabled);
        var loss = nn.functional.cross_entropy(model.forward(x), y);
        Assert.Same(loss, scaler.ScaleLoss(loss));
        loss.backward();
        model.parameters().First().grad![0, 0] = tensor(float.PositiveInfinity);
        int steps = 0;
        Assert.True(scaler.Step(model.parameters(), () => steps++)); // no checks: as with GradScaler(enabled=False)
        Assert.Equal(1, steps);
        Assert.True(LossScaler.For(Precision.Float16).Enabled);
        Assert.Equal(65536, LossScaler.For(Precision.Float16).Scale);
    }
}
