using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models.Serialization;
using TextureBias.Style;
using Xunit;

namespace TextureBias.Tests.Cli;

public class TexturizeCommandTests : TempDirTest
{
    private string Vgg()
    {
        string path = Path.Combine(_dir, "vgg_normalised.pth");
        using var encoder = TextureBias.Tests.Style.ScaledVgg.Create(4);
        ModelWeights.Save(encoder, path, legacy: true);
        return path;
    }

    private string Image(string relative, int seed, int size = 40)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var rng = new Random(seed);
        var px = new byte[size * size * 3];
        rng.NextBytes(px);
        TestImages.WritePng(path, new RgbImage(size, size, px));
        return path;
    }

    [Fact]
    public void TexturizesAnImageAndAFolderResumably()
    {
        string vgg = Vgg();
        string source = Image("cat.png", 1);
        string output = Path.Combine(_dir, "cat-texture.png");
        string curve = Path.Combine(_dir, "losses.csv");
        var r = CliRunner.Run("texturize", "--vgg", vgg, "--image", source, "--out", output, "--size", "32", "--iters", "6", "--layers", "relu1_1,relu2_1", "--losses", curve);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var losses = File.ReadAllLines(curve).Skip(1).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(losses.Count >= 6 && losses[^1] < losses[0], string.Join(" ", losses));
        Assert.Equal((32, 32), (ImageDecoder.Decode(output).Width, ImageDecoder.Decode(output).Height));
        Assert.Contains("loss", r.Stdout);

        Image("data/a/1.png", 2);
        Image("data/b/2.png", 3);
        File.WriteAllText(Path.Combine(_dir, "data", "b", "broken.png"), "not an image");
        string outDir = Path.Combine(_dir, "textures");
        var folder = CliRunner.Run("texturize", "--vgg", vgg, "--data", Path.Combine(_dir, "data"), "--out-dir", outDir, "--size", "32", "--iters", "2");
        CliRunner.AssertNoStackTrace(folder);
        Assert.Equal(1, folder.ExitCode); // one input skipped
        Assert.Contains("broken.png", folder.Stderr);
        Assert.True(File.Exists(Path.Combine(outDir, "a", "1.png")) && File.Exists(Path.Combine(outDir, "b", "2.png")));
        Assert.Contains("texturised 2 images, 0 already done, 1 skipped", folder.Stdout);
        var again = CliRunner.Run("texturize", "--vgg", vgg, "--data", Path.Combine(_dir, "data"), "--out-dir", outDir, "--size", "32", "--iters", "2");
        Assert.Contains("texturised 0 images, 2 already done", again.Stdout);

        var badLayer = CliRunner.Run("texturize", "--vgg", vgg, "--image", source, "--out", output, "--layers", "relu7_1");
        Assert.Equal(2, badLayer.ExitCode);
        Assert.Contains("relu7_1", badLayer.Stderr);
        var badWeights = CliRunner.Run("texturize", "--vgg", source, "--image", source, "--out", output);
        Assert.Equal(2, badWeights.ExitCode);
        CliRunner.AssertNoStackTrace(badWeights);
    }

    [Fact]
    public void StyleTransferAndCueConflictStimuliThatShapeBiasReads()
    {
        string vgg = Vgg();
        string content = Image("content.png", 5);
        string style = Image("style.png", 6, size: 24);
        string output = Path.Combine(_dir, "out.png");
        var r = CliRunner.Run("style-transfer", "--vgg", vgg, "--content", content, "--style", style, "--out", output, "--size", "0", "--iters", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(40, ImageDecoder.Decode(output).Width);

        foreach (var (category, n) in new[] { ("cat", 2), ("dog", 1) })
            for (int i = 0; i < n; i++) Image($"shapes/{category}/{category}-{i}.png", 10 + i, size: 24);
        foreach (var category in new[] { "cat", "dog", "elephant" }) Image($"textures/{category}/t.png", category.Length, size: 24);
        string outDir = Path.Combine(_dir, "cue");
        var made = CliRunner.Run("cue-conflict", "--vgg", vgg, "--shapes", Path.Combine(_dir, "shapes"), "--textures", Path.Combine(_dir, "textures"),
            "--out-dir", outDir, "--size", "0", "--iters", "2");
        Assert.True(made.ExitCode == 0, made.Stderr);
        // Each shape image with the texture of every other category: cat1, cat2 × dog, elephant; dog1 × cat, elephant.
        var files = Directory.GetFiles(outDir, "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(outDir, f).Replace('\\', '/')).Order().ToList();
        Assert.Equal(new[] { "cat/cat1-dog1.png", "cat/cat1-elephant1.png", "cat/cat2-dog1.png", "cat/cat2-elephant1.png", "dog/dog1-cat1.png", "dog/dog1-elephant1.png" }, files);
        foreach (var f in files)
        {
            var (shape, texture) = (f.Split('/')[0], ShapeBias.TextureOf(f));
            Assert.NotEqual(shape, texture);
            Assert.Contains(texture, new[] { "cat", "dog", "elephant" });
        }
        Assert.Equal(6, CueConflictStimuli.Plan(Path.Combine(_dir, "shapes"), Path.Combine(_dir, "textures")).Count);
        var again = CliRunner.Run("cue-conflict", "--vgg", vgg, "--shapes", Path.Combine(_dir, "shapes"), "--textures", Path.Combine(_dir, "textures"),
            "--out-dir", outDir, "--size", "0", "--iters", "2");
        Assert.Contains("made 0 stimuli, 6 already there", again.Stdout);
    }
}
