using System.Text.Json;
using SkiaSharp;
using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Observers;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

public class RobustnessCommandTests : TempDirTest
{
    readonly string _data, _a, _onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", "tiny.onnx");

    public RobustnessCommandTests()
    {
        _data = TestImages.RandomFolder(Path.Combine(_dir, "data"), ["cat", "dog"], 2, 32, seed: 3, (c, i) => $"{c}{i}.png");
        manual_seed(11);
        using var model = Architectures.Create("bagnet9", 1000, 4, new[] { 1, 1, 1, 1 });
        _a = Path.Combine(_dir, "a.pth");
        ModelWeights.Save(model, _a);
    }

    [Fact]
    public void SeveralModelsSeveralDistortionsHumansRawDataAndAResumableResultsFolder()
    {
        string plot = Path.Combine(_dir, "robustness.png"), raw = Path.Combine(_dir, "raw"), output = Path.Combine(_dir, "out");
        string[] args = ["robustness", "--arch", "bagnet9", "--weights", _a, "--onnx", _onnx, "--data", _data, "--distortion", "contrast,low-pass",
            "--resize", "0", "--crop", "0", "--json", "--plot", plot, "--raw-data-out", raw, "--out", output];
        var r = CliRunner.Run(args);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var points = doc.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(2 * (8 + 8), points.Count);
        Assert.Equal(new[] { "a", "tiny" }, points.Select(p => p.GetProperty("model").GetString()).Distinct());

        // The same numbers as the library's, for the same models on the same images.
        var shown = new Preprocessing(0, 0);
        using var a = ModelWeights.LoadClassifier("bagnet9", _a);
        using var tiny = OnnxClassifier.Load(_onnx);
        var models = new[] { new RobustnessModel("a", a, shown), new RobustnessModel("tiny", tiny, shown) };
        foreach (var name in new[] { "contrast", "low-pass" })
        {
            var d = DistortionRegistry.Get(name);
            foreach (var cell in Robustness.Evaluate(models, _data, shown, d, d.Levels))
                foreach (var p in cell.Points)
                {
                    var json = Assert.Single(points, x => x.GetProperty("model").GetString() == p.Model && x.GetProperty("distortion").GetString() == name
                        && x.GetProperty("condition").GetString() == cell.Level.Condition);
                    Assert.Equal(p.SixteenClass!.Value, json.GetProperty("sixteen_class").GetDouble(), 12);
                    Assert.Equal(4, json.GetProperty("images").GetInt32());
                }
        }
        // Humans beside the models: the bundled data's mean per level.
        var humans = doc.RootElement.GetProperty("humans").EnumerateArray().ToList();
        Assert.Equal(16, humans.Count);
        var c10 = Assert.Single(humans, h => h.GetProperty("condition").GetString() == "c10");
        var expected = HumanRobustness.At(DistortionRegistry.Get("contrast"), new[] { DistortionRegistry.Get("contrast").ParseLevel("c10") })![0];
        Assert.Equal(expected.Mean, c10.GetProperty("mean").GetDouble(), 12);

        // Raw data: one file per distortion and model, 8 levels x 4 images.
        var file = Path.Combine(raw, "low-pass_tiny.csv");
        var trials = RawData.Read(file);
        Assert.Equal(32, trials.Count);
        Assert.All(trials, t => Assert.Equal("tiny", t.Subject));
        Assert.Equal(4, Directory.GetFiles(raw, "*.csv").Length);

        // The figure: two panels side by side.
        using (var figure = SKBitmap.Decode(plot)) Assert.True(figure.Width > figure.Height, $"{figure.Width}x{figure.Height}");

        // Again with the same results folder: every level is read back, the same report.
        var again = CliRunner.Run(args);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(r.Stdout, again.Stdout);
        // Another run in that folder is refused, not overwritten.
        var other = CliRunner.Run([.. args.Take(args.Length - 1), output, "--seed", "5"]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("holds the results of another run", other.Stderr);
    }

    [Theory]
    [InlineData("--distortion", "contrast,low-pass", "--levels", "c10", "--levels needs a single --distortion")]
    [InlineData("--distortion", "contrast", "--all", "", "not both")]
    [InlineData("--distortion", "blur", "--levels", "1", "unknown distortion 'blur'")]
    [InlineData("--levels", "c10", "--all", "", "--levels needs a single --distortion")]
    [InlineData("--distortion", "contrast", "--levels", "c200", "contrast: level 'c200'")]
    public void UsageErrorsAreOneLine(string o1, string v1, string o2, string v2, string message)
    {
        var args = new List<string> { "robustness", "--weights", _a, "--arch", "bagnet9", "--data", _data, o1, v1, o2 };
        if (v2.Length > 0) args.Add(v2);
        var r = CliRunner.Run(args.ToArray());
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    [Fact]
    public void FilesOfTheSameNameAreToldApartByTheirFolder()
    {
        var other = Path.Combine(_dir, "sub", "a.pth");
        Directory.CreateDirectory(Path.GetDirectoryName(other)!);
        File.Copy(_a, other);
        var r = CliRunner.Run("robustness", "--arch", "bagnet9", "--weights", $"{_a},{other}", "--data", _data, "--distortion", "contrast", "--levels", "c10",
            "--resize", "0", "--crop", "0", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var names = doc.RootElement.GetProperty("models").EnumerateArray().Select(p => p.GetProperty("model").GetString()).ToList();
        Assert.Equal(new[] { Path.GetFileName(_dir) + "/a", "sub/a" }, names);
        var twice = CliRunner.Run("robustness", "--arch", "bagnet9", "--weights", $"{_a},{_a}", "--data", _data, "--distortion", "contrast");
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("two models would both be called", twice.Stderr);
    }

    [Fact]
    public void ModelsAreNeeded()
    {
        var r = CliRunner.Run("robustness", "--data", _data, "--distortion", "contrast");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("give the models", r.Stderr);
    }
}
