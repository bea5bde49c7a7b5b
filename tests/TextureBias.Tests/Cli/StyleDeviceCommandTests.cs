using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Models.Serialization;
using TextureBias.Style;
using TorchSharp;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>
/// --device on the style commands (stylize, train-decoder, texturize, style-transfer,
/// cue-conflict, bench stylize and texturize) and --amp on stylize and train-decoder: CUDA asked
/// for on a machine without it is one line and exit code 2 before any work, an unknown precision
/// too, and stylize --amp bf16 --device cpu writes the library's bf16 result.
/// </summary>
public class StyleDeviceCommandTests : TempDirTest
{
    private const string NoCuda = "CUDA is not available (this build uses TorchSharp-cpu; see README 'GPUs')";

    private string[] Args(string command)
    {
        string Folder(string name) => Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        string image = Path.Combine(_dir, "image.png");
        if (!File.Exists(image)) TestImages.WritePng(image, new RgbImage(20, 20, new byte[20 * 20 * 3]));
        string vgg = Path.Combine(_dir, "missing-vgg.pth"); // never read: the device is checked first
        return command switch
        {
            "stylize" => new[] { "stylize", "--vgg", vgg, "--decoder", vgg, "--content", image, "--style", image, "--out", Path.Combine(_dir, "out.png") },
            "stylize-dataset" => new[] { "stylize", "--vgg", vgg, "--decoder", vgg, "--content-dir", Folder("c"), "--style-dir", Folder("s"), "--out-dir", Path.Combine(_dir, "o") },
            "train-decoder" => new[] { "train-decoder", "--vgg", vgg, "--content-dir", Folder("c"), "--style-dir", Folder("s"), "--out", Path.Combine(_dir, "o") },
            "texturize" => new[] { "texturize", "--vgg", vgg, "--image", image, "--out", Path.Combine(_dir, "out.png") },
            "style-transfer" => new[] { "style-transfer", "--vgg", vgg, "--content", image, "--style", image, "--out", Path.Combine(_dir, "out.png") },
            "cue-conflict" => new[] { "cue-conflict", "--vgg", vgg, "--shapes", Folder("c"), "--textures", Folder("s"), "--out-dir", Path.Combine(_dir, "o") },
            "bench-stylize" => new[] { "bench", "stylize" },
            "bench-texturize" => new[] { "bench", "texturize" },
            _ => throw new ArgumentException(command),
        };
    }

    [Theory]
    [InlineData("stylize")]
    [InlineData("stylize-dataset")]
    [InlineData("train-decoder")]
    [InlineData("texturize")]
    [InlineData("style-transfer")]
    [InlineData("cue-conflict")]
    [InlineData("bench-stylize")]
    [InlineData("bench-texturize")]
    public void CUDA_without_CUDA_is_one_line_and_exit_code_2(string command)
    {
        Assert.False(torch.cuda.is_available(), "this test is for machines without CUDA");
        CliRunner.AssertOneLineError(CliRunner.Run(Args(command).Concat(new[] { "--device", "cuda" }).ToArray()), $"--device cuda: {NoCuda}");
        CliRunner.AssertOneLineError(CliRunner.Run(Args(command).Concat(new[] { "--device", "cuda:1" }).ToArray()), $"--device cuda:1: {NoCuda}");
        CliRunner.AssertOneLineError(CliRunner.Run(Args(command).Concat(new[] { "--device", "gpu" }).ToArray()), "--device gpu: not a device (cpu, cuda, cuda:N or auto)");
        Assert.False(Directory.Exists(Path.Combine(_dir, "o")), "nothing was made");
        Assert.False(File.Exists(Path.Combine(_dir, "out.png")), "nothing was written");
    }

    [Theory]
    [InlineData("stylize")]
    [InlineData("stylize-dataset")]
    [InlineData("train-decoder")]
    [InlineData("bench-stylize")]
    public void An_unknown_precision_is_one_line_and_exit_code_2(string command) =>
        CliRunner.AssertOneLineError(CliRunner.Run(Args(command).Concat(new[] { "--amp", "fp8" }).ToArray()), "--amp fp8: not a precision (bf16 or fp16; leave it out for float32)");

    [Fact]
    public void Stylize_with_bf16_on_the_CPU_writes_the_librarys_bf16_result()
    {
        var vgg = Path.Combine(_dir, "vgg.safetensors");
        var dec = Path.Combine(_dir, "decoder.safetensors");
        using (var transfer = TextureBias.Tests.Style.StyleMixedPrecisionTests.Visible())
        {
            ModelWeights.Save(transfer.Encoder, vgg);
            ModelWeights.Save(transfer.Decoder, dec);
        }
        var photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        var content = Path.Combine(_dir, "content.png");
        var style = Path.Combine(_dir, "style.png");
        TestImages.WritePng(content, Preprocessing.CropRegion(photo, 0, 0, 36, 28));
        TestImages.WritePng(style, Preprocessing.CropRegion(photo, 200, 100, 24, 24));
        var output = Path.Combine(_dir, "bf16.png");
        var r = CliRunner.Run("stylize", "--vgg", vgg, "--decoder", dec, "--content", content, "--style", style,
            "--content-size", "0", "--style-size", "0", "--device", "cpu", "--amp", "bf16", "--out", output);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(0, r.ExitCode);

        var options = new StyleOptions { ContentSize = 0, StyleSize = 0 };
        using var bf16 = StyleTransfer.Load(vgg, dec, Devices.Cpu, Precision.BFloat16);
        using var fp32 = StyleTransfer.Load(vgg, dec);
        var expected = bf16.Stylize(ImageDecoder.Decode(content), new[] { ImageDecoder.Decode(style) }, options);
        var plain = fp32.Stylize(ImageDecoder.Decode(content), new[] { ImageDecoder.Decode(style) }, options);
        Assert.Equal(expected.Pixels, ImageDecoder.Decode(output).Pixels);
        Assert.NotEqual(plain.Pixels, expected.Pixels); // --amp reached the networks
    }
}
