using TextureBias.Imaging;
using TextureBias.Style;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

public class MinimumSizeTests : TempDirTest
{
    private static RgbImage Noise(int width, int height, int seed)
    {
        var px = new byte[width * height * 3];
        new Random(seed).NextBytes(px);
        return new RgbImage(width, height, px);
    }

    private string Write(string relative, int width, int height, int seed)
    {
        string path = Path.Combine(_dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        TestImages.WritePng(path, Noise(width, height, seed));
        return path;
    }

    /// <summary>Runs the encoder's modules 0..last one by one, as LibTorch does, without the encoder's own size check.</summary>
    private static void RunModules(VggEncoder encoder, int last, long height, long width)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = zeros(1, 3, height, width);
        foreach (var (name, module) in encoder.named_children().OrderBy(c => int.Parse(c.name)).Take(last + 1))
            x = ((TorchSharp.torch.nn.Module<Tensor, Tensor>)module).forward(x);
    }

    [Fact]
    public void TheMinimumSideIsTheNetworksRealLimitAtEveryLayer()
    {
        using var encoder = new VggEncoder();
        encoder.eval();
        var expected = new Dictionary<string, int> { ["relu1_1"] = 2, ["relu2_1"] = 3, ["relu3_1"] = 5, ["relu4_1"] = 9, ["relu4_2"] = 9, ["relu5_1"] = 17, ["relu5_4"] = 17 };
        foreach (var (name, side) in expected) Assert.Equal(side, VggEncoder.MinimumSide(VggEncoder.ReluIndex[name]));
        Assert.Equal(9, StyleTransfer.MinimumSide);
        Assert.Equal(17, TextureSynthesis.MinimumSide(TextureSynthesisOptions.DefaultLayers));
        foreach (var (name, index) in VggEncoder.ReluIndex)
        {
            int m = VggEncoder.MinimumSide(index);
            RunModules(encoder, index, m, m + 3); // the minimum passes
            Assert.ThrowsAny<Exception>(() => RunModules(encoder, index, m - 1, m + 3)); // one pixel less does not, in either direction
            Assert.ThrowsAny<Exception>(() => RunModules(encoder, index, m + 3, m - 1));
            // The encoder says so in words instead of a LibTorch error.
            var e = Assert.Throws<TextureBiasException>(() => encoder.Features(zeros(1, 3, m - 1, 40), new[] { index }));
            Assert.Equal($"image is 40x{m - 1}, smaller than the {m} pixels VGG-19 needs up to {name}", e.Message);
        }
    }

    [Fact]
    public void TexturizeRefusesATooSmallSizeAndSkipsATooSmallImage()
    {
        var options = new TextureSynthesisOptions { Size = 16, Iterations = 1 };
        var e = Assert.Throws<TextureBiasException>(() => TextureSynthesis.CheckOptions(options));
        Assert.Contains("--size 16 is too small", e.Message);
        Assert.Contains("17 pixels to reach relu5_1", e.Message);
        TextureSynthesis.CheckOptions(options with { Layers = new[] { "relu1_1", "relu4_1" } }); // 9 pixels suffice there
        TextureSynthesis.CheckOptions(options with { Size = 17 });
        TextureSynthesis.CheckOptions(options with { Size = 0 });

        using var encoder = ScaledVgg.Create();
        var data = Path.Combine(_dir, "data");
        Write("data/a/small.png", 16, 12, 1);
        Write("data/a/wide.png", 40, 17, 2);
        Write("data/b/square.png", 20, 20, 3);
        var failures = new List<TextureBias.Data.ImageFailure>();
        var report = TextureSynthesis.RunFolder(encoder, data, Path.Combine(_dir, "out"), options with { Size = 0 }, failures.Add);
        Assert.Equal((2, 0, 1), (report.Written, report.AlreadyDone, report.Skipped));
        var failure = Assert.Single(failures);
        Assert.EndsWith("small.png", failure.Path);
        Assert.Equal("image is 16x12, smaller than the 17 pixels VGG-19 needs up to relu5_1", failure.Reason);
        Assert.Contains("small.png", File.ReadAllText(report.SkippedList));
        Assert.Equal((40, 17), (ImageDecoder.Decode(Path.Combine(_dir, "out", "a", "wide.png")).Width, ImageDecoder.Decode(Path.Combine(_dir, "out", "a", "wide.png")).Height));
        Assert.True(File.Exists(Path.Combine(_dir, "out", "b", "square.png")));
        Assert.Throws<TextureBiasException>(() => TextureSynthesis.RunFolder(encoder, data, Path.Combine(_dir, "out2"), options, failures.Add));
        Assert.False(Directory.Exists(Path.Combine(_dir, "out2"))); // refused before any work
        Assert.Throws<TextureBiasException>(() => TextureSynthesis.Synthesize(encoder, Noise(16, 12, 1), options with { Size = 0 }));
    }

