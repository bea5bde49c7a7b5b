using System.Text.Json;
using TextureBias.Attribution;
using TextureBias.Comparison;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

public class MaskCommandTests : TempDirTest
{
    readonly string _data, _bagnet, _resnet;

    public MaskCommandTests()
    {
        _data = TestImages.RandomFolder(Path.Combine(_dir, "data"), ["n01440764", "n02123045"], 2, 48, seed: 8);
        manual_seed(31);
        using (var bagnet = Architectures.Create("bagnet9", 1000, 4, new[] { 1, 1, 1, 1 })) ModelWeights.Save(bagnet, _bagnet = Path.Combine(_dir, "bag.pth"));
        manual_seed(32);
        using (var resnet = Architectures.Create("resnet18", 1000, 8)) ModelWeights.Save(resnet, _resnet = Path.Combine(_dir, "res.pth"));
    }

    [Fact]
    public void CurvesPerNetworkAndRankingAsTheLibraryComputesThem()
    {
        string csv = Path.Combine(_dir, "m.csv"), plot = Path.Combine(_dir, "m.png");
        var r = CliRunner.Run("mask", "--models", _resnet, "--arch", "resnet18", "--data", _data, "--ranking", $"{_bagnet},own:gradient-input,random",
            "--patch", "12", "--steps", "0,1,2", "--resize", "0", "--crop", "0", "--json", "--csv", csv, "--plot", plot);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var points = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(3 * 3, points.Count);
        Assert.Equal(new[] { "bag", "own:gradient-input", "random" }, points.Select(p => p.GetProperty("ranking").GetString()).Distinct());
        Assert.Equal(1 + 9, File.ReadAllLines(csv).Length);
        Assert.True(new FileInfo(plot).Length > 1000);

        using var resnet = ModelWeights.LoadClassifier("resnet18", _resnet);
        using var bagnet = (BagNet)ModelWeights.LoadClassifier("bagnet9", _bagnet);
        var shown = new Preprocessing(0, 0);
        var expected = FeatureSensitivity.Run([new RobustnessModel("res", resnet, shown)], _data, shown,
            [PatchRanking.ByBagNet("bag", bagnet), PatchRanking.Own(AttributionMethod.GradientInput), PatchRanking.Random],
            new MaskingOptions { Patch = 12, Steps = [0, 1, 2] });
        foreach (var e in expected)
        {
            var p = Assert.Single(points, x => x.GetProperty("ranking").GetString() == e.Ranking && x.GetProperty("masked").GetInt32() == e.Masked);
            Assert.True(Math.Abs(e.TrueClassLogit - p.GetProperty("true_class_logit").GetDouble()) < 1e-4, $"{e.Ranking} {e.Masked}: {e.TrueClassLogit} vs {p.GetProperty("true_class_logit").GetDouble()}");
            Assert.Equal(e.Top5, p.GetProperty("top5").GetDouble(), 12);
        }
    }

    [Theory]
    [InlineData("--ranking", "own:bagnet", "give the BagNet's weights as the ranking")]
    [InlineData("--steps", "0,x", "--steps: 'x' is not a number of patches")]
    [InlineData("--fill", "grey", "unknown fill 'grey'")]
    public void MistakesAreOneLine(string option, string value, string message)
    {
        var r = CliRunner.Run("mask", "--models", _resnet, "--arch", "resnet18", "--data", _data, option, value);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }
}
