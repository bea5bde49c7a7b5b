using System.Text.Json;
using TextureBias.Imaging;
using Xunit;

namespace TextureBias.Tests.Cli;

public class EvaluateCommandTests : TempDirTest
{
    [Fact]
    public void EvaluatePrintsJsonAndWritesPerClassCsv()
    {
        var rng = new Random(5);
        foreach (var c in new[] { "cats", "dogs" })
            for (int i = 0; i < 2; i++)
            {
                var px = new byte[48 * 48 * 3];
                rng.NextBytes(px);
                TestImages.WritePng(Path.Combine(_dir, "data", c, $"{i}.png"), new RgbImage(48, 48, px));
            }
        var csv = Path.Combine(_dir, "per-class.csv");
        var r = CliRunner.Run("evaluate", "--arch", "resnet18", "--num-classes", "2", "--data", Path.Combine(_dir, "data"),
            "--resize", "0", "--crop", "0", "--json", "--csv", csv);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout.Trim());
        Assert.Equal(4, doc.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("classes").GetInt32());
        Assert.Equal(100.0, doc.RootElement.GetProperty("top5").GetDouble());
        var lines = File.ReadAllLines(csv);
        Assert.Equal("class,index,images,top1,top5", lines[0]);
        Assert.StartsWith("cats,0,2,", lines[1]);
        Assert.StartsWith("dogs,1,2,", lines[2]);

        var tooMany = CliRunner.Run("evaluate", "--arch", "resnet18", "--num-classes", "1", "--data", Path.Combine(_dir, "data"));
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("the data has 2 classes, the model only 1 outputs", tooMany.Stderr);
    }
}

public class BenchTrainCommandTests
{
    [Fact]
    public void BenchTrainPrintsOneJsonLine()
    {
        var r = CliRunner.Run("bench", "train", "--arch", "resnet18", "--batch", "2", "--size", "32", "--steps", "1");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout.Trim());
        var o = doc.RootElement;
        Assert.Equal("resnet18", o.GetProperty("arch").GetString());
        Assert.True(o.GetProperty("in_memory_images_per_s").GetDouble() > 0);
        Assert.True(o.GetProperty("end_to_end_images_per_s").GetDouble() > 0);
        Assert.Equal(o.GetProperty("end_to_end_images_per_s").GetDouble() / o.GetProperty("in_memory_images_per_s").GetDouble(),
            o.GetProperty("end_to_end_fraction").GetDouble(), 6);
    }
}
