using System.Text.Json;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

public class CompareBagNetCommandTests : TempDirTest
{
    [Fact]
    public void OneCommandWritesTheReportWithTheThreeComparisonsAndGoesOnAfterAStop()
    {
        var data = TestImages.RandomFolder(Path.Combine(_dir, "data"), ["n01440764", "n02123045"], 2, 48, seed: 9);
        string bagnet = Path.Combine(_dir, "bag.pth"), resnet = Path.Combine(_dir, "res.pth"), output = Path.Combine(_dir, "cmp");
        manual_seed(41);
        using (var b = Architectures.Create("bagnet9", 1000, 4, new[] { 1, 1, 1, 1 })) ModelWeights.Save(b, bagnet);
        manual_seed(42);
        using (var m = Architectures.Create("resnet18", 1000, 8)) ModelWeights.Save(m, resnet);
        string[] args = ["compare-bagnet", "--data", data, "--bagnet", bagnet, "--models", resnet, "--arch", "resnet18", "--out", output,
            "--images", "4", "--interaction-images", "2", "--patch", "12", "--steps", "0,1,2", "--pairs", "4", "--resize", "0", "--crop", "0"];
        var r = CliRunner.Run(args);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        var html = File.ReadAllText(Path.Combine(output, "report.html"));
        foreach (var section in new[] { "Error distribution", "Feature sensitivity", "Interactions between image parts" }) Assert.Contains(section, html);
        Assert.True(html.Split("data:image/png;base64,").Length - 1 >= 3, "figures embedded");
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var root = doc.RootElement;
        Assert.Equal("bag", root.GetProperty("bagnet").GetString());
        Assert.Equal("res", Assert.Single(root.GetProperty("errors").EnumerateArray()).GetProperty("model").GetString());
        Assert.Equal(2 * 2 * 3, root.GetProperty("masking").GetArrayLength()); // (BagNet + network) x 2 rankings x 3 steps
        var interactions = root.GetProperty("interactions").EnumerateArray().ToList();
        Assert.Equal(new[] { "bag", "res" }, interactions.Select(i => i.GetProperty("model").GetString()));
        Assert.All(interactions, i => Assert.Equal(2, i.GetProperty("images").GetInt32()));
        // The interaction measurements are kept per network; a second run reads them back and reports the same.
        Assert.True(Directory.Exists(Path.Combine(output, "interactions", "bag")));
        var first = File.ReadAllText(Path.Combine(output, "results.json"));
        Assert.Equal(0, CliRunner.Run(args).ExitCode);
        Assert.Equal(first, File.ReadAllText(Path.Combine(output, "results.json")));
    }

    [Fact]
    public void TheBagNetMustBeABagNet()
    {
        var r = CliRunner.Run("compare-bagnet", "--data", _dir, "--bagnet", "resnet50", "--models", "vgg16");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("need a BagNet", r.Stderr);
    }
}
