using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Cli;

/// <summary>
/// --device on attribute, mask, interactions, compare-bagnet and their benchmarks: CUDA asked for on a machine without it is
/// one line and exit code 2 before any work; on the CPU the option changes nothing.
/// </summary>
public class ComparisonDeviceCommandTests : TempDirTest
{
    readonly string _data, _image, _weights;

    public ComparisonDeviceCommandTests()
    {
        _data = TestImages.RandomFolder(Path.Combine(_dir, "data"), ["n01440764"], 1, 32, seed: 31);
        _image = Directory.GetFiles(_data, "*.png", SearchOption.AllDirectories).Single();
        _weights = Path.Combine(_dir, "r.pth");
        manual_seed(32);
        using var model = Architectures.Create("resnet18", 10, 8);
        ModelWeights.Save(model, _weights);
    }

    [Theory]
    [InlineData("attribute")]
    [InlineData("mask")]
    [InlineData("interactions")]
    [InlineData("compare-bagnet")]
    [InlineData("bench attribute")]
    [InlineData("bench mask")]
    [InlineData("bench interactions")]
    public void CUDA_without_CUDA_is_one_line_and_exit_code_2(string command)
    {
        Assert.False(cuda.is_available(), "this test is for machines without CUDA");
        var args = command.Split(' ').Concat(command switch
        {
            "attribute" => new[] { "--arch", "resnet18", "--weights", _weights, "--image", _image, "--out", Path.Combine(_dir, "a.png") },
            "mask" => new[] { "--arch", "resnet18", "--models", _weights, "--data", _data },
            "interactions" => new[] { "--arch", "resnet18", "--data", _data },
            "compare-bagnet" => new[] { "--bagnet", "bagnet9", "--models", _weights, "--data", _data, "--out", Path.Combine(_dir, "cmp") },
            "bench interactions" => new[] { "--arch", "resnet18" },
            _ => Array.Empty<string>(),
        }).Concat(new[] { "--device", "cuda" }).ToArray();
        var r = CliRunner.Run(args);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("texturebias: --device cuda: CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')", r.Stderr.TrimEnd('\n'));
        Assert.False(Directory.Exists(Path.Combine(_dir, "cmp")), "nothing was written");
    }

    [Fact]
    public void Attribute_on_the_CPU_writes_the_same_maps_with_and_without_the_option()
    {
        var maps = new List<float[]>();
        foreach (var device in new[] { null, "cpu" })
        {
            string npy = Path.Combine(_dir, $"maps-{device ?? "default"}.npy");
            var args = new List<string> { "attribute", "--arch", "resnet18", "--weights", _weights, "--image", _image, "--method", "integrated-gradients", "--steps", "3",
                "--class", "4", "--resize", "0", "--crop", "0", "--out", Path.Combine(_dir, $"{device ?? "default"}.png"), "--npy", npy };
            if (device is not null) args.AddRange(["--device", device]);
            var r = CliRunner.Run(args.ToArray());
            CliRunner.AssertNoStackTrace(r);
            Assert.Equal(0, r.ExitCode);
            using var saved = Npy.Load(npy);
            Assert.Equal(new long[] { 32, 32 }, saved.shape);
            maps.Add(saved.data<float>().ToArray());
        }
        Assert.Contains(maps[0], v => v != 0);
        Assert.Equal(maps[0], maps[1]);
    }
}
