using System.Text.RegularExpressions;
using Xunit;

namespace TextureBias.Tests.Cli;

public class DemoCommandTests : TempDirTest
{
    [Fact]
    public void DemoPrintsTheTableAndWritesTheReport()
    {
        string run = Path.Combine(_dir, "demo");
        var r = CliRunner.Run("demo", "--quick", "--out", run, "--train-per-class", "3", "--test-per-class", "7", "--epochs", "1", "--image-size", "32");
        CliRunner.AssertNoStackTrace(r);
        Assert.True(r.ExitCode == 0, r.Stderr);
        foreach (var model in new[] { "ResNet-18  natural", "ResNet-18  stylized", "BagNet-9   natural", "BagNet-9   stylized" })
            Assert.Matches(Regex.Escape(model) + @"\s+\d+\.\d%", r.Stdout);
        Assert.Contains("shape bias", r.Stdout);
        Assert.Matches("This run (reproduced|did not reproduce)", r.Stdout);
        Assert.Contains("Report: " + Path.Combine(run, "report.html"), r.Stdout);
        Assert.Contains("<table>", File.ReadAllText(Path.Combine(run, "report.html")));

        // Running it again reuses everything (the device is no setting of the results); other settings are refused in one line.
        var again = CliRunner.Run("demo", "--quick", "--out", run, "--train-per-class", "3", "--test-per-class", "7", "--epochs", "1", "--image-size", "32", "--device", "cpu");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(r.Stdout.Split('\n').Take(6), again.Stdout.Split('\n').Take(6));
        Assert.Contains("(reused)", again.Stderr);
        var other = CliRunner.Run("demo", "--quick", "--out", run, "--epochs", "2", "--image-size", "32");
        Assert.Equal(2, other.ExitCode);
        CliRunner.AssertNoStackTrace(other);
        Assert.Contains("other settings", other.Stderr);
        var half = CliRunner.Run("demo", "--out", Path.Combine(_dir, "x"), "--vgg", "v.pth");
        Assert.Equal(2, half.ExitCode);
        Assert.Contains("--decoder", half.Stderr);
        var cuda = CliRunner.Run("demo", "--quick", "--out", Path.Combine(_dir, "y"), "--device", "cuda");
        CliRunner.AssertNoStackTrace(cuda);
        Assert.Equal(2, cuda.ExitCode);
        Assert.Equal("texturebias: --device cuda: CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')", cuda.Stderr.TrimEnd('\n'));
        Assert.False(Directory.Exists(Path.Combine(_dir, "y")), "nothing written");
    }
}
