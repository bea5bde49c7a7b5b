using System.Text.Json;
using Xunit;

namespace TextureBias.Tests.Cli;

public class ShapeBiasCommandTests : TempDirTest
{
    [Fact]
    public void ModelOnTheSharedCueConflictSampleAndItsRawDataAgree()
    {
        var raw = Path.Combine(_dir, "resnet18.csv");
        var r = CliRunner.Run("shape-bias", "--arch", "resnet18", "--stimuli", Fixture.Stimuli("cue-conflict-sample"), "--raw-data-out", raw, "--json");
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);
        using var model = JsonDocument.Parse(r.Stdout);
        var m = model.RootElement[0];
        Assert.Equal(48, m.GetProperty("trials").GetInt32()); // 64 images, 16 with texture = shape
        Assert.Equal(16, m.GetProperty("excluded").GetInt32());
        Assert.Equal(65, File.ReadAllLines(raw).Length);

        var again = CliRunner.Run("shape-bias", "--raw-data", raw, raw, "--json");
        Assert.Equal(0, again.ExitCode);
        using var files = JsonDocument.Parse(again.Stdout);
        Assert.Equal(3, files.RootElement.GetArrayLength()); // two files and the pooled row
        Assert.Equal(m.GetProperty("shape_decisions").GetInt32(), files.RootElement[0].GetProperty("shape_decisions").GetInt32());
        Assert.Equal(2 * m.GetProperty("texture_decisions").GetInt32(), files.RootElement[2].GetProperty("texture_decisions").GetInt32());

        var neither = CliRunner.Run("shape-bias", "--arch", "resnet18");
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("give --weights or --arch (or --onnx) and --stimuli", neither.Stderr);
    }
}
