using System.Text.Json;
using TextureBias.Models.Serialization;
using TextureBias.Tests.Evaluation;
using Xunit;

namespace TextureBias.Tests.Cli;

public class CorrelateCommandTests : TempDirTest
{
    static readonly string[] Names = Enumerable.Range(0, 8).Select(i => $"c{i}").ToArray();

    [Fact]
    public void PerClassAccuracyGoesToJsonCsvAndTheScatterPlot()
    {
        var root = ClassAccuracyComparisonTests.MakeFolder(Path.Combine(_dir, "data"));
        string fileA = Path.Combine(_dir, "a.pth"), fileB = Path.Combine(_dir, "b.pth");
        using (var a = ClassAccuracyComparisonTests.ConstantModel(Names)) ModelWeights.SaveCheckpoint(a, fileA);
        using (var b = ClassAccuracyComparisonTests.ConstantModel(Names.Reverse().ToArray())) ModelWeights.SaveCheckpoint(b, fileB);
        string csv = Path.Combine(_dir, "out", "per-class.csv"), png = Path.Combine(_dir, "out", "scatter.png");
        var r = CliRunner.Run("correlate", "--weights-a", fileA, "--weights-b", fileB, "--data", root, "--resize", "0", "--crop", "0",
            "--json", "--scatter", png, "--per-class-out", csv);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout.Trim());
        Assert.Equal(16, doc.RootElement.GetProperty("images").GetInt32()); // 15 in class folders and the stray one
        var per = doc.RootElement.GetProperty("per_class");
        Assert.Equal(8, per.GetProperty("classes").GetInt32());
        Assert.Equal(15, per.GetProperty("images").GetInt32());
        Assert.Equal(-0.6, per.GetProperty("top5_r").GetDouble(), 6);
        Assert.Equal(-1.0 / 7, per.GetProperty("top1_r").GetDouble(), 6);
        var rows = per.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(1.0, rows[7].GetProperty("top1_a").GetDouble());
        Assert.Equal(0.0, rows[7].GetProperty("top5_b").GetDouble());
        var lines = File.ReadAllLines(csv);
        Assert.Equal("class,index_a,index_b,images,top1_a,top5_a,top1_b,top5_b", lines[0]);
        Assert.Equal("c0,0,7,1,0,0,1,1", lines[1]);
        Assert.Equal("c7,7,0,2,1,1,0,0", lines[8]);
        Assert.True(new FileInfo(png).Length > 2000);

        var text = CliRunner.Run("correlate", "--weights-a", fileA, "--weights-b", fileB, "--data", root, "--resize", "0", "--crop", "0");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("r across classes -0.143", text.Stdout);
        Assert.Contains("r -0.600", text.Stdout);
    }

    [Fact]
    public void PerClassOutputsNeedClassesBothModelsKnow()
    {
        var root = ClassAccuracyComparisonTests.MakeFolder(Path.Combine(_dir, "data"));
        string fileA = Path.Combine(_dir, "a.pth");
        using (var a = ClassAccuracyComparisonTests.ConstantModel(Names)) ModelWeights.SaveCheckpoint(a, fileA);
        var r = CliRunner.Run("correlate", "--weights-a", fileA, "--arch-b", "bagnet9", "--data", root, "--resize", "0", "--crop", "0",
            "--scatter", Path.Combine(_dir, "s.png"));
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("are not classes bagnet9 knows", r.Stderr);
        Assert.False(File.Exists(Path.Combine(_dir, "s.png")));
    }
}
