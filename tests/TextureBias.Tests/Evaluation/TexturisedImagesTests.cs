using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Style;
using TextureBias.Tests.Cli;
using Xunit;

namespace TextureBias.Tests.Evaluation;

public class TexturisedImagesTests : TempDirTest
{
    [Fact]
    public void TexturesAreMadeOnceCachedAndEvaluated()
    {
        var rng = new Random(1);
        foreach (var c in new[] { "0", "1" })
            for (int i = 0; i < 2; i++)
            {
                var px = new byte[40 * 40 * 3];
                rng.NextBytes(px);
                string path = Path.Combine(_dir, "data", c, $"{i}.png");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                TestImages.WritePng(path, new RgbImage(40, 40, px));
            }
        File.WriteAllText(Path.Combine(_dir, "data", "1", "broken.png"), "not an image");
        var folder = ImageFolder.Open(new[] { Path.Combine(_dir, "data") });
        using var model = ResNet.ResNet18(2, width: 4);
        model.eval();
        using var encoder = TextureBias.Tests.Style.ScaledVgg.Create();
        var pre = new Preprocessing(36, 32);
        var options = new TextureSynthesisOptions { Iterations = 2, Layers = new[] { "relu1_1", "relu2_1" } };
        string cache = Path.Combine(_dir, "cache");
        var failures = new List<ImageFailure>();
        var result = TexturisedImages.Evaluate(model, folder, pre, encoder, "w1", options, cache, onFailure: failures.Add);
        Assert.Equal(4, result.Images);
        Assert.Equal(1, result.Skipped);
        Assert.Single(failures);
        var files = Directory.GetFiles(cache, "*.png", SearchOption.AllDirectories);
        Assert.Equal(4, files.Length);
        Assert.All(files, f => Assert.Equal((32, 32), (ImageDecoder.Decode(f).Width, ImageDecoder.Decode(f).Height)));
        var written = files.ToDictionary(f => f, File.GetLastWriteTimeUtc);

        // A second run reuses every texture; other settings or weights get their own.
        var again = TexturisedImages.Evaluate(model, folder, pre, encoder, "w1", options, cache);
        Assert.Equal(result.Top1, again.Top1);
        Assert.All(written, kv => Assert.Equal(kv.Value, File.GetLastWriteTimeUtc(kv.Key)));
        string image = folder.Samples[0].Path;
        var key = TexturisedImages.CachePath(cache, image, pre, options with { Size = 0 }, "w1");
        Assert.Contains(key, files);
        Assert.NotEqual(key, TexturisedImages.CachePath(cache, image, pre, options with { Size = 0 }, "w2"));
        Assert.NotEqual(key, TexturisedImages.CachePath(cache, image, pre, options with { Size = 0, Iterations = 3 }, "w1"));

        var cli = CliRunner.Run("scramble", "--arch", "resnet18", "--data", Path.Combine(_dir, "data"), "--method", "texture");
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("--vgg", cli.Stderr);
    }
}
