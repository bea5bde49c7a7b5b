using System.Text.Json;
using TextureBias.Comparison;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

public class InteractionsCommandTests : TempDirTest
{
    readonly string _a, _b, _data;

    public InteractionsCommandTests()
    {
        manual_seed(3);
        using (var a = BagNet.BagNet9(5, width: 4)) ModelWeights.Save(a, _a = Path.Combine(_dir, "nine.pth"));
        using (var b = Architectures.Create("resnet18", 5, 4)) ModelWeights.Save(b, _b = Path.Combine(_dir, "res.pth"));
        _data = Path.Combine(_dir, "data");
        var rng = new Random(2);
        for (int i = 0; i < 3; i++)
        {
            var px = new byte[48 * 40 * 3];
            rng.NextBytes(px);
            TestImages.WritePng(Path.Combine(_data, $"{i}.png"), new RgbImage(48, 40, px));
        }
    }

    [Fact]
    public void SeveralModelsGetTheSamePairsAndTheLibrarysNumbers()
    {
        string csv = Path.Combine(_dir, "bins.csv"), pairs = Path.Combine(_dir, "pairs.csv"), png = Path.Combine(_dir, "plot.png");
        var r = CliRunner.Run("interactions", "--arch", "bagnet9", "--weights", $"{_a}", "--data", _data, "--images", "2", "--patch", "6",
            "--pairs", "12", "--bins", "0,4,9", "--seed", "5", "--resize", "0", "--crop", "0", "--json", "--csv", csv, "--pairs-out", pairs, "--plot", png);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout.Trim());
        var model = doc.RootElement.GetProperty("models")[0];
        Assert.Equal("nine", model.GetProperty("name").GetString());
        Assert.Equal("clean top-1 class", model.GetProperty("target").GetString());
        Assert.Equal(2, model.GetProperty("images").GetInt32());

        using var net = ModelWeights.LoadClassifier("bagnet9", _a);
        var files = Directory.GetFiles(_data).Order(StringComparer.Ordinal).Take(2).ToList();
        var options = new InteractionOptions { Patch = 6, PairsPerImage = 12, BinEdges = [0, 4, 9], Seed = 5 };
        var expected = Interactions.Run(net, files, new Preprocessing(0, 0), options);
        var bins = model.GetProperty("bins").EnumerateArray().ToList();
        Assert.Equal(3, bins.Count);
        for (int b = 0; b < 3; b++)
        {
            Assert.Equal(expected.Bins[b].Pairs, bins[b].GetProperty("pairs").GetInt32());
            Assert.Equal(expected.Bins[b].Correlation, bins[b].GetProperty("r").GetDouble(), 6);
            Assert.Equal(expected.Bins[b].MeanNonAdditivity, bins[b].GetProperty("mean_nonadditivity").GetDouble(), 6);
        }
        Assert.Equal(1.0, bins[2].GetProperty("r").GetDouble(), 6); // gap ≥ 9: the BagNet-9's parts do not interact
        var lines = File.ReadAllLines(csv);
        Assert.Equal("model,bin_low,bin_high,pairs,values,r,mean_nonadditivity,mean_abs_joint,relative_nonadditivity", lines[0]);
        Assert.StartsWith("nine,0,4,8,8,", lines[1]);
        Assert.StartsWith("nine,9,,8,8,", lines[3]);
        Assert.Equal(1 + 24, File.ReadAllLines(pairs).Length);
        Assert.True(new FileInfo(png).Length > 2000);

        // Two models (architectures read from the files): each gets its lines, on the same pairs.
        var two = CliRunner.Run("interactions", "--weights", $"{_a},{_b}", "--data", _data, "--patch", "6", "--pairs", "6",
            "--bins", "0,9", "--resize", "0", "--crop", "0", "--pairs-out", pairs, "--all-logits");
        CliRunner.AssertNoStackTrace(two);
        Assert.Equal(0, two.ExitCode);
        Assert.Contains("over all logits", two.Stdout);
        Assert.Contains("nine (target: clean top-1 class):", two.Stdout);
        Assert.Contains("res (target: clean top-1 class):", two.Stdout);
        var rows = File.ReadAllLines(pairs).Skip(1).Select(l => l.Split(',')).ToList();
        string Where(string[] f) => string.Join(",", f.Skip(1).Take(7));
        Assert.Equal(18, rows.Count(f => f[0] == "nine"));
        Assert.Equal(rows.Where(f => f[0] == "nine").Select(Where), rows.Where(f => f[0] == "res").Select(Where));
    }

    [Theory]
    [InlineData("--fill", "noise", "unknown fill 'noise'")]
    [InlineData("--bins", "0,16,8", "--bins must increase (16 then 8)")]
    [InlineData("--bins", "0,x", "--bins: 'x' is not a whole number of pixels")]
    [InlineData("--pairs", "0", "--pairs must be at least 1")]
    [InlineData("--images", "0", "--images must be at least 1")]
    public void MistakesAreOneLine(string option, string value, string message)
    {
        var r = CliRunner.Run("interactions", "--weights", _a, "--arch", "bagnet9", "--data", _data, "--resize", "0", "--crop", "0", option, value);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public void WithoutAModelTheMessageSaysHowToGiveOne()
    {
        var r = CliRunner.Run("interactions", "--data", _data);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("texturebias: give the models: --weights A[,B...] (or --arch for random weights)", r.Stderr.Trim());
    }

    [Fact]
    public void ImagesTooSmallForTwoPatchesAreSkipped()
    {
        var r = CliRunner.Run("interactions", "--weights", _a, "--arch", "bagnet9", "--data", _data, "--resize", "0", "--crop", "0", "--patch", "30");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no room for two 30×30 patches", r.Stderr);
        Assert.Contains("could be measured", r.Stderr);
    }

    [Fact]
    public void TheSameCommandAgainReadsTheKeptImagesBack()
    {
        string results = Path.Combine(_dir, "run");
        string[] args = ["interactions", "--weights", _a, "--arch", "bagnet9", "--data", _data, "--patch", "6", "--pairs", "6", "--bins", "0,9",
            "--resize", "0", "--crop", "0", "--json", "--out", results];
        var first = CliRunner.Run(args);
        Assert.Equal(0, first.ExitCode);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(results, "nine", "images")).Length);
        var second = CliRunner.Run(args);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("3 image(s) read back from", second.Stderr);
        Assert.Equal(first.Stdout, second.Stdout);
        var changed = CliRunner.Run([.. args, "--seed", "1"]);
        CliRunner.AssertNoStackTrace(changed);
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("holds the results of another run", changed.Stderr);
        File.SetLastWriteTimeUtc(_a, new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc)); // weights changed in place
        var newWeights = CliRunner.Run(args);
        Assert.Equal(2, newWeights.ExitCode);
        Assert.Contains("weights ", newWeights.Stderr);
        Assert.Contains("2020-01-02T03:04:05.000Z", newWeights.Stderr);
    }
}
