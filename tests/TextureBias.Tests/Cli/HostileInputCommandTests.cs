using TextureBias.Imaging;
using TextureBias.Models.Serialization;
using TextureBias.Style;
using Xunit;

namespace TextureBias.Tests.Cli;

/// <summary>Folder jobs given odd names, too small images and too small sizes: one line per problem, never a stack trace.</summary>
public class HostileInputCommandTests : TempDirTest
{
    private string Image(string relative, int width, int height, int seed)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var px = new byte[width * height * 3];
        new Random(seed).NextBytes(px);
        TestImages.WritePng(path, new RgbImage(width, height, px));
        return path;
    }

    private string Vgg()
    {
        string path = Path.Combine(_dir, "vgg.pth");
        using var encoder = TextureBias.Tests.Style.ScaledVgg.Create(4);
        ModelWeights.Save(encoder, path, legacy: true);
        return path;
    }

    [Fact]
    public void TexturizeRefusesATooSmallSizeAndSkipsATooSmallImage()
    {
        string vgg = Vgg();
        Image("data/a/small.png", 16, 12, 1);
        Image("data/b/fine.png", 24, 20, 2);
        string outDir = Path.Combine(_dir, "textures");
        var refused = CliRunner.Run("texturize", "--vgg", vgg, "--data", Path.Combine(_dir, "data"), "--out-dir", outDir, "--size", "16", "--iters", "1");
        CliRunner.AssertNoStackTrace(refused);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("texturebias: --size 16 is too small: VGG-19 needs at least 17 pixels to reach relu5_1 (use --size 17 or more, 0 to keep each image's size, or shallower --layers)",
            refused.Stderr.Trim());
        Assert.False(Directory.Exists(outDir)); // before any work

        var folder = CliRunner.Run("texturize", "--vgg", vgg, "--data", Path.Combine(_dir, "data"), "--out-dir", outDir, "--size", "0", "--iters", "1");
        CliRunner.AssertNoStackTrace(folder);
        Assert.Equal(1, folder.ExitCode);
        Assert.Contains($"texturebias: skipped {Path.Combine(_dir, "data", "a", "small.png")}: image is 16x12, smaller than the 17 pixels VGG-19 needs up to relu5_1", folder.Stderr);
        Assert.Contains("texturised 1 images, 0 already done, 1 skipped", folder.Stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "b", "fine.png")));

        var single = CliRunner.Run("texturize", "--vgg", vgg, "--image", Path.Combine(_dir, "data", "a", "small.png"), "--out", Path.Combine(_dir, "t.png"), "--size", "0", "--iters", "1");
        CliRunner.AssertNoStackTrace(single);
        Assert.Equal(2, single.ExitCode);
        Assert.Contains("small.png: image is 16x12, smaller than the 17 pixels", single.Stderr);
    }

    [Fact]
    public void StyleTransferAndTrainDecoderRefuseTooSmallSizesAndImages()
    {
        string vgg = Vgg();
        string content = Image("content.png", 12, 30, 3);
        string style = Image("style.png", 30, 30, 4);
        var runs = new (string[] Args, string Says)[]
        {
            (new[] { "style-transfer", "--vgg", vgg, "--content", style, "--style", style, "--out", Path.Combine(_dir, "o.png"), "--size", "16" }, "--size 16 is too small"),
            (new[] { "style-transfer", "--vgg", vgg, "--content", content, "--style", style, "--out", Path.Combine(_dir, "o.png"), "--size", "0", "--iters", "1" },
                $"{content}: image is 12x30, smaller than the 17 pixels"),
            (new[] { "cue-conflict", "--vgg", vgg, "--shapes", _dir, "--textures", _dir, "--out-dir", Path.Combine(_dir, "cue"), "--size", "8" }, "--size 8 is too small"),
            (new[] { "train-decoder", "--vgg", vgg, "--content-dir", _dir, "--style-dir", _dir, "--out", Path.Combine(_dir, "run"), "--crop", "8", "--resize", "16" }, "--crop 8 is too small"),
        };
        foreach (var (args, says) in runs)
        {
            var r = CliRunner.Run(args);
            CliRunner.AssertNoStackTrace(r);
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', args)}: {r.Stderr}");
            Assert.Contains(says, r.Stderr);
        }
        Assert.False(File.Exists(Path.Combine(_dir, "o.png")) || Directory.Exists(Path.Combine(_dir, "cue")) || Directory.Exists(Path.Combine(_dir, "run")));
    }

    [Fact]
    public void StylizeSkipsOddAndTooSmallInputsOfADatasetAndRefusesTooSmallSizes()
    {
        var vgg = Path.Combine(_dir, "vgg-random.pth");
        var dec = Path.Combine(_dir, "dec-random.pth");
        using (var encoder = new VggEncoder()) ModelWeights.Save(encoder, vgg);
        using (var decoder = new AdaInDecoder()) ModelWeights.Save(decoder, dec);
        Image("c/cats/a.png", 40, 32, 1);
        Image("c/cats/tiny.png", 8, 8, 2);
        Image("c/cats/a.jpg.png", 40, 32, 3);
        TestImages.WriteJpeg(Path.Combine(_dir, "c", "cats", "a.jpg"), new RgbImage(40, 32, new byte[40 * 32 * 3])); // a-stylized-paint.png too with --format png
        Image("s/paint.png", 60, 48, 4);
        string outDir = Path.Combine(_dir, "out");
        string[] dataset = { "stylize", "--vgg", vgg, "--decoder", dec, "--content-dir", Path.Combine(_dir, "c"), "--style-dir", Path.Combine(_dir, "s"),
            "--out-dir", outDir, "--recipe", "stylize-datasets", "--style-size", "0", "--format", "png" };
        var r = CliRunner.Run(dataset);
        CliRunner.AssertNoStackTrace(r);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("2 images written, 0 already there, 2 skipped", r.Stderr);
        Assert.Contains($"skipped {Path.Combine(_dir, "c", "cats", "a.png")}: its output cats/a-stylized-paint.png is already that of {Path.Combine(_dir, "c", "cats", "a.jpg")}", r.Stderr);
        Assert.Contains($"skipped {Path.Combine(_dir, "c", "cats", "tiny.png")}: image is 8x8 after preprocessing, smaller than the 9 pixels", r.Stderr);
        Assert.True(File.Exists(Path.Combine(outDir, "cats", "a-stylized-paint.png")) && File.Exists(Path.Combine(outDir, "cats", "a.jpg-stylized-paint.png")));

        foreach (var (args, says) in new (string[], string)[]
        {
            (dataset.Concat(new[] { "--content-size", "8" }).ToArray(), "--content-size 8 is too small"),
            (new[] { "stylize", "--vgg", vgg, "--decoder", dec, "--content", Path.Combine(_dir, "c", "cats", "tiny.png"), "--style", Path.Combine(_dir, "s", "paint.png"),
                "--out", Path.Combine(_dir, "one.png"), "--content-size", "0" }, $"{Path.Combine(_dir, "c", "cats", "tiny.png")}: image is 8x8, smaller than the 9 pixels"),
            (new[] { "stylize", "--vgg", vgg, "--decoder", dec, "--content", Path.Combine(_dir, "c", "cats", "a.png"), "--style", Path.Combine(_dir, "s", "paint.png"),
                "--out", Path.Combine(_dir, "one.png"), "--style-size", "5" }, "--style-size 5 is too small"),
        })
        {
            var refused = CliRunner.Run(args);
            CliRunner.AssertNoStackTrace(refused);
            Assert.True(refused.ExitCode == 2, refused.Stderr);
            Assert.Contains(says, refused.Stderr);
        }
        Assert.False(File.Exists(Path.Combine(_dir, "one.png")));
    }
}
