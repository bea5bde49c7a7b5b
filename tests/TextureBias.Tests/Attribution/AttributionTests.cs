using TextureBias.Attribution;
using TextureBias.Interpretation;
using TextureBias.Models;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Attribution;

public class AttributionTests
{
    /// <summary>A small ResNet-18 (max-pool, residual additions, batch norms) with random batch-norm statistics, so that every layer shifts and scales.</summary>
    static ImageClassifier SmallResNet(int seed, bool biasFree = false)
    {
        manual_seed(seed);
        var model = Architectures.Create("resnet18", 10, 8);
        using (no_grad())
            foreach (var (_, m) in model.named_modules())
                if (m is TorchSharp.Modules.BatchNorm2d bn)
                {
                    bn.weight!.uniform_(0.5, 1.5);
                    bn.running_var!.uniform_(0.5, 2);
                    if (biasFree) { bn.bias!.zero_(); bn.running_mean!.zero_(); }
                    else { bn.bias!.uniform_(-0.2, 0.2); bn.running_mean!.uniform_(-0.2, 0.2); }
                }
                else if (m is TorchSharp.Modules.Linear l && biasFree) l.bias!.zero_();
        model.eval();
        return model;
    }

    /// <summary>Random batch-norm statistics and shifts for <paramref name="model"/>, in eval mode.</summary>
    static ImageClassifier Shifted(ImageClassifier model, int seed)
    {
        manual_seed(seed);
        using (no_grad())
            foreach (var (_, m) in model.named_modules())
                if (m is TorchSharp.Modules.BatchNorm2d bn)
                {
                    bn.weight!.uniform_(0.5, 1.5);
                    bn.running_var!.uniform_(0.5, 2);
                    bn.bias!.uniform_(-0.2, 0.2);
                    bn.running_mean!.uniform_(-0.2, 0.2);
                }
        model.eval();
        return model;
    }

    [Theory]
    [InlineData("densenet121")]
    [InlineData("googlenet")]
    public void DeepLiftSumsToTheChangeOfTheLogitThroughConcatenationsAndCeilModePools(string arch)
    {
        manual_seed(19);
        using var model = Shifted(Architectures.Create(arch, 10), 20);
        var x = Images(2, 48, 21);
        int[] targets = [2, 6];
        var options = new AttributionOptions { Baseline = AttributionBaseline.Blur, BlurSigma = 3 };
        var attributions = Attributions.Compute(model, x, targets, AttributionMethod.DeepLift, options);
        var f = Logits(model, x, targets);
        var f0 = Logits(model, Attributions.Baseline(x, options), targets);
        for (int i = 0; i < 2; i++)
        {
            double sum = attributions[i].sum().item<float>(), delta = f[i] - f0[i];
            Assert.True(Math.Abs(sum - delta) <= 1e-4 * Math.Max(1, Math.Abs(delta)), $"{arch} image {i}: sum {sum}, f(x) - f(x0) {delta}");
        }
    }

    static Tensor Images(int n, int size, int seed)
    {
        manual_seed(seed);
        return randn(n, 3, size, size);
    }

    static float[] Logits(ImageClassifier model, Tensor x, IReadOnlyList<int> targets)
    {
        using var _ = no_grad();
        var logits = model.forward(x);
        return targets.Select((t, i) => logits[i, t].item<float>()).ToArray();
    }

    [Fact]
    public void TheDifferentiablePathGivesTheSameLogits()
    {
        using var resnet = SmallResNet(1);
        manual_seed(2);
        using var bagnet = BagNet.BagNet9(10, width: 4);
        manual_seed(3);
        using var alexnet = Architectures.Create("alexnet", 10);
        using var densenet = Shifted(Architectures.Create("densenet121", 10), 17);
        using var googlenet = Shifted(Architectures.Create("googlenet", 10), 18);
        foreach (var (model, size) in new (ImageClassifier, int)[] { (resnet, 40), (bagnet, 24), (alexnet, 70), (densenet, 48), (googlenet, 48) })
        {
            model.eval();
            var x = Images(2, size, 4);
            using var _ = no_grad();
            var plain = model.forward(x);
            Tensor traced;
            using (Nonlinearities.Use(new TestRule())) traced = model.forward(x);
            Assert.True(plain.allclose(traced, rtol: 1e-4, atol: 1e-5), $"{model.Architecture}: max |diff| {(plain - traced).abs().max().item<float>()}, max |logit| {plain.abs().max().item<float>()}");
        }
    }

