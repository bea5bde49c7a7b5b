using TextureBias.Models;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// Frozen weights (folded and packed once into oneDNN's layout) give the logits of the ordinary
/// inference path, for every input shape, and stop being used when disposed.
/// </summary>
public class FrozenWeightsTests
{
    /// <summary>A small network with random weights and batch-norm statistics far from the identity, so that folding matters.</summary>
    private static ImageClassifier Network(string arch, long seed)
    {
        var model = arch.StartsWith("bagnet") || arch.StartsWith("resnet")
            ? Architectures.Create(arch, numClasses: 10, width: 8, blocks: new[] { 1, 1, 1, 1 })
            : Architectures.Create(arch, numClasses: 10);
        var g = new Generator((ulong)seed);
        model.ResetParameters(g);
        using var tenth = 0.1.ToScalar(); // held for the whole loop (see SafeScalars)
        using (no_grad())
        {
            foreach (var m in model.modules().OfType<BatchNorm2d>())
            {
                m.weight!.copy_(rand(m.weight.shape, generator: g).Plus(0.5));
                m.bias!.copy_(randn(m.bias.shape, generator: g).mul(tenth));
                m.running_mean!.copy_(randn(m.running_mean.shape, generator: g).mul(tenth));
                m.running_var!.copy_(rand(m.running_var.shape, generator: g).Plus(0.5));
            }
        }
        model.eval();
        return model;
    }

    private static Tensor Input(long n, long size, long seed) => randn(new[] { n, 3, size, size }, generator: new Generator((ulong)seed));

    private static float[] Logits(ImageClassifier model, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return model.forward(x).data<float>().ToArray();
    }

