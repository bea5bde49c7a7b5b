using TextureBias.Attribution;
using TextureBias.Comparison;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Comparison;

/// <summary>
/// The device plumbing of the BagNet comparisons (attribute, mask, interactions, compare-bagnet), proven without a GPU as in
/// <see cref="Models.MetaDeviceTests"/>: each runs on the CPU while LibTorch's default device is meta, so a tensor made
/// without naming a device (a baseline, integrated gradients' path weights, an occlusion map, a class index, a patch
/// score) lands on meta and the first operation mixing it with the network's CPU tensors fails. Each result must also
/// equal the same run with the CPU as the default device (nothing was silently computed on meta).
/// </summary>
[Collection(nameof(DefaultDeviceCollection))]
public class ComparisonDeviceTests : TempDirTest
{
    static readonly Preprocessing Shown = new(0, 0);

    /// <summary>A small ResNet-18 (max-pool, residual additions, batch norms) with random weights.</summary>
    static ImageClassifier SmallResNet(int seed)
    {
        manual_seed(seed);
        var model = Architectures.Create("resnet18", 10, 8);
        model.eval();
        return model;
    }

    static BagNet Bag(int seed, int classes = 1000)
    {
        manual_seed(seed);
        var model = BagNet.BagNet9(classes, width: 4);
        model.eval();
        return model;
    }

    static Tensor Images(int n, int size, int seed)
    {
        manual_seed(seed);
        return randn(new long[] { n, 3, size, size }, device: Devices.Cpu);
    }

    /// <summary><paramref name="run"/>'s float values, computed first as always, then with meta as the default device (where they must be the same and on the CPU).</summary>
    static void SameUnderMeta(Func<Tensor> run, string what)
    {
        float[] plain, underMeta;
        using (NewDisposeScope()) plain = run().data<float>().ToArray();
        using (new DefaultDeviceMeta())
        using (NewDisposeScope())
        {
            var result = run();
            Assert.Equal(DeviceType.CPU, result.device_type);
            underMeta = result.data<float>().ToArray();
        }
        Assert.True(plain.Length > 0, what);
        Assert.Equal(plain, underMeta);
    }

