using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using Xunit;
using static TorchSharp.torch;

namespace TextureBias.Tests.Evaluation;

public class RobustnessTests : TempDirTest
{
    [Fact]
    public void AccuracyPerLevelIsTheModelsOnTheReferenceDistortedImages()
    {
        var root = Path.Combine(_dir, "data");
        var rng = new Random(4);
        foreach (var c in new[] { "0", "1", "2" })
            for (int i = 0; i < 3; i++)
            {
                var px = new byte[24 * 24 * 3];
                rng.NextBytes(px);
                TestImages.WritePng(Path.Combine(root, c, $"{i}.png"), new RgbImage(24, 24, px));
            }
        manual_seed(5);
        using var model = BagNet.BagNet9(3, width: 4);
        var folder = ImageFolder.Open(new[] { root });
        var pre = new Preprocessing(0, 0);
        var d = DistortionRegistry.Get("uniform-noise");
        var levels = new[] { d.ParseLevel("0.0"), d.ParseLevel("0.6") };
        var results = Robustness.Evaluate(model, folder, pre, d, levels, numpySeed: 7, batchSize: 4);
        Assert.Equal(new[] { "0.0", "0.6" }, results.Select(r => r.Level.Condition));
        foreach (var (level, result) in results)
        {
            int correct = 0;
            using (no_grad())
                foreach (var (path, label) in folder.Samples)
                {
                    var shown = d.Apply(FloatImage.FromRgb(ImageDecoder.Decode(path)), level, NoiseSource.Numpy(7)).ToRgb();
                    if (model.forward(pre.Apply(shown).unsqueeze(0)).argmax(1).item<long>() == label) correct++;
                }
            Assert.Equal(9, result.Images);
            Assert.Equal(100.0 * correct / 9, result.Top1, 6);
        }
    }
}
