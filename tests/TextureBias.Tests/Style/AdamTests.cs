using TextureBias.Style;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

public class AdamTests : TempDirTest
{
    private static (TorchSharp.Modules.Parameter P, Tensor G) Problem()
    {
        var p = new TorchSharp.Modules.Parameter(tensor(new float[] { 1, -2, 0.5f }));
        return (p, tensor(new float[] { 3, -0.5f, 1e-3f }));
    }

    private static void Step(Adam adam, TorchSharp.Modules.Parameter p, Tensor g, int k)
    {
        adam.ZeroGrad();
        using var scope = NewDisposeScope();
        (p * g * (1 + 0.1f * k)).sum().backward(); // gradient g·(1 + k/10)
        adam.Step();
    }

    [Fact]
    public void ALearningRateWhoseStepOverflowsFloat32IsRefusedInOneMessage()
    {
        var (p, g) = Problem();
        using var adam = new Adam(new[] { p }, lr: 1e38); // step size 1e38 / (1 - 0.9) = 1e39 > float32's largest
        adam.ZeroGrad();
        (p * g).sum().backward();
        var error = Assert.Throws<TextureBiasException>(adam.Step);
        Assert.Contains("learning rate 1E+38 is too large", error.Message);
        Assert.Equal(new float[] { 1, -2, 0.5f }, p.data<float>().ToArray()); // nothing moved
        adam.LearningRate = 1e37;
        adam.Step(); // a step of 1e38: representable, PyTorch takes it too
        Assert.True(p.data<float>()[0] < -1e36f, "the step with a representable size was not taken");
    }

    [Fact]
    public void FirstStepsMoveEachWeightByTheLearningRateAgainstItsGradient()
    {
        // With a constant gradient, the bias-corrected moments are g and g², so each step is lr·g/(|g|+eps).
        var (p, g) = Problem();
        using var adam = new Adam(new[] { p }, lr: 0.1);
        for (int i = 0; i < 2; i++)
        {
            adam.ZeroGrad();
            using var scope = NewDisposeScope();
            (p * g).sum().backward();
            adam.Step();
        }
        var v = p.data<float>().ToArray();
        Assert.Equal(0.8f, v[0], 5);
        Assert.Equal(-1.8f, v[1], 5);
        Assert.Equal(0.5f - 2 * 0.1f * 1e-3f / (1e-3f + 1e-8f), v[2], 5);
    }

    [Fact]
    public void SavedStateResumesExactly()
    {
        var (a, g) = Problem();
        var (b, _) = Problem();
        using var straight = new Adam(new[] { a }, lr: 0.05);
        for (int k = 0; k < 6; k++) Step(straight, a, g, k);
        using (var first = new Adam(new[] { b }, lr: 0.05))
        {
            for (int k = 0; k < 3; k++) Step(first, b, g, k);
            first.Save(Path.Combine(_dir, "adam.state"));
        }
        using var resumed = new Adam(new[] { b }, lr: 0.05);
        resumed.Load(Path.Combine(_dir, "adam.state"));
        for (int k = 3; k < 6; k++) Step(resumed, b, g, k);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
    }
}