    private static void Close(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]) / Math.Max(1, Math.Abs(expected[i])));
        Assert.True(worst <= 1e-5, $"frozen and ordinary logits differ by {worst:G3}");
    }

    private static IEnumerable<Conv2d> Convolutions(ImageClassifier model) => model.modules().OfType<Conv2d>();

    [Theory]
    [InlineData("resnet50")]
    [InlineData("resnet18")]
    [InlineData("bagnet17")]
    public void FrozenLogitsEqualTheOrdinaryOnesForEveryShape(string arch)
    {
        using var model = Network(arch, 7);
        var shapes = new (long N, long Size)[] { (2, 64), (3, 64), (1, 80), (2, 64) };
        var expected = shapes.Select((s, i) => Logits(model, Input(s.N, s.Size, 100 + i))).ToList();
        using (var frozen = model.FreezeWeights())
        {
            Assert.True(frozen.Convolutions > 0);
            for (int i = 0; i < shapes.Length; i++) Close(expected[i], Logits(model, Input(shapes[i].N, shapes[i].Size, 100 + i)));
            if (!PackedConvolution.Disabled)
            {
                // The packed path ran: three distinct shapes, each packed once per folded convolution.
                var packedCounts = Convolutions(model).Select(PackedWeights.PackedCount).Where(c => c > 0).ToList();
                Assert.Equal(frozen.Convolutions, packedCounts.Count); // every folded pair, the stem's too
                Assert.All(packedCounts, c => Assert.Equal(3, c));
            }
        }
        Assert.All(Convolutions(model), c => Assert.Equal(0, PackedWeights.PackedCount(c)));
    }

    [Fact]
    public void GoogLeNetFrozenEqualsOrdinary()
    {
        using var model = Network("googlenet", 3);
        var x = Input(1, 96, 5);
        var expected = Logits(model, x);
        using var frozen = model.FreezeWeights();
        Close(expected, Logits(model, x));
    }

    [Fact]
    public void WeightsChangedAfterThawingAreSeen()
    {
        using var model = Network("resnet50", 11);
        var x = Input(2, 64, 12);
        using (model.FreezeWeights()) Logits(model, x);
        var first = Convolutions(model).First();
        using (no_grad()) first.weight!.mul_(2.0.ToScalar());
        var changed = Logits(model, x);
        using (model.FreezeWeights())
            Close(changed, Logits(model, x));
        // And the change is real: halving back gives other logits than the doubled weights.
        using (no_grad()) first.weight!.div_(2.0.ToScalar());
        var restored = Logits(model, x);
        Assert.True(changed.Zip(restored).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, "doubling a weight changed nothing");
    }

    [Fact]
    public void GradientsToTheInputStillFlowWhileFrozen()
    {
        // The model's eval-mode head has no autograd (attributions trace instead), so the
        // convolution–batch-norm step itself is differentiated here, as the layers see it.
        using var model = Network("resnet50", 21);
        var (conv, norm) = model.modules().OfType<Bottleneck>().First().Layers[1];
        Tensor Gradient()
        {
            using var scope = NewDisposeScope();
            var x = EvalFusion.ChannelsLast(randn(new long[] { 2, conv.in_channels, 16, 16 }, generator: new Generator(22))).requires_grad_(true);
            var y = EvalFusion.ConvBn(conv, norm, x);
            y.mul(y).sum().backward();
            return x.grad!.detach().clone().MoveToOuterDisposeScope();
        }
        using var expected = Gradient();
        using (model.FreezeWeights())
        {
            using var actual = Gradient();
            Assert.True(allclose(actual, expected, rtol: 1e-5, atol: 1e-6), "the input gradient changed while frozen");
            Assert.True(expected.abs().max().item<float>() > 0);
        }
    }

    [Fact]
    public void FreezesNestAndShapesBeyondTheLimitReuseThePacking()
    {
        using var model = Network("resnet50", 31);
        var conv = Convolutions(model).First();
        using var outer = model.FreezeWeights();
        using (model.FreezeWeights())
        {
            for (int size = 64; size < 64 + 8 * (PackedConvolution.ShapesPerConvolution + 2); size += 8)
            {
                var x = Input(1, size, size);
                Logits(model, x);
            }
            if (!PackedConvolution.Disabled) Assert.Equal(PackedConvolution.ShapesPerConvolution, PackedWeights.PackedCount(conv));
        }
        Assert.True(PackedWeights.IsFrozen(conv), "the inner freeze thawed the outer one");
        // A shape past the limit runs through the first packing: still the ordinary logits.
        var late = Input(2, 120, 40);
        var frozenLogits = Logits(model, late);
        outer.Dispose();
        Assert.False(PackedWeights.IsFrozen(conv));
        Close(Logits(model, late), frozenLogits);
    }
    [Fact]
    public void UnderAutocastTheFrozenNetworkRunsInItsPrecisionToo()
    {
        using var model = Network("resnet50", 51);
        var x = Input(2, 64, 52);
        float[] Bf16Logits()
        {
            using var amp = MixedPrecision.Autocast(Devices.Cpu, Precision.BFloat16);
            return Logits(model, x);
        }
        var expected = Bf16Logits();
        var float32 = Logits(model, x);
        Assert.True(expected.Zip(float32).Max(p => Math.Abs(p.First - p.Second)) > 1e-4, "autocast changed nothing: the test cannot tell the paths apart");
        using var frozen = model.FreezeWeights();
        Close(expected, Bf16Logits());
    }

    [Fact]
    public void FreezingAndThawingWhileAnotherThreadRunsTheNetworkIsSafe()
    {
        using var model = Network("resnet50", 41);
        var x = Input(2, 64, 42);
        var expected = Logits(model, x);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Check(float[] actual, string who)
        {
            double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1, Math.Abs(p.First)));
            if (worst > 1e-5) errors.Enqueue($"{who}: logits differ by {worst:G3}");
        }
        var freezer = Task.Run(() =>
        {
            for (int i = 0; i < 15; i++)
                using (model.FreezeWeights()) Check(Logits(model, x), "frozen thread");
        });
        var plain = Task.Run(() =>
        {
            // Runs while the other thread's freezes come and go: sometimes through the packed
            // weights, which the other thread's thaw must not free under it.
            for (int i = 0; i < 15; i++) Check(Logits(model, x), "plain thread");
        });
        Task.WaitAll(freezer, plain);
        Assert.Empty(errors);
        Assert.All(Convolutions(model), c => Assert.False(PackedWeights.IsFrozen(c)));
    }
}