    public static TheoryData<AttributionMethod, AttributionBaseline> Methods() => new()
    {
        { AttributionMethod.GradientInput, AttributionBaseline.Zero },
        { AttributionMethod.IntegratedGradients, AttributionBaseline.Blur },
        { AttributionMethod.DeepLift, AttributionBaseline.Mean },
        { AttributionMethod.Occlusion, AttributionBaseline.Blur },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Every_attribution_method_keeps_its_tensors_on_the_networks_device(AttributionMethod method, AttributionBaseline baseline)
    {
        using var model = SmallResNet(3);
        using var x = Images(2, 32, 4);
        // Integrated gradients with Gauss–Legendre weights in two batches; occlusion with windows in two batches.
        var options = new AttributionOptions { Baseline = baseline, BlurSigma = 2, Steps = 3, BatchSize = 2, Window = 16, Stride = 8 };
        SameUnderMeta(() => Attributions.Compute(model, x, [1, 7], method, options), method.ToString());
    }

    [Fact]
    public void A_BagNets_evidence_keeps_its_tensors_on_the_networks_device()
    {
        using var bagnet = Bag(5, classes: 10);
        using var x = Images(1, 24, 6);
        SameUnderMeta(() => Attributions.Compute(bagnet, x, [4], AttributionMethod.BagNet), "bagnet");
    }

    [Fact]
    public void Attribution_maps_of_an_image_come_back_to_the_CPU_with_the_logits()
    {
        using var model = SmallResNet(7);
        var px = new byte[32 * 32 * 3];
        new Random(8).NextBytes(px);
        var image = new RgbImage(32, 32, px);
        var options = new AttributionOptions { Steps = 2 };
        using var plain = AttributionMaps.Compute(model, image, Shown, [2, 5], AttributionMethod.IntegratedGradients, options);
        using (new DefaultDeviceMeta())
        {
            using var onCpu = AttributionMaps.Compute(model, image, Shown, null, AttributionMethod.IntegratedGradients, options, Devices.Cpu);
            Assert.Equal(DeviceType.CPU, onCpu.Maps.device_type);
            Assert.Equal(plain.Logits, onCpu.Logits);
            Assert.Equal(Array.IndexOf(plain.Logits, plain.Logits.Max()), Assert.Single(onCpu.Classes));
            using var again = AttributionMaps.Compute(model, image, Shown, [2, 5], AttributionMethod.IntegratedGradients, options, Devices.Cpu);
            Assert.Equal(plain.Maps.data<float>().ToArray(), again.Maps.data<float>().ToArray());
        }
    }

    [Fact]
    public void Baselines_and_masks_are_made_on_the_inputs_device()
    {
        // The parts the meta device can run from .NET run there: zero and mean baselines, a square mask, a patch ranking's input.
        using var scope = NewDisposeScope();
        var x = empty(new long[] { 2, 3, 16, 16 }, device: Devices.Meta);
        foreach (var baseline in new[] { AttributionBaseline.Zero, AttributionBaseline.Mean })
        {
            var b = Attributions.Baseline(x, new AttributionOptions { Baseline = baseline });
            Assert.Equal(DeviceType.META, b.device_type);
            Assert.Equal(x.shape, b.shape);
        }
        var image = x[0].clone();
        SquareMask.Apply(image, Attributions.Baseline(x, new AttributionOptions())[0], 2, 3, 5);
        Assert.Equal(DeviceType.META, image.device_type);
        Assert.Equal(DeviceType.META, Attributions.Heatmaps(x).device_type);
    }

    [Fact]
    public void The_masking_experiment_keeps_its_tensors_on_the_networks_device()
    {
        var data = TestImages.RandomFolder(Path.Combine(_dir, "data"), ["n01440764", "n02123045"], 1, 32, seed: 9);
        using var bagnet = Bag(10);
        using var model = Bag(11);
        var models = new[] { new RobustnessModel("m", model, Shown) };
        PatchRanking[] rankings = [PatchRanking.ByBagNet("bag", bagnet), PatchRanking.Random, PatchRanking.Own(AttributionMethod.GradientInput)];
        var options = new MaskingOptions { Patch = 10, Steps = [0, 2], Fill = AttributionBaseline.Blur, Attribution = new AttributionOptions { BlurSigma = 2 } };
        var plain = FeatureSensitivity.Run(models, data, Shown, rankings, options);
        IReadOnlyList<MaskingPoint> underMeta;
        using (new DefaultDeviceMeta())
            underMeta = FeatureSensitivity.Run(models, data, Shown, rankings, options, device: Devices.Cpu);
        Assert.Equal(3 * 2, plain.Count);
        Assert.All(plain, p => Assert.Equal(2, p.Images));
        Assert.Equal(plain, underMeta);
    }

    [Fact]
    public void An_interaction_measurement_keeps_its_tensors_on_the_networks_device()
    {
        var data = TestImages.RandomFolder(Path.Combine(_dir, "pairs"), ["a"], 2, 32, seed: 12);
        var files = TextureBias.Data.ImageFiles.Find([data]).Order(StringComparer.Ordinal).ToList();
        using var model = SmallResNet(13);
        var options = new InteractionOptions { Patch = 8, PairsPerImage = 4, BinEdges = [0, 8], Fill = AttributionBaseline.Blur, BlurSigma = 2, BatchSize = 5 };
        var plain = Interactions.Run(model, files, Shown, options);
        InteractionResult underMeta;
        using (new DefaultDeviceMeta())
            underMeta = Interactions.Run(model, files, Shown, options, device: Devices.Cpu);
        Assert.Equal(2, plain.Images);
        Assert.Equal(8, plain.Pairs.Count);
        Assert.Equal(plain.Pairs, underMeta.Pairs);
        Assert.Equal(plain.Bins, underMeta.Bins);
    }

    [Fact]
    public void The_BagNet_comparison_keeps_its_tensors_on_the_networks_device()
    {
        var data = TestImages.RandomFolder(Path.Combine(_dir, "compare"), ["n01440764", "n02123045"], 1, 24, seed: 14);
        using var bagnet = Bag(15);
        using var other = Bag(16);
        var options = new BagNetComparisonOptions
        {
            Images = 2, InteractionImages = 1, BatchSize = 2,
            Masking = new MaskingOptions { Patch = 8, Steps = [0, 1] },
            Interactions = new InteractionOptions { Patch = 8, PairsPerImage = 2, BinEdges = [0], KeepPairs = false },
        };
        // The pieces are compared with plain runs above; here the device goes through all three comparisons (the error
        // distribution's classifiers included), and every number comes back.
        BagNetComparisonResult result;
        using (new DefaultDeviceMeta())
            result = BagNetComparison.Run(new RobustnessModel("bag", bagnet, Shown), [new RobustnessModel("other", other, Shown)], data, Shown, options, device: Devices.Cpu);
        Assert.Equal(2, result.Errors.Single().Result.Images);
        Assert.All(result.Errors.Single().Result.PerImage, p => Assert.InRange(p.R, -1, 1));
        Assert.Equal(2 * 2 * 2, result.Masking.Count); // two networks, two rankings, two steps
        Assert.All(result.Masking, p => { Assert.Equal(2, p.Images); Assert.True(double.IsFinite(p.TrueClassLogit)); });
        Assert.All(result.Interactions, i => Assert.Equal(1, i.Result.Images));
    }
}
