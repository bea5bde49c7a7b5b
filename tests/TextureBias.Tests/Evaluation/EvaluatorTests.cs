using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Evaluation;

public class EvaluatorTests : TempDirTest
{
    [Fact]
    public void TopKOnConstructedLogits()
    {
        using var logits = tensor(new float[,] { { 0.1f, 0.9f, 0.5f, 0.3f }, { 2f, 1f, 0f, -1f }, { 0f, 0f, 5f, 1f } });
        Assert.Equal(new[] { true, false, false }, TopK.Hits(logits, new[] { 1, 1, 3 }, 1));
        Assert.Equal(new[] { true, true, true }, TopK.Hits(logits, new[] { 1, 1, 3 }, 2));
        Assert.Equal(new[] { false, false, false }, TopK.Hits(logits, new[] { 3, 3, 0 }, 1));
        Assert.Equal(new[] { true, true, true }, TopK.Hits(logits, new[] { 3, 3, 0 }, 5)); // k beyond the classes: all
    }

    private string MakeFolder(string name, params string[] classes)
    {
        var root = Path.Combine(_dir, name);
        var rng = new Random(classes.Length);
        foreach (var c in classes)
            for (int i = 0; i < 3; i++)
            {
                var px = new byte[40 * 40 * 3];
                rng.NextBytes(px);
                TestImages.WritePng(Path.Combine(root, c, $"{i}.png"), new RgbImage(40, 40, px));
            }
        return root;
    }

    [Fact]
    public void ImageFolderNumbersSortedClassesAndConcatenatesRoots()
    {
        var a = MakeFolder("a", "zebra", "apple", "Mango");
        var b = MakeFolder("b", "zebra", "apple", "Mango");
        var folder = ImageFolder.Open(new[] { a, b });
        Assert.Equal(new[] { "Mango", "apple", "zebra" }, folder.Classes); // ordinal order, as Python's sorted()
        Assert.Equal(18, folder.Samples.Count);
        Assert.All(folder.Samples, s => Assert.Equal(folder.Classes[s.Label], Path.GetFileName(Path.GetDirectoryName(s.Path))));
        var subset = Path.Combine(_dir, "subset.txt");
        File.WriteAllText(subset, "# two classes\nzebra\napple\n");
        Assert.Equal(new[] { "apple", "zebra" }, ImageFolder.Open(new[] { a }, ImageFolder.ReadClassSubset(subset)).Classes);
        var other = MakeFolder("c", "zebra", "pear");
        Assert.Contains("classes differ", Assert.Throws<TextureBiasException>(() => ImageFolder.Open(new[] { a, other })).Message);
        var wnids = MakeFolder("w", "n02123045", "n01440764");
        Assert.Equal(new[] { 0, 281 }, ImageFolder.Open(new[] { wnids }).ModelIndices(1000)); // ImageNet indices, not positions
    }

    [Fact]
    public void AccuracyIsWhatTheModelPredicts()
    {
        var root = MakeFolder("data", "0", "1", "2");
        File.WriteAllText(Path.Combine(root, "1", "broken.png"), "no");
        manual_seed(11);
        using var model = BagNet.BagNet9(3, width: 4);
        var folder = ImageFolder.Open(new[] { root });
        var pre = new Preprocessing(0, 0);
        var skipped = new List<ImageFailure>();
        var result = Evaluator.Run(model, folder, pre, batchSize: 4, skipped.Add);
        Assert.Single(skipped);
        int correct = 0, total = 0;
        using (no_grad())
            foreach (var (path, label) in folder.Samples.Where(s => !s.Path.EndsWith("broken.png")))
            {
                var logits = model.forward(pre.Load(path).unsqueeze(0));
                if (logits.argmax(1).item<long>() == label) correct++;
                total++;
            }
        Assert.Equal(9, result.Images);
        Assert.Equal(100.0 * correct / total, result.Top1, 6);
        Assert.Equal(100.0, result.Top5); // 3 classes: always in the top 5
        Assert.Equal(new[] { 3, 3, 3 }, result.PerClass.Select(c => c.Images));
    }

    [Fact]
    public void AnImageSmallerThanTheNetworkTakesIsSkippedNotFatal()
    {
        var root = MakeFolder("tiny", "0", "1");
        TestImages.WritePng(Path.Combine(root, "1", "tiny.png"), new RgbImage(5, 4, new byte[5 * 4 * 3]));
        manual_seed(12);
        using var model = BagNet.BagNet9(2, width: 4); // 9-pixel patches
        var skipped = new List<ImageFailure>();
        var result = Evaluator.Run(model, ImageFolder.Open(new[] { root }), new Preprocessing(0, 0), batchSize: 8, skipped.Add);
        Assert.Equal(6, result.Images);
        Assert.Equal(1, result.Skipped);
        var failure = Assert.Single(skipped);
        Assert.EndsWith("tiny.png", failure.Path);
        Assert.Equal("image is 5x4 after preprocessing, smaller than the 9 pixels bagnet9 needs", failure.Reason);
    }
}