    sealed class TestRule : IActivationRule
    {
        public Tensor Relu(Tensor x) => nn.functional.relu(x);
        public Tensor MaxPool(TorchSharp.Modules.MaxPool2d pool, Tensor x) => pool.forward(x);
    }

    [Theory]
    [InlineData(AttributionBaseline.Zero)]
    [InlineData(AttributionBaseline.Blur)]
    [InlineData(AttributionBaseline.Mean)]
    public void DeepLiftSumsToTheChangeOfTheLogit(AttributionBaseline baseline)
    {
        using var model = SmallResNet(5);
        var x = Images(3, 40, 6);
        int[] targets = [1, 4, 7];
        var options = new AttributionOptions { Baseline = baseline, BlurSigma = 3, BatchSize = 4 };
        var attributions = Attributions.Compute(model, x, targets, AttributionMethod.DeepLift, options);
        Assert.Equal(x.shape, attributions.shape);
        var f = Logits(model, x, targets);
        var f0 = Logits(model, Attributions.Baseline(x, options), targets);
        for (int i = 0; i < 3; i++)
        {
            double sum = attributions[i].sum().item<float>(), delta = f[i] - f0[i];
            Assert.True(Math.Abs(sum - delta) <= 1e-4 * Math.Max(1, Math.Abs(delta)), $"image {i}: sum {sum}, f(x) - f(x0) {delta}");
        }
    }

    [Fact]
    public void DeepLiftWithAZeroBaselineOnABiasFreeNetworkIsGradientTimesInput()
    {
        using var model = SmallResNet(7, biasFree: true);
        var x = Images(2, 40, 8);
        int[] targets = [3, 9];
        var deeplift = Attributions.Compute(model, x, targets, AttributionMethod.DeepLift);
        var gradientInput = Attributions.Compute(model, x, targets, AttributionMethod.GradientInput);
        double scale = gradientInput.abs().max().item<float>();
        Assert.True(scale > 0);
        Assert.True((deeplift - gradientInput).abs().max().item<float>() <= 1e-4 * scale);
        // With shifts (biases, batch-norm means) they differ: the identity is not a coincidence of the test.
        using var shifted = SmallResNet(7);
        var a = Attributions.Compute(shifted, x, targets, AttributionMethod.DeepLift);
        var b = Attributions.Compute(shifted, x, targets, AttributionMethod.GradientInput);
        Assert.True((a - b).abs().max().item<float>() > 1e-2 * b.abs().max().item<float>());
    }

    [Fact]
    public void GradientTimesInputIsTheGradientOfTheLogitTimesTheInput()
    {
        using var model = SmallResNet(9);
        var x = Images(1, 32, 10);
        var attributions = Attributions.Compute(model, x, [2], AttributionMethod.GradientInput);
        // A finite difference along one input value: f(x + h·e) − f(x − h·e) ≈ 2h·∂f/∂x.
        var g = attributions / x;
        long[] at = [0, 1, 16, 16];
        double h = 1e-2;
        var plus = x.clone();
        var minus = x.clone();
        plus[0, 1, 16, 16] += h;
        minus[0, 1, 16, 16] -= h;
        double numeric = (Logits(model, plus, [2])[0] - Logits(model, minus, [2])[0]) / (2 * h);
        double analytic = g[at[0], at[1], at[2], at[3]].item<float>();
        Assert.True(Math.Abs(numeric - analytic) <= 2e-2 * Math.Max(1e-3, Math.Abs(analytic)) + 1e-4, $"numeric {numeric}, analytic {analytic}");
    }

