using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

/// <summary>
/// The comparison networks of the BagNet paper and texture-vs-shape (ResNet-101/152, VGG-19 and the
/// batch-norm VGGs, DenseNet-121/161/169/201, GoogLeNet): torchvision's parameter counts, keys,
/// and the published files' quirks (DenseNet's legacy keys, GoogLeNet's auxiliary classifiers).
/// </summary>
public class ComparisonNetworkTests : TempDirTest
{
    /// <summary>
    /// Parameters as torchvision publishes them (<c>num_params</c> of each weights enum; FACTS-2 §3, §6),
    /// and state_dict keys as torchvision 0.14's model has them, <c>num_batches_tracked</c> included.
    /// </summary>
    [Theory]
    [InlineData("resnet101", 44_549_160, 626)]
    [InlineData("resnet152", 60_192_808, 932)]
    [InlineData("vgg19", 143_667_240, 38)]
    [InlineData("vgg16_bn", 138_365_992, 97)]
    [InlineData("vgg19_bn", 143_678_248, 118)]
    [InlineData("densenet121", 7_978_856, 727)]
    [InlineData("densenet161", 28_681_000, 967)]
    [InlineData("densenet169", 14_149_480, 1015)]
    [InlineData("densenet201", 20_013_928, 1207)]
    [InlineData("googlenet", 6_624_904, 344)]
    public void ParametersAndKeysAreTorchvisions(string arch, long parameters, int keys)
    {
        using var model = Architectures.Create(arch);
        Assert.Equal(arch, model.Architecture);
        Assert.Equal(parameters, model.parameters().Sum(p => p.numel()));
        var sd = model.state_dict();
        Assert.Equal(keys, sd.Count);
        var expected = TorchvisionKeys(arch);
        Assert.Equal(keys, expected.Count);
        Assert.Equal(expected.OrderBy(k => k, StringComparer.Ordinal), sd.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(arch, ModelWeights.GuessArchitecture(sd));
    }

    /// <summary>The smallest input torchvision documents (min_size) runs, in eval and in training mode.</summary>
    [Theory]
    [InlineData("densenet121", 29)]
    [InlineData("googlenet", 15)]
    [InlineData("vgg16_bn", 32)]
    [InlineData("resnet101", 1)]
    public void TheSmallestInputRuns(string arch, int size)
    {
        using var scope = NewDisposeScope();
        using var model = Architectures.Create(arch, 10);
        Assert.Equal(size, model.MinimumInputSize);
        model.eval();
        using (no_grad()) Assert.Equal(new long[] { 2, 10 }, model.forward(randn(2, 3, size, size)).shape);
        model.train();
        Assert.Equal(new long[] { 2, 10 }, model.forward(randn(2, 3, Math.Max(size, 32), Math.Max(size, 32))).shape);
    }

    [Fact]
    public void OnlyTheResidualNetworksTakeAWidthOrBlocks()
    {
        using (var small = Architectures.Create("resnet152", 3, 8, new[] { 1, 2, 1, 1 }))
            Assert.Equal(new[] { 1, 2, 1, 1 }, Enumerable.Range(1, 4).Select(l => small.state_dict().Keys.Where(k => k.StartsWith($"layer{l}.")).Select(k => k.Split('.')[1]).Distinct().Count()));
        foreach (var arch in new[] { "densenet121", "googlenet", "vgg19_bn" })
        {
            Assert.Throws<TextureBiasException>(() => Architectures.Create(arch, 10, 32));
            Assert.Throws<TextureBiasException>(() => Architectures.Create(arch, 10, blocks: new[] { 1, 1, 1, 1 }));
        }
    }

    [Fact]
    public void TheLegacyKeyRenameIsTorchvisionsRegex()
    {
        using var t = zeros(1);
        var legacy = new Dictionary<string, Tensor>
        {
            ["features.denseblock1.denselayer1.norm.1.weight"] = t,
            ["features.denseblock1.denselayer12.conv.2.weight"] = t,
            ["features.denseblock4.denselayer3.norm.2.running_var"] = t,
            ["features.denseblock2.denselayer1.relu.1.bias"] = t, // matched by the regex, though no relu has weights
            ["features.transition1.norm.weight"] = t,
            ["features.norm5.running_mean"] = t,
            ["features.denseblock1.denselayer1.norm.3.weight"] = t, // only 1 and 2
            ["features.denseblock1.denselayer1.norm.1.num_batches_tracked"] = t, // not among the suffixes
            ["classifier.bias"] = t,
        };
        var renamed = DenseNet.RemapLegacyKeys(legacy);
        Assert.Equal(new[]
        {
            "features.denseblock1.denselayer1.norm1.weight", "features.denseblock1.denselayer12.conv2.weight",
            "features.denseblock4.denselayer3.norm2.running_var", "features.denseblock2.denselayer1.relu1.bias",
            "features.transition1.norm.weight", "features.norm5.running_mean", "features.denseblock1.denselayer1.norm.3.weight",
            "features.denseblock1.denselayer1.norm.1.num_batches_tracked", "classifier.bias",
        }.Order(StringComparer.Ordinal), renamed.Keys.Order(StringComparer.Ordinal));
        var current = new Dictionary<string, Tensor> { ["features.denseblock1.denselayer1.norm1.weight"] = t };
        Assert.Same(current, DenseNet.RemapLegacyKeys(current));
    }

    /// <summary>torchvision's published DenseNet files name the dense layers' modules <c>norm.1</c>, <c>conv.1</c>, ….</summary>
    private static Dictionary<string, Tensor> WithLegacyKeys(IReadOnlyDictionary<string, Tensor> sd, bool dropCounters)
    {
        var legacy = new Dictionary<string, Tensor>();
        foreach (var (k, v) in sd)
        {
            if (dropCounters && k.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
            string key = k.Contains(".denselayer", StringComparison.Ordinal)
                ? k.Replace(".norm1.", ".norm.1.").Replace(".norm2.", ".norm.2.").Replace(".conv1.", ".conv.1.").Replace(".conv2.", ".conv.2.")
                : k;
            legacy[key] = v;
        }
        return legacy;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ADenseNetFileWithLegacyKeysLoads(bool legacyFormat)
    {
        manual_seed(3);
        using var model = new DenseNet("densenet", 4, new[] { 2, 3 }, 8, numClasses: 5);
        var legacy = WithLegacyKeys(model.state_dict(), dropCounters: true); // as the 2017 files: no num_batches_tracked
        Assert.Contains("features.denseblock2.denselayer3.conv.2.weight", legacy.Keys);
        Assert.Contains("features.transition1.conv.weight", legacy.Keys);
        string path = Path.Combine(_dir, "densenet-legacy.pth");
        WeightFile.Save(path, legacy, legacyFormat);

        using var fresh = new DenseNet("densenet", 4, new[] { 2, 3 }, 8, numClasses: 5);
        ModelWeights.Load(fresh, path);
        foreach (var (k, v) in model.state_dict())
            if (!k.EndsWith("num_batches_tracked", StringComparison.Ordinal))
                Assert.True(v.equal(fresh.state_dict()[k]).all().item<bool>(), k);

        // Another network with legacy keys is still a misfit naming the legacy keys.
        using var other = Architectures.Create("resnet18", 5, 8, new[] { 1, 1, 1, 1 });
        var e = Assert.Throws<WeightFileException>(() => ModelWeights.Load(other, path));
        Assert.Contains("norm.1", e.Message);
    }

    [Fact]
    public void APublishedStyleDenseNet169IsRecognisedAndLoadsByItsLegacyKeys()
    {
        manual_seed(4);
        using var model = Architectures.Create("densenet169");
        string path = Path.Combine(_dir, "densenet169-b2777c0a.pth");
        WeightFile.Save(path, WithLegacyKeys(model.state_dict(), dropCounters: true), legacy: true);
        using var loaded = ModelWeights.LoadClassifier(null, path);
        Assert.Equal("densenet169", loaded.Architecture);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 3, 64, 64);
        Assert.True(model.forward(x).allclose(loaded.forward(x), 1e-5, 1e-6));
    }

    [Fact]
    public void GoogLeNetFilesWithAuxiliaryClassifiersLoad()
    {
        manual_seed(5);
        using var model = new GoogLeNet();
        var sd = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        // torchvision's published file and googlenet() hold aux1 and aux2 (InceptionAux: conv, fc1, fc2).
        foreach (var (aux, channels) in new[] { ("aux1", 512), ("aux2", 528) })
        {
            sd[$"{aux}.conv.conv.weight"] = randn(128, channels, 1, 1);
            foreach (var s in new[] { "weight", "bias", "running_mean", "running_var" }) sd[$"{aux}.conv.bn.{s}"] = ones(128);
            sd[$"{aux}.fc1.weight"] = randn(1024, 2048);
            sd[$"{aux}.fc1.bias"] = zeros(1024);
            sd[$"{aux}.fc2.weight"] = randn(1000, 1024);
            sd[$"{aux}.fc2.bias"] = zeros(1000);
        }
        string path = Path.Combine(_dir, "googlenet-1378be20.pth");
        WeightFile.Save(path, sd);
        using var loaded = ModelWeights.LoadClassifier(null, path);
        Assert.Equal("googlenet", loaded.Architecture);
        Assert.DoesNotContain(loaded.state_dict().Keys, k => k.StartsWith("aux", StringComparison.Ordinal));
        foreach (var (k, v) in model.state_dict()) Assert.True(v.equal(loaded.state_dict()[k]).all().item<bool>(), k);
        Assert.True(((GoogLeNet)loaded).TransformInput);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(2, 3, 64, 64);
        Assert.True(model.forward(x).allclose(loaded.forward(x), 1e-5, 1e-6));
    }

    [Fact]
    public void GoogLeNetsInputTransformIsTorchvisionsAffineMap()
    {
        // With transform_input the network sees x·std/0.5 + (mean − 0.5)/0.5, i.e. the image rescaled to [−1, 1].
        manual_seed(6);
        using var model = new GoogLeNet(7);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn(1, 3, 40, 40);
        var withTransform = model.forward(x);
        model.TransformInput = false;
        var mean = tensor(new[] { 0.485f, 0.456f, 0.406f }).view(1, 3, 1, 1);
        var std = tensor(new[] { 0.229f, 0.224f, 0.225f }).view(1, 3, 1, 1);
        var manual = model.forward(x.mul(std).add(mean).sub(0.5).div(0.5));
        Assert.True(withTransform.allclose(manual, 1e-4, 1e-5));
        Assert.False(withTransform.allclose(model.forward(x), 1e-3, 1e-3));
    }

    /// <summary>Every state_dict key of torchvision's model, derived from its construction rules.</summary>
    private static List<string> TorchvisionKeys(string arch)
    {
        var keys = new List<string>();
        void Bn(string p) => keys.AddRange(new[] { "weight", "bias", "running_mean", "running_var", "num_batches_tracked" }.Select(s => $"{p}.{s}"));
        if (arch.StartsWith("resnet", StringComparison.Ordinal))
        {
            int[] blocks = arch == "resnet101" ? new[] { 3, 4, 23, 3 } : new[] { 3, 8, 36, 3 };
            keys.Add("conv1.weight");
            Bn("bn1");
            for (int l = 1; l <= 4; l++)
                for (int b = 0; b < blocks[l - 1]; b++)
                {
                    for (int c = 1; c <= 3; c++) { keys.Add($"layer{l}.{b}.conv{c}.weight"); Bn($"layer{l}.{b}.bn{c}"); }
                    if (b == 0) { keys.Add($"layer{l}.0.downsample.0.weight"); Bn($"layer{l}.0.downsample.1"); }
                }
            keys.AddRange(new[] { "fc.weight", "fc.bias" });
        }
        else if (arch.StartsWith("vgg", StringComparison.Ordinal))
        {
            int[] perStage = arch.StartsWith("vgg19", StringComparison.Ordinal) ? new[] { 2, 2, 4, 4, 4 } : new[] { 2, 2, 3, 3, 3 };
            bool bn = arch.EndsWith("_bn", StringComparison.Ordinal);
            int i = 0;
            foreach (int convs in perStage)
            {
                for (int c = 0; c < convs; c++)
                {
                    keys.AddRange(new[] { $"features.{i}.weight", $"features.{i}.bias" });
                    i++;
                    if (bn) Bn($"features.{i++}");
                    i++; // ReLU
                }
                i++; // max-pool
            }
            foreach (int c in new[] { 0, 3, 6 }) keys.AddRange(new[] { $"classifier.{c}.weight", $"classifier.{c}.bias" });
        }
        else if (arch.StartsWith("densenet", StringComparison.Ordinal))
        {
            int[] blocks = arch switch
            {
                "densenet121" => new[] { 6, 12, 24, 16 },
                "densenet161" => new[] { 6, 12, 36, 24 },
                "densenet169" => new[] { 6, 12, 32, 32 },
                _ => new[] { 6, 12, 48, 32 },
            };
            keys.Add("features.conv0.weight");
            Bn("features.norm0");
            for (int n = 1; n <= 4; n++)
            {
                for (int m = 1; m <= blocks[n - 1]; m++)
                {
                    string p = $"features.denseblock{n}.denselayer{m}";
                    Bn($"{p}.norm1");
                    keys.Add($"{p}.conv1.weight");
                    Bn($"{p}.norm2");
                    keys.Add($"{p}.conv2.weight");
                }
                if (n < 4) { Bn($"features.transition{n}.norm"); keys.Add($"features.transition{n}.conv.weight"); }
            }
            Bn("features.norm5");
            keys.AddRange(new[] { "classifier.weight", "classifier.bias" });
        }
        else
        {
            void Basic(string p) { keys.Add($"{p}.conv.weight"); Bn($"{p}.bn"); }
            foreach (var c in new[] { "conv1", "conv2", "conv3" }) Basic(c);
            foreach (var block in new[] { "3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b" })
                foreach (var branch in new[] { "branch1", "branch2.0", "branch2.1", "branch3.0", "branch3.1", "branch4.1" })
                    Basic($"inception{block}.{branch}");
            keys.AddRange(new[] { "fc.weight", "fc.bias" });
        }
        return keys;
    }
}
