using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Models;

public class LoadClassifierTests : TempDirTest
{
    [Theory]
    [InlineData("resnet18", 8, 5, new[] { 1, 1, 1, 1 })]
    [InlineData("resnet50", 4, 3, new[] { 1, 2, 1, 1 })]
    [InlineData("bagnet9", 4, 8, new[] { 1, 1, 1, 1 })]
    [InlineData("bagnet17", 8, 10, null)]
    public void ReadsClassesWidthAndBlocksFromTheFile(string arch, int width, int classes, int[]? blocks)
    {
        manual_seed(1);
        using var model = Architectures.Create(arch, classes, width, blocks);
        string path = Path.Combine(_dir, "w.pth");
        ModelWeights.Save(model, path);
        using var loaded = ModelWeights.LoadClassifier(arch, path);
        Assert.Equal(classes, loaded.NumClasses);
        Assert.False(loaded.training);
        var expected = model.state_dict();
        Assert.Equal(expected.Keys.OrderBy(k => k), loaded.state_dict().Keys.OrderBy(k => k));
        foreach (var (k, v) in loaded.state_dict()) Assert.True(v.equal(expected[k]).all().item<bool>(), k);

        // A wrong architecture is still a one-line misfit naming the file.
        var ex = Assert.Throws<WeightFileException>(() => ModelWeights.LoadClassifier(arch.StartsWith("bag") ? "resnet18" : "bagnet9", path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void ImpossibleShapesAreRefused()
    {
        Assert.Throws<TextureBiasException>(() => Architectures.Create("resnet18", 10, 8, new[] { 1, 1, 1 }));
        Assert.Throws<TextureBiasException>(() => Architectures.Create("resnet18", 10, 0));
        Assert.Throws<TextureBiasException>(() => Architectures.Create("vgg16", 10, 32));
    }

    [Fact]
    public void TheStylizedImageNetAlexNetLayoutLoadsAndItsArchitectureIsRecognised()
    {
        // The SIN AlexNet was trained with features wrapped in DataParallel: keys features.module.N.
        manual_seed(2);
        using var model = Architectures.Create("alexnet", 7);
        var renamed = model.state_dict().ToDictionary(kv => kv.Key.StartsWith("features.", StringComparison.Ordinal) ? "features.module." + kv.Key["features.".Length..] : kv.Key, kv => kv.Value);
        Assert.Contains("features.module.0.weight", renamed.Keys);
        string path = Path.Combine(_dir, "alexnet_train_60_epochs.pth");
        WeightFile.Save(path, renamed, legacy: true);
        using var loaded = ModelWeights.LoadClassifier(null, path); // architecture and classes from the file
        Assert.Equal("alexnet", loaded.Architecture);
        Assert.Equal(7, loaded.NumClasses);
        using var x = rand(1, 3, 96, 96);
        using var noGrad = no_grad();
        model.eval();
        Assert.True(model.forward(x).allclose(loaded.forward(x), 1e-5, 1e-5));
    }

    [Fact]
    public void AnUnknownLayoutNeedsTheArchitecture()
    {
        string path = Path.Combine(_dir, "other.pth");
        WeightFile.Save(path, new Dictionary<string, Tensor> { ["encoder.weight"] = ones(2, 2) });
        var e = Assert.Throws<WeightFileException>(() => ModelWeights.LoadClassifier(null, path));
        Assert.Contains(path, e.Message);
        Assert.Contains("give the architecture", e.Message);
    }
}
