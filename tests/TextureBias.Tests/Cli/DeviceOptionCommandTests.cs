using TextureBias.Data;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TorchSharp;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>
/// --device on classify and evaluate: cpu is exactly today's run (the default, auto, is the CPU
/// here), CUDA asked for on a machine without it is one line and exit code 2, other text is refused.
/// </summary>
public class DeviceOptionCommandTests : TempDirTest
{
    private readonly string _data;
    private readonly string _weights;

    public DeviceOptionCommandTests()
    {
        _data = TestImages.RandomFolder(Path.Combine(_dir, "data"), new[] { "cats", "dogs" }, 2, 48, seed: 17);
        _weights = Path.Combine(_dir, "bagnet9.safetensors");
        using var model = Architectures.Create("bagnet9", 2);
        ModelWeights.Save(model, _weights);
    }

    [Theory]
    [InlineData("classify")]
    [InlineData("evaluate")]
    [InlineData("consistency")]
    public void CUDA_without_CUDA_is_one_line_and_exit_code_2(string command)
    {
        Assert.False(torch.cuda.is_available(), "this test is for machines without CUDA");
        string[] args = command switch
        {
            "classify" => new[] { "classify", "--weights", _weights, "--device", "cuda", _data },
            "consistency" => new[] { "consistency", "--weights", _weights + "," + _weights, "--data", _data, "--device", "cuda" },
            _ => new[] { "evaluate", "--weights", _weights, "--data", _data, "--device", "cuda" },
        };
        CliRunner.AssertOneLineError(CliRunner.Run(args), "--device cuda: CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')");
        args[Array.IndexOf(args, "cuda")] = "cuda:1";
        CliRunner.AssertOneLineError(CliRunner.Run(args), "--device cuda:1: CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')");
    }

    [Fact]
    public void Other_devices_are_refused_and_meta_is_no_user_feature()
    {
        CliRunner.AssertOneLineError(CliRunner.Run("classify", "--weights", _weights, "--device", "gpu", _data),
            "--device gpu: not a device (cpu, cuda, cuda:N or auto)");
        CliRunner.AssertOneLineError(CliRunner.Run("evaluate", "--weights", _weights, "--data", _data, "--device", "meta"),
            "--device meta: not a device (cpu, cuda, cuda:N or auto)");
    }

    [Fact]
    public void Classify_on_the_CPU_writes_the_same_logits_with_and_without_the_option()
    {
        var outputs = new List<byte[]>();
        foreach (var device in new[] { null, "cpu", "auto" })
        {
            var npy = Path.Combine(_dir, $"logits-{device ?? "default"}.npy");
            var args = new List<string> { "classify", "--weights", _weights, "--resize", "0", "--crop", "0", "--batch", "3", "--logits-out", npy, "--json" };
            if (device is not null) args.AddRange(new[] { "--device", device });
            args.Add(_data);
            var r = CliRunner.Run(args.ToArray());
            CliRunner.AssertNoStackTrace(r);
            Assert.Equal(0, r.ExitCode);
            outputs.Add(File.ReadAllBytes(npy));
        }
        Assert.All(outputs, o => Assert.Equal(outputs[0], o));

        // And the library's, with the CPU given as the device and without.
        using var model = Architectures.Create("bagnet9", 2);
        ModelWeights.Load(model, _weights);
        var files = ImageFiles.Find(new[] { _data });
        var plain = new TextureBias.Evaluation.Classifier(model, new Preprocessing(0, 0), batchSize: 3).Classify(files).ToList();
        var onCpu = new TextureBias.Evaluation.Classifier(model, new Preprocessing(0, 0), batchSize: 3, device: Devices.Cpu).Classify(files).ToList();
        Assert.Equal(4, plain.Count);
        for (int i = 0; i < plain.Count; i++) Assert.Equal(plain[i].Logits, onCpu[i].Logits);
        using var logits = Npy.Load(Path.Combine(_dir, "logits-cpu.npy"));
        for (int i = 0; i < plain.Count; i++) Assert.Equal(plain[i].Logits, logits[i].data<float>().ToArray());
    }

    [Fact]
    public void Evaluate_on_the_CPU_prints_the_same_with_and_without_the_option()
    {
        var plain = CliRunner.Run("evaluate", "--weights", _weights, "--data", _data, "--resize", "0", "--crop", "0", "--json");
        var onCpu = CliRunner.Run("evaluate", "--weights", _weights, "--data", _data, "--resize", "0", "--crop", "0", "--json", "--device", "cpu");
        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(0, onCpu.ExitCode);
        Assert.Contains("\"images\":4", plain.Stdout);
        Assert.Equal(plain.Stdout, onCpu.Stdout);
    }
}
