using System.Text.Json;
using TextureBias.Models.Serialization;
using TextureBias.Tests.Training;
using TorchSharp;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>
/// --device and --amp of train and bench train: CUDA asked for on a machine without it, or an
/// unknown precision, is one line and exit code 2 before anything is written; on the CPU,
/// --amp trains and is recorded in the checkpoint.
/// </summary>
public class TrainDeviceCommandTests : TempDirTest
{
    [Fact]
    public void CUDA_without_CUDA_and_unknown_precisions_are_one_line_and_exit_code_2()
    {
        Assert.False(torch.cuda.is_available(), "this test is for machines without CUDA");
        var train = ColourFolders.Make(Path.Combine(_dir, "train"), 1, 1);
        var run = Path.Combine(_dir, "run");
        string[] Train(params string[] extra) =>
            new[] { "train", "--arch", "resnet18", "--train", train, "--out", run }.Concat(ColourFolders.TinyArguments()).Concat(extra).ToArray();
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--device", "cuda")), "--device cuda: CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')");
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--device", "cuda:1", "--amp", "fp16")), "--device cuda:1: CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')");
        CliRunner.AssertOneLineError(CliRunner.Run(Train("--amp", "int8")), "--amp int8: not a precision (bf16 or fp16; leave it out for float32)");
        Assert.False(Directory.Exists(run), "nothing was written");
        CliRunner.AssertOneLineError(CliRunner.Run("bench", "train", "--arch", "resnet18", "--batch", "2", "--size", "32", "--steps", "1", "--device", "cuda"),
            "--device cuda: CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')");
    }

    [Fact]
    public void Train_with_amp_on_the_CPU_records_the_precision()
    {
        var train = ColourFolders.Make(Path.Combine(_dir, "train"), 2, 1);
        var run = Path.Combine(_dir, "run");
        var r = CliRunner.Run(new[] { "train", "--arch", "resnet18", "--train", train, "--out", run, "--device", "cpu", "--amp", "bf16" }.Concat(ColourFolders.TinyArguments(imageSize: 24)).ToArray()); // 24: README, "Known problems"
        CliRunner.AssertNoStackTrace(r);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.StartsWith("epoch 1: ", r.Stdout);
        using var checkpoint = WeightFile.Read(Path.Combine(run, "checkpoint.pth.tar"));
        Assert.Equal("bf16", checkpoint.Metadata["texturebias_amp"]);
    }

    [Fact]
    public void Bench_train_reports_its_device_and_precision()
    {
        var r = CliRunner.Run("bench", "train", "--arch", "resnet18", "--batch", "2", "--size", "32", "--steps", "1", "--device", "cpu", "--amp", "bf16");
        CliRunner.AssertNoStackTrace(r);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(r.Stdout.Trim());
        var o = doc.RootElement;
        Assert.Equal("cpu", o.GetProperty("device").GetString());
        Assert.Equal("bf16", o.GetProperty("amp").GetString());
        Assert.True(o.GetProperty("in_memory_images_per_s").GetDouble() > 0);
        Assert.True(o.GetProperty("end_to_end_images_per_s").GetDouble() > 0);
    }
}
