using System.Globalization;
using System.Text.Json;
using SkiaSharp;
using TextureBias.Imaging;
using TextureBias.Tests.Training;
using TextureBias.Training;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>The commands use what a trained network's checkpoint records: its class names and its preprocessing.</summary>
public class CheckpointMetadataCommandTests : TempDirTest
{
    private readonly string _data, _checkpoint;

    public CheckpointMetadataCommandTests()
    {
        _data = ColourFolders.Make(Path.Combine(_dir, "data"), 6, 1);
        var run = Path.Combine(_dir, "run");
        Trainer.Run("bagnet9", new[] { _data }, null, run, ColourFolders.Tiny with { Epochs = 2 });
        _checkpoint = Path.Combine(run, Trainer.CheckpointFile);
    }

    [Fact]
    public void ClassesAreNamedAndTakenByName()
    {
        var image = Path.Combine(_data, "red", "0.png");
        var classified = CliRunner.Run("classify", "--weights", _checkpoint, "--top", "3", image);
        Assert.Equal(0, classified.ExitCode);
        foreach (var name in ColourFolders.Classes) Assert.Contains($"  {name}  (logit", classified.Stdout);
        Assert.DoesNotContain("class 0", classified.Stdout);

        var png = Path.Combine(_dir, "heatmap.png");
        var heatmap = CliRunner.Run("heatmap", "--weights", _checkpoint, "--image", image, "--class", "red,Blue", "--out", png);
        CliRunner.AssertNoStackTrace(heatmap);
        Assert.Equal(0, heatmap.ExitCode);
        Assert.StartsWith("2\tred\timage logit", heatmap.Stdout);
        Assert.Contains("\n0\tblue\timage logit", heatmap.Stdout);
        Assert.Contains("resize 18, crop 16", heatmap.Stderr);
        using (var figure = SKBitmap.Decode(png)) Assert.NotNull(figure);

        var unknown = CliRunner.Run("heatmap", "--weights", _checkpoint, "--image", image, "--class", "purple", "--out", png);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'purple' is not one of the network's classes (blue, green, red)", unknown.Stderr);

        var mosaic = Path.Combine(_dir, "patches.png");
        var patches = CliRunner.Run("patches", "--weights", _checkpoint, "--data", _data, "--class", "green", "--top", "2", "--out", mosaic);
        CliRunner.AssertNoStackTrace(patches);
        Assert.Equal(0, patches.ExitCode);
        Assert.StartsWith("1\tgreen\tbest logit", patches.Stdout);
        Assert.Contains("\t2 patches from images of the class", patches.Stdout); // the folder "green" is the class green
    }

    [Fact]
    public void ShapeBiasAndAccuracyScoreANetworkOnItsOwnCategories()
    {
        // Cue-conflict images: the shape category's folder, the texture's colour.
        var stimuli = Path.Combine(_dir, "cue-conflict");
        var source = Path.Combine(_dir, "colours");
        ColourFolders.Make(source, 2, 9);
        foreach (var shape in ColourFolders.Classes)
        foreach (var texture in ColourFolders.Classes)
        for (int i = 0; i < 2; i++)
            File.Copy(Path.Combine(source, texture, $"{i}.png"), Path.Combine(Directory.CreateDirectory(Path.Combine(stimuli, shape)).FullName, $"{shape}{i + 1}-{texture}{i + 1}.png"));

        var plot = Path.Combine(_dir, "shape-bias.png");
        var raw = Path.Combine(_dir, "raw.csv");
        var r = CliRunner.Run("shape-bias", "--weights", _checkpoint, "--stimuli", stimuli, "--json", "--plot", plot, "--raw-data-out", raw);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var json = JsonDocument.Parse(r.Stdout);
        var result = json.RootElement[0];
        Assert.Equal(12, result.GetProperty("trials").GetInt32());
        Assert.Equal(6, result.GetProperty("excluded").GetInt32());
        Assert.True(result.GetProperty("shape_decisions").GetInt32() + result.GetProperty("texture_decisions").GetInt32() > 0);
        var decisions = File.ReadAllLines(raw).Skip(1).Select(l => l.Split(',')[4]).ToList();
        Assert.All(decisions, d => Assert.Contains(d, ColourFolders.Classes));
        using (var figure = SKBitmap.Decode(plot)) Assert.True(figure.Height < 60 + 5 * 26 + 70, $"3 category rows, not 16 (height {figure.Height})");

        // accuracy16 decides among the network's classes too, with its preprocessing: the same as evaluate.
        var accuracy = CliRunner.Run("accuracy16", "--weights", _checkpoint, "--stimuli", _data, "--json");
        Assert.Equal(0, accuracy.ExitCode);
        using var acc = JsonDocument.Parse(accuracy.Stdout);
        Assert.Equal(ColourFolders.Classes, acc.RootElement.GetProperty("categories").EnumerateArray().Select(e => e.GetString()));
        var evaluate = CliRunner.Run("evaluate", "--weights", _checkpoint, "--data", _data, "--json");
        using var ev = JsonDocument.Parse(evaluate.Stdout.Trim());
        Assert.Equal(ev.RootElement.GetProperty("top1").GetDouble(), 100 * acc.RootElement.GetProperty("accuracy").GetDouble(), 6);
    }

    [Fact]
    public void AShapeBiasWithoutShapeOrTextureDecisionsIsAnError()
    {
        var raw = Path.Combine(_dir, "undecided.csv");
        File.WriteAllText(raw, "subj,session,trial,rt,object_response,category,condition,imagename\n" +
            string.Concat(Enumerable.Range(1, 4).Select(i => $"m,session-1,{i},NaN,knife,cat,0,cat{i}-dog{i}.png\n")));
        var r = CliRunner.Run("shape-bias", "--raw-data", raw);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("undecided.csv: not one of the 4 cue-conflict decisions was the shape's or the texture's category (decided: knife 4)", r.Stderr);
        Assert.DoesNotContain("NaN", r.Stdout);

        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(Path.Combine(empty, "blue"));
        var none = CliRunner.Run("shape-bias", "--weights", _checkpoint, "--stimuli", empty);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("no trials", none.Stderr);
    }
}