    [Theory]
    [InlineData(IntegrationRule.GaussLegendre, 1024)]
    [InlineData(IntegrationRule.RiemannTrapezoid, 1024)]
    public void IntegratedGradientsAreComplete(IntegrationRule rule, int steps)
    {
        using var model = SmallResNet(11);
        var x = Images(2, 32, 12);
        int[] targets = [0, 5];
        var options = new AttributionOptions { Rule = rule, Steps = steps, BatchSize = 128, Baseline = AttributionBaseline.Blur, BlurSigma = 4 };
        var attributions = Attributions.Compute(model, x, targets, AttributionMethod.IntegratedGradients, options);
        var f = Logits(model, x, targets);
        var f0 = Logits(model, Attributions.Baseline(x, options), targets);
        for (int i = 0; i < 2; i++)
        {
            double sum = attributions[i].sum().item<float>(), delta = f[i] - f0[i];
            Assert.True(Math.Abs(sum - delta) <= 1e-3 * Math.Max(1, Math.Abs(delta)), $"{rule}, image {i}: sum {sum}, f(x) - f(x0) {delta}");
        }
    }

    [Fact]
    public void GaussLegendreMatchesItsClosedFormAndIntegratesPolynomialsExactly()
    {
        var (nodes, weights) = GaussLegendre.On(3);
        Assert.Equal(-Math.Sqrt(0.6), nodes[0], 14);
        Assert.Equal(0, nodes[1], 14);
        Assert.Equal(5.0 / 9, weights[0], 14);
        Assert.Equal(8.0 / 9, weights[1], 14);
        var (alphas, w) = GaussLegendre.Path(IntegrationRule.GaussLegendre, 50);
        Assert.Equal(1.0, w.Sum(), 12);
        // Exact for polynomials of degree up to 99: ∫₀¹ t^k dt = 1/(k+1).
        foreach (int k in new[] { 1, 10, 50, 99 })
            Assert.Equal(1.0 / (k + 1), alphas.Zip(w, (a, v) => v * Math.Pow(a, k)).Sum(), 12);
        Assert.Equal(new[] { 0.0, 0.25, 0.5, 0.75 }, GaussLegendre.Path(IntegrationRule.RiemannLeft, 4).Alphas);
        Assert.Equal(new[] { 0.125, 0.25, 0.25, 0.25, 0.125 }, GaussLegendre.Path(IntegrationRule.RiemannTrapezoid, 5).Weights);
    }

    [Fact]
    public void OcclusionIsTheLogitsDropAveragedOverTheWindowsCoveringEachPixel()
    {
        using var model = SmallResNet(13);
        var x = Images(1, 32, 14);
        var options = new AttributionOptions { Window = 16, Stride = 8, BatchSize = 5 };
        var attributions = Attributions.Compute(model, x, [6], AttributionMethod.Occlusion, options);
        float clean = Logits(model, x, [6])[0];
        float Occluded(int y, int x0)
        {
            var copy = x.clone();
            copy[0, .., y..(y + 16), x0..(x0 + 16)] = 0;
            return Logits(model, copy, [6])[0];
        }
        // Pixel (0,0) lies only in the window at (0,0); pixel (12,3) in those at (0,0) and (8,0).
        Assert.Equal(clean - Occluded(0, 0), attributions[0, 2, 0, 0].item<float>(), 4);
        Assert.Equal((clean - Occluded(0, 0) + clean - Occluded(8, 0)) / 2, attributions[0, 0, 12, 3].item<float>(), 4);
    }

    [Fact]
    public void TheBagNetMethodIsTheExactClassEvidence()
    {
        manual_seed(15);
        using var model = BagNet.BagNet9(10, width: 4);
        model.eval();
        var x = Images(2, 24, 16);
        var attributions = Attributions.Compute(model, x, [2, 8], AttributionMethod.BagNet);
        Assert.Equal(new long[] { 2, 1, 24, 24 }, attributions.shape);
        Assert.True(attributions[1, 0].allclose(Heatmap.Dense(model, x[1], [8])[0], rtol: 0, atol: 0));
        using var resnet = SmallResNet(1);
        Assert.Contains("needs a BagNet", Assert.Throws<TextureBiasException>(() => Attributions.Compute(resnet, x, [1, 1], AttributionMethod.BagNet)).Message);
    }
}
