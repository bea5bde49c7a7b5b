using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

public class BagNetTests
{
    [Theory]
    [InlineData("bagnet9", 15_688_744L)]
    [InlineData("bagnet17", 16_213_032L)]
    [InlineData("bagnet33", 18_310_184L)]
    [InlineData("resnet18", 11_689_512L)]
    [InlineData("resnet50", 25_557_032L)]
    [InlineData("vgg16", 138_357_544L)]
    [InlineData("alexnet", 61_100_840L)]
    public void ParameterCountsMatchThePublishedOnes(string arch, long expected)
    {
        using var model = Architectures.Create(arch);
        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
    }

    /// <summary>The state_dict keys of the reference BagNet, built from FACTS.md A.3 and A.6.</summary>
    private static Dictionary<string, long[]> ReferenceKeys(int[] kernel3)
    {
        var keys = new Dictionary<string, long[]>();
        void Bn(string p, long c)
        {
            foreach (var s in new[] { "weight", "bias", "running_mean", "running_var" }) keys[$"{p}.{s}"] = new[] { c };
            keys[$"{p}.num_batches_tracked"] = Array.Empty<long>();
        }
        keys["conv1.weight"] = new long[] { 64, 3, 1, 1 };
        keys["conv2.weight"] = new long[] { 64, 64, 3, 3 };
        Bn("bn1", 64);
        int[] blocks = { 3, 4, 6, 3 };
        long inplanes = 64;
        for (int l = 0; l < 4; l++)
        {
            long planes = 64L << l;
            for (int b = 0; b < blocks[l]; b++)
            {
                string p = $"layer{l + 1}.{b}";
                long k = b < kernel3[l] ? 3 : 1;
                keys[$"{p}.conv1.weight"] = new[] { planes, inplanes, 1, 1 };
                Bn($"{p}.bn1", planes);
                keys[$"{p}.conv2.weight"] = new[] { planes, planes, k, k };
                Bn($"{p}.bn2", planes);
                keys[$"{p}.conv3.weight"] = new[] { planes * 4, planes, 1, 1 };
                Bn($"{p}.bn3", planes * 4);
                if (b == 0)
                {
                    keys[$"{p}.downsample.0.weight"] = new[] { planes * 4, inplanes, 1, 1 };
                    Bn($"{p}.downsample.1", planes * 4);
                }
                inplanes = planes * 4;
            }
        }
        keys["fc.weight"] = new long[] { 1000, 2048 };
        keys["fc.bias"] = new long[] { 1000 };
        return keys;
    }

    [Theory]
    [InlineData("bagnet9", new[] { 1, 1, 0, 0 }, 9)]
    [InlineData("bagnet17", new[] { 1, 1, 1, 0 }, 17)]
    [InlineData("bagnet33", new[] { 1, 1, 1, 1 }, 33)]
    public void KeysShapesAndReceptiveFieldAreTheReferences(string arch, int[] kernel3, int q)
    {
        using var model = (BagNet)Architectures.Create(arch);
        var expected = ReferenceKeys(kernel3);
        var actual = model.state_dict();
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), actual.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (k, shape) in expected) Assert.True(shape.SequenceEqual(actual[k].shape), k);
        Assert.Equal(q, model.ReceptiveField);
        Assert.Equal(0.001, ((TorchSharp.Modules.BatchNorm2d)model.named_modules().First(m => m.name == "bn1").module).momentum);
    }

    [Theory]
    [InlineData("bagnet9", 27)]
    [InlineData("bagnet17", 26)]
    [InlineData("bagnet33", 24)]
    public void PatchGridOf224ImageMatchesTheReferenceTable(string arch, int side)
    {
        using var scope = NewDisposeScope();
        using var model = Architectures.Create(arch, numClasses: 3);
        model.eval();
        using var noGrad = no_grad();
        var map = ((BagNet)model).PatchLogits(randn(1, 3, 224, 224));
        Assert.Equal(new long[] { 1, 3, side, side }, map.shape);
    }

    /// <summary>
    /// The bag-of-local-features property: image logits are the mean of the patch logits, and
    /// the patch logit at cell (i,j) is the network applied to the q×q crop at (8i, 8j) alone.
    /// On small networks with random BN statistics, square and non-square inputs.
    /// </summary>
    [Theory]
    [InlineData(9, 33, 41)]
    [InlineData(17, 41, 41)]
    [InlineData(33, 57, 49)]
    public void LogitsAreTheMeanOfIndependentPatchLogits(int q, int height, int width)
    {
        using var scope = NewDisposeScope();
        manual_seed(q);
        var model = q switch { 9 => BagNet.BagNet9(7, width: 8), 17 => BagNet.BagNet17(7, width: 8), _ => BagNet.BagNet33(7, width: 8) };
        using (no_grad())
            foreach (var (name, buffer) in model.named_buffers())
                if (name.EndsWith("running_mean")) buffer.uniform_(-0.2, 0.2);
                else if (name.EndsWith("running_var")) buffer.uniform_(0.5, 1.5);
        model.eval();
        Assert.Equal(q, model.ReceptiveField);
        using var noGrad = no_grad();
        var x = randn(2, 3, height, width);
        var patches = model.PatchLogits(x);
        long gh = (height - q) / 8 + 1, gw = (width - q) / 8 + 1;
        Assert.Equal(new long[] { 2, 7, gh, gw }, patches.shape);
        var logits = model.forward(x);
        double scale = Math.Max(1.0, patches.abs().max().item<float>());
        double meanError = (logits - patches.mean(new long[] { 2, 3 })).abs().max().item<float>();
        Assert.True(meanError < 1e-4 * scale, $"mean of patches differs by {meanError:g3} (scale {scale:g3})");
        for (int i = 0; i < gh; i++)
        for (int j = 0; j < gw; j++)
        {
            var crop = x.narrow(2, i * 8, q).narrow(3, j * 8, q);
            var alone = model.forward(crop);
            var inMap = patches[.., .., i, j];
            double error = (alone - inMap).abs().max().item<float>();
            Assert.True(error < 1e-4 * scale, $"cell ({i},{j}) differs by {error:g3} (scale {scale:g3})");
        }
    }
}
