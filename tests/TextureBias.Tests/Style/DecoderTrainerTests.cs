using TextureBias.Imaging;
using TextureBias.Models.Serialization;
using TextureBias.Style;
using TextureBias.Tests.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Style;

public class DecoderTrainerTests : TempDirTest
{
    private (string Content, string Style) Data()
    {
        var photo = ImageDecoder.Decode(Fixture.Repository("examples/chelsea.png"));
        var content = Path.Combine(_dir, "content");
        var style = Path.Combine(_dir, "style");
        Directory.CreateDirectory(content);
        Directory.CreateDirectory(style);
        var rng = new Random(4);
        for (int i = 0; i < 3; i++)
        {
            TestImages.WritePng(Path.Combine(content, $"c{i}.png"), Preprocessing.CropRegion(photo, rng.Next(0, 300), rng.Next(0, 200), 80, 60));
            TestImages.WritePng(Path.Combine(style, $"s{i}.png"), Preprocessing.CropRegion(photo, rng.Next(0, 300), rng.Next(0, 200), 70, 70));
        }
        File.WriteAllText(Path.Combine(style, "broken.png"), "not an image"); // skipped, training goes on
        return (content, style);
    }

    private static DecoderTrainingOptions Small => new()
    {
        MaxIterations = 6, Batch = 2, ResizeTo = 40, Crop = 32, CheckpointInterval = 3, LogInterval = 1, LearningRate = 1e-3, LearningRateDecay = 0,
    };

    [Fact]
    public void A_diverging_run_stops_with_one_line_and_saves_no_broken_weights()
    {
        var (content, style) = Data();
        using var encoder = new VggEncoder();
        FormulaWeights.Fill(encoder);
        var dir = Path.Combine(_dir, "diverged");
        // Adam moves every weight by about the learning rate: at 1e30 the next products overflow.
        var error = Assert.Throws<TextureBiasException>(() => DecoderTrainer.Train(encoder, content, style, dir, Small with { LearningRate = 1e30 }));
        Assert.StartsWith($"{dir}: decoder training diverged at iteration ", error.Message);
        Assert.Contains("--lr", error.Message);
        foreach (var file in Directory.EnumerateFiles(dir, "decoder_iter_*.pth.tar"))
        {
            using var saved = WeightFile.Read(file);
            Assert.All(saved.StateDict.Values, t => Assert.True(t.isfinite().all().item<bool>(), file));
        }
    }

    [Fact]
    public void ResumingGivesTheUninterruptedRunAndLossesFall()
    {
        var (content, style) = Data();
        using var encoder = new VggEncoder();
        FormulaWeights.Fill(encoder);

        // Both runs start from the same weights (other tests use the global random generator too).
        var init = Path.Combine(_dir, "init.pth");
        using (var start = new AdaInDecoder()) ModelWeights.Save(start, init);
        var options = Small with { InitialDecoder = init };
        var straight = Path.Combine(_dir, "straight");
        Assert.Equal(6, DecoderTrainer.Train(encoder, content, style, straight, options));

        var resumed = Path.Combine(_dir, "resumed");
        Assert.Equal(3, DecoderTrainer.Train(encoder, content, style, resumed, options with { MaxIterations = 3 }));
        Assert.Equal(6, DecoderTrainer.Train(encoder, content, style, resumed, options, resume: true));

        using var a = new AdaInDecoder();
        using var b = new AdaInDecoder();
        ModelWeights.Load(a, Path.Combine(straight, "decoder_iter_6.pth.tar"));
        ModelWeights.Load(b, Path.Combine(resumed, "decoder_iter_6.pth.tar"));
        var sb = b.state_dict();
        foreach (var (k, v) in a.state_dict())
            Assert.True((v - sb[k]).abs().max().item<float>() < 1e-6, k);

        var log = File.ReadAllLines(Path.Combine(resumed, "losses.csv"));
        Assert.Equal("iteration,lr,content_loss,style_loss,loss", log[0]);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => i.ToString()), log.Skip(1).Select(l => l.Split(',')[0]));
        Assert.Equal(File.ReadAllLines(Path.Combine(straight, "losses.csv")), log);
    }

    [Fact]
    public void TrainingLowersTheLoss()
    {
        var (content, style) = Data();
        using var encoder = new VggEncoder();
        FormulaWeights.Fill(encoder);
        var dir = Path.Combine(_dir, "run");
        DecoderTrainer.Train(encoder, content, style, dir, Small with { MaxIterations = 16, CheckpointInterval = 16, LearningRate = 3e-3 });
        var losses = File.ReadAllLines(Path.Combine(dir, "losses.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(16, losses.Count);
        Assert.True(losses.TakeLast(4).Average() < 0.8 * losses.Take(4).Average(), string.Join(" ", losses.Select(l => l.ToString("G3"))));
    }
}
