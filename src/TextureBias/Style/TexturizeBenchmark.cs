using System.Diagnostics;
using TextureBias.Imaging;
using TextureBias.Models;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>Measures Gatys texture synthesis: seconds per L-BFGS iteration and per image, on given or random VGG-19 weights.</summary>
public static class TexturizeBenchmark
{
    /// <summary>
    /// Synthesises a <paramref name="size"/>² texture of a random image <paramref name="runs"/>
    /// times, on <paramref name="device"/> (null: where the encoder is).
    /// </summary>
    public static TexturizeBenchmarkResult Run(VggEncoder? encoder = null, int size = 224, int iterations = 10, int runs = 3, Device? device = null)
    {
        int minimum = TextureSynthesis.MinimumSide(TextureSynthesisOptions.DefaultLayers);
        if (size < minimum || iterations < 1 || runs < 1) throw new TextureBiasException($"size must be at least {minimum} (VGG-19 up to relu5_1), iterations and runs positive");
        using var own = encoder is null ? new VggEncoder() : null;
        var vgg = encoder ?? own!;
        var on = Devices.Place(vgg, device);
        vgg.eval();
        var rng = new Random(0);
        var px = new byte[size * size * 3];
        rng.NextBytes(px);
        var source = new RgbImage(size, size, px);
        // The weights are frozen: a backward pass computes the input's gradients only, about one forward pass.
        long h = size, w = size;
        long vggMacs = StyleMacs.Encoder(vgg, ref h, ref w, TextureSynthesis.LayerIndices(TextureSynthesisOptions.DefaultLayers)[^1]);
        var perImage = new List<double>();
        var perIteration = new List<double>();
        var gflops = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            int evaluations = 0;
            var sw = Stopwatch.StartNew();
            TextureSynthesis.Synthesize(vgg, source, new TextureSynthesisOptions { Size = size, Iterations = iterations, Seed = run }, (i, _) => evaluations = i, device: on);
            double seconds = sw.Elapsed.TotalSeconds;
            perImage.Add(seconds);
            perIteration.Add(seconds / Math.Max(1, evaluations));
            // The source's features once, then a forward and a backward pass per evaluation.
            gflops.Add(Evaluation.BenchmarkLine.GflopsOf((1 + 2.0 * evaluations) * vggMacs, seconds) ?? 0);
        }
        perImage.Sort();
        perIteration.Sort();
        gflops.Sort();
        return new TexturizeBenchmarkResult(size, iterations, perIteration[runs / 2], perImage[runs / 2], on.ToString())
        {
            VggGmacs = Math.Round(vggMacs / 1e9, 3), Gflops = gflops[runs / 2] > 0 ? gflops[runs / 2] : null,
        };
    }
}
