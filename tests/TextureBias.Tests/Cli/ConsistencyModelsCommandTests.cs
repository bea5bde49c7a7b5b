using System.Text.Json;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Observers;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

public class ConsistencyModelsCommandTests : TempDirTest
{
    private string Tiny(string name, int seed)
    {
        manual_seed(seed);
        using var model = Architectures.Create("bagnet9", 1000, 4, new[] { 1, 1, 1, 1 });
        var path = Path.Combine(_dir, name);
        ModelWeights.Save(model, path);
        return path;
    }

    [Fact]
    public void LiveModelsAgreeWithTheirRawDataFiles()
    {
        var a = Tiny("a.pth", 1);
        var b = Tiny("b.pth", 2);
        var copy = Path.Combine(_dir, "a-copy.pth");
        File.Copy(a, copy);
        var outDir = Path.Combine(_dir, "trials");
        var r = CliRunner.Run("consistency", "--weights", $"{a},{copy},{b}", "--data", Fixture.Stimuli("edges"), "--json", "--raw-data-out", outDir);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var live = JsonDocument.Parse(r.Stdout);
        Assert.Equal(["a", "a-copy", "b"], live.RootElement.GetProperty("observers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1.0, live.RootElement.GetProperty("kappa")[0][1].GetDouble(), 12); // the same weights decide alike
        var trials = RawData.Read(Path.Combine(outDir, "b.csv"));
        Assert.Equal(160, trials.Count); // edges: 16 category folders of 10
        Assert.All(trials, t => Assert.Equal(new string(t.Image.TakeWhile(char.IsLetter).ToArray()), t.Category)); // cat3.png is in cat/

        var files = CliRunner.Run("consistency", "--raw-data", Path.Combine(outDir, "a.csv"), Path.Combine(outDir, "b.csv"), "--json");
        Assert.Equal(0, files.ExitCode);
        using var fromFiles = JsonDocument.Parse(files.Stdout);
        Assert.Equal(live.RootElement.GetProperty("kappa")[0][2].GetDouble(), fromFiles.RootElement.GetProperty("kappa")[0][1].GetDouble(), 12);

        var noData = CliRunner.Run("consistency", "--weights", a);
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("--weights needs --data", noData.Stderr);
    }

    [Theory]
    [InlineData("s/dnn/session-1/0001_cl_dnn_c05_oven_40_n04111531_14126.png", "oven", "c05")]
    [InlineData("s/0.35/cat/cat3.png", "cat", "0.35")]
    [InlineData("s/cat/cat3.png", "cat", "0")]
    public void StimuliAreDescribedByNameOrFolders(string path, string category, string condition) =>
        Assert.Equal((category, condition), ModelTrials.Describe(Path.Combine("/tmp/x", path), "/tmp/x/s"));

    [Fact]
    public void OtherImagesAreNotStimuli()
    {
        Assert.Null(ModelTrials.Describe("/tmp/x/s/cats/cat3.png", "/tmp/x/s"));
        Assert.Null(ModelTrials.Describe("/tmp/x/s/cat3.png", "/tmp/x/s"));
    }
}
