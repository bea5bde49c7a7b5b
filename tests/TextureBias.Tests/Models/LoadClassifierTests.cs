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
}
