using System.Diagnostics;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Comparison;

/// <summary>Times the masking experiment end to end (decode, rank, mask, one batch per image) on a generated folder, random weights.</summary>
public static class MaskingBenchmark
{
    /// <summary>Images per second of <see cref="FeatureSensitivity.Run"/> for one network and one ranking (random, or the network's own <c>gradient-input</c>), on <paramref name="device"/> (null: the CPU).</summary>
    public static MaskingBenchmarkResult Run(string arch, string ranking = "random", int size = 224, int images = 8, int patch = 33, Device? device = null)
    {
        using var model = Architectures.Create(arch);
        var on = device ?? Devices.Cpu;
        Devices.TuneFor(on, fixedSize: true);
        string dir = Path.Combine(Path.GetTempPath(), "texturebias-bench-mask-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "n01440764"));
            var rng = new Random(0);
            for (int i = 0; i < images; i++)
            {
                var px = new byte[size * size * 3];
                rng.NextBytes(px);
                ImageEncoder.Save(Path.Combine(dir, "n01440764", $"{i}.png"), new RgbImage(size, size, px), SkiaSharp.SKEncodedImageFormat.Png);
            }
            var rankings = new[] { ranking == "random" ? PatchRanking.Random : PatchRanking.Own(Attribution.AttributionNames.Parse(Attribution.AttributionNames.Methods, ranking.Replace("own:", ""), "method")) };
            var models = new[] { new RobustnessModel(arch, model, Preprocessing.ImageNetEval) };
            var options = new MaskingOptions { Patch = patch };
            var shown = new Preprocessing(0, 0);
            FeatureSensitivity.Run(models, dir, shown, rankings, options with { MaxImages = 1 }, device: on); // warm-up
            var watch = Stopwatch.StartNew();
            FeatureSensitivity.Run(models, dir, shown, rankings, options, device: on);
            double seconds = watch.Elapsed.TotalSeconds;
            // Per image: one forward pass per masked copy, and the ranking's own attribution passes.
            long macs = model.MultiplyAccumulates(size, size);
            double? ranked = rankings[0].OwnMethod is { } own ? Attribution.AttributionCost.ForwardPasses(own, options.Attribution, size, size) : 0;
            double? passes = options.Steps.Distinct().Count() + ranked;
            return new MaskingBenchmarkResult(arch, rankings[0].Name, size, patch, options.Steps.Count, images, get_num_threads(), images / seconds)
            {
                ForwardPassesPerImage = passes, GmacsPerForward = Math.Round(macs / 1e9, 3),
                Gflops = passes is { } p ? BenchmarkLine.GflopsOf(p * macs * images, seconds) : null,
            };
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