    [Fact]
    public void TexturizeGivesTwoSourcesOfOneOutputNameOnlyOneOutput()
    {
        using var encoder = ScaledVgg.Create();
        var data = Path.Combine(_dir, "data");
        Write("data/cat.png", 20, 20, 1);
        TestImages.WriteJpeg(Path.Combine(data, "cat.jpg"), Noise(20, 20, 2)); // also cat.png once texturised
        var failures = new List<TextureBias.Data.ImageFailure>();
        var options = new TextureSynthesisOptions { Size = 0, Iterations = 1, Layers = new[] { "relu1_1", "relu2_1" } };
        var report = TextureSynthesis.RunFolder(encoder, data, Path.Combine(_dir, "out"), options, failures.Add);
        Assert.Equal((1, 1), (report.Written, report.Skipped));
        var failure = Assert.Single(failures);
        Assert.EndsWith("cat.png", failure.Path); // cat.jpg sorts first and keeps the name
        Assert.Contains("is already that of", failure.Reason);
        var again = TextureSynthesis.RunFolder(encoder, data, Path.Combine(_dir, "out"), options, failures.Add);
        Assert.Equal((0, 1, 1), (again.Written, again.AlreadyDone, again.Skipped)); // a re-run does not take the other's output as its own
    }

    [Fact]
    public void IterativeStyleTransferAndCueConflictStimuliHandleTooSmallImages()
    {
        var options = new IterativeStyleOptions { Size = 16, Iterations = 1 };
        Assert.Contains("--size 16 is too small", Assert.Throws<TextureBiasException>(() => IterativeStyleTransfer.CheckOptions(options)).Message);
        IterativeStyleTransfer.CheckOptions(options with { StyleLayers = new[] { "relu1_1", "relu3_1" } }); // relu4_2 (content) needs 9
        Assert.Equal(9, IterativeStyleTransfer.MinimumSide(options with { StyleLayers = new[] { "relu1_1" } }, content: true));
        Assert.Equal(2, IterativeStyleTransfer.MinimumSide(options with { StyleLayers = new[] { "relu1_1" } }, content: false));

        using var encoder = ScaledVgg.Create();
        foreach (var category in new[] { "cat", "dog" })
        {
            Write($"shapes/{category}/s.png", 20, 20, category.Length);
            Write($"textures/{category}/t.png", 20, 20, category.Length + 10);
        }
        Write("textures/elephant/t.png", 12, 12, 5); // too small for relu5_1
        var failures = new List<TextureBias.Data.ImageFailure>();
        var report = CueConflictStimuli.Make(encoder, Path.Combine(_dir, "shapes"), Path.Combine(_dir, "textures"), Path.Combine(_dir, "cue"),
            options with { Size = 0 }, failures.Add);
        Assert.Equal((2, 1), (report.Written, report.Skipped)); // cat in dog's texture and dog in cat's; the elephant texture once
        var failure = Assert.Single(failures);
        Assert.Equal(Path.Combine(_dir, "textures", "elephant", "t.png"), failure.Path);
        Assert.Contains("12x12, smaller than the 17 pixels", failure.Reason);
        Assert.True(File.Exists(Path.Combine(_dir, "cue", "cat", "cat1-dog1.png")) && File.Exists(Path.Combine(_dir, "cue", "dog", "dog1-cat1.png")));
        var e = Assert.Throws<TextureBiasException>(() => IterativeStyleTransfer.Transfer(encoder, Noise(20, 20, 1), Noise(12, 12, 2), options with { Size = 0 }));
        Assert.StartsWith("style: image is 12x12", e.Message);
    }

    [Fact]
    public void AdaInRefusesTooSmallSizesAndImagesInWords()
    {
        Assert.Contains("--content-size 8 is too small", Assert.Throws<TextureBiasException>(() => StyleTransfer.CheckSize("--content-size", 8)).Message);
        StyleTransfer.CheckSize("--content-size", 9);
        StyleTransfer.CheckSize("--content-size", 0);
        Assert.Null(StyleTransfer.SizeProblem(Noise(8, 8, 1), 512)); // resized to 512
        Assert.Equal("image is 8x20, smaller than the 9 pixels AdaIN's VGG encoder (relu4_1) needs", StyleTransfer.SizeProblem(Noise(8, 20, 1), 0));
        using var transfer = TextureBias.Tests.Models.FormulaWeights.StyleTransfer();
        var e = Assert.Throws<TextureBiasException>(() => transfer.Stylize(Noise(20, 20, 1), new[] { Noise(6, 30, 2) }, new StyleOptions { ContentSize = 0, StyleSize = 0 }));
        Assert.Equal("style 1: image is 6x30, smaller than the 9 pixels AdaIN's VGG encoder (relu4_1) needs", e.Message);
        using var content = zeros(1, 3, 8, 8);
        Assert.Throws<TextureBiasException>(() => transfer.Stylize(content, new[] { zeros(1, 3, 16, 16) }));
        Assert.Contains("--crop 8 is too small", Assert.Throws<TextureBiasException>(() => DecoderTrainer.CheckOptions(new DecoderTrainingOptions { Crop = 8, ResizeTo = 16 })).Message);
    }
}
