using TorchSharp;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>
/// --device on the evaluation and interpretation commands and on bench forward and bench heatmap:
/// CUDA asked for on a machine without it is one line and exit code 2, before any model is loaded.
/// </summary>
public class EvaluationDeviceCommandTests : TempDirTest
{
    public static TheoryData<string> Commands() => new("heatmap", "patches", "shape-bias", "accuracy16", "scramble", "correlate", "robustness", "bench forward", "bench heatmap");

    [Theory]
    [MemberData(nameof(Commands))]
    public void CUDA_without_CUDA_is_one_line_and_exit_code_2(string command)
    {
        Assert.False(torch.cuda.is_available(), "this test is for machines without CUDA");
        var data = TestImages.RandomFolder(Path.Combine(_dir, "data"), new[] { "cat", "dog" }, 1, 24, seed: 1);
        string png = Path.Combine(_dir, "out.png");
        string[] args = command switch
        {
            "heatmap" => ["heatmap", "--arch", "bagnet9", "--image", Path.Combine(data, "cat", "0.png"), "--out", png],
            "patches" => ["patches", "--arch", "bagnet9", "--data", data, "--class", "1", "--out", png],
            "shape-bias" => ["shape-bias", "--arch", "bagnet9", "--stimuli", data],
            "accuracy16" => ["accuracy16", "--arch", "bagnet9", "--stimuli", data],
            "scramble" => ["scramble", "--arch", "bagnet9", "--data", data],
            "correlate" => ["correlate", "--arch-a", "bagnet9", "--arch-b", "bagnet17", "--data", data],
            "robustness" => ["robustness", "--arch", "bagnet9", "--data", data, "--distortion", "contrast"],
            "bench forward" => ["bench", "forward", "--arch", "bagnet9"],
            _ => ["bench", "heatmap", "--arch", "bagnet9"],
        };
        var r = CliRunner.Run([.. args, "--device", "cuda"]);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("texturebias: --device cuda: CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')", r.Stderr.TrimEnd('\n'));
        Assert.False(File.Exists(png));
    }
}
