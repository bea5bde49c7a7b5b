using TextureBias.Attribution;
using TextureBias.Comparison;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Interpretation;
using TextureBias.Models;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Comparison;

public class FeatureSensitivityTests : TempDirTest
{
    static readonly Preprocessing Shown = new(0, 0);

    string Data()
    {
        return TestImages.RandomFolder(Path.Combine(_dir, "data"), ["n01440764", "n02123045"], 2, 40, seed: 2);
    }

    static BagNet Bag(int seed)
    {
        manual_seed(seed);
        var model = BagNet.BagNet9(1000, width: 4);
        model.eval();
        return model;
    }

    static float TrueLogit(ImageClassifier model, Tensor input, int target)
    {
        using var _ = no_grad();
        return model.forward(input)[0, target].item<float>();
    }

    /// <summary>
    /// Equal up to float32 rounding: the job runs its networks frozen (weights packed for oneDNN,
    /// whose kernel may then block the sums differently), the test the plain forward pass.
    /// </summary>
    static void SameLogit(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"logit {actual:R}, expected {expected:R}");

    static Tensor Load(string path) => Shown.Apply(ImageDecoder.Decode(path)).unsqueeze(0);

    [Fact]
    public void NoMaskGivesTheCleanLogitsAndMaskingFollowsTheBagNetsRanking()
    {
        var data = Data();
        using var bagnet = Bag(3);
        using var model = Bag(4);
        var models = new[] { new RobustnessModel("m", model, Shown) };
        var options = new MaskingOptions { Patch = 10, Steps = [0, 1, 3] };
        var points = FeatureSensitivity.Run(models, data, Shown, [PatchRanking.ByBagNet("bag", bagnet), PatchRanking.Random], options);
        Assert.Equal(2 * 3, points.Count);
        var files = TextureBias.Data.ImageFolder.Open(new[] { data }).Samples;
        int[] targets = [0, 0, 281, 281]; // tench, tench, tabby
        // k = 0: the clean logits, whatever the ranking.
        double clean = files.Select((s, i) => (double)TrueLogit(model, Load(s.Path), targets[i])).Average();
        Assert.All(points.Where(p => p.Masked == 0), p => SameLogit(clean, p.TrueClassLogit));
        // k = 1 with the BagNet's ranking: the patch with the most evidence of the true class, filled with 0 (the mean colour).
        double masked = 0;
        for (int i = 0; i < files.Count; i++)
        {
            var input = Load(files[i].Path);
            var grid = new PatchGrid(40, 40, 10);
            var order = FeatureSensitivity.Order(grid, Heatmap.Dense(bagnet, input[0], [targets[i]])[0]);
            var (y, x) = grid.Origin(order[0]);
            var copy = input.clone();
            copy[0, .., y..(y + 10), x..(x + 10)] = 0;
            masked += TrueLogit(model, copy, targets[i]);
        }
        SameLogit(masked / files.Count, points.Single(p => p.Ranking == "bag" && p.Masked == 1).TrueClassLogit);
        Assert.All(points, p => Assert.Equal(4, p.Images));
    }

    [Fact]
    public void EachModelCanRankByItsOwnAttribution()
    {
        var data = Data();
        using var a = Bag(5);
        using var b = Bag(6);
        var models = new[] { new RobustnessModel("a", a, Shown), new RobustnessModel("b", b, Shown) };
        var options = new MaskingOptions { Patch = 8, Steps = [0, 2], MaxImages = 2 };
        var points = FeatureSensitivity.Run(models, data, Shown, [PatchRanking.Own(AttributionMethod.GradientInput)], options);
        Assert.Equal(new[] { "a", "a", "b", "b" }, points.Select(p => p.Model));
        Assert.All(points, p => Assert.Equal("own:gradient-input", p.Ranking));
        Assert.All(points, p => Assert.Equal(2, p.Images));
        // Masking the two patches with the most gradient × input evidence lowers the true-class logit on average.
        foreach (var name in new[] { "a", "b" })
            Assert.True(points.Single(p => p.Model == name && p.Masked == 2).TrueClassLogit < points.Single(p => p.Model == name && p.Masked == 0).TrueClassLogit);
    }
}
