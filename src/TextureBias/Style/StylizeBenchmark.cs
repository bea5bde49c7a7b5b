using System.Diagnostics;
using TextureBias.Imaging;
using TextureBias.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>Measures AdaIN stylisation speed on random weights: the networks alone, and a whole dataset job.</summary>
public static class StylizeBenchmark
{
    /// <summary>
    /// Runs both measurements; the end-to-end one is a dataset job over <paramref name="images"/>
    /// generated JPEGs (contents resized to <paramref name="size"/>, styles to <paramref name="styleSize"/>, PNG outputs).
    /// The networks run on <paramref name="device"/> (null: the CPU) in <paramref name="precision"/>;
    /// random inputs are drawn on the CPU and uploaded.
    /// </summary>
    public static StylizeBenchmarkResult Run(int size = 224, int styleSize = 224, int batch = 8, int images = 256, int runs = 3,
        Device? device = null, Precision precision = Precision.Float32)
    {
        int minimum = StyleTransfer.MinimumSide;
        if (size < minimum || styleSize < minimum || batch < 1 || images < 1 || runs < 1)
            throw new TextureBiasException($"sizes, batch, images and runs must be positive (sizes at least {minimum}, for {StyleTransfer.EncoderName})");
        using var transfer = new StyleTransfer(new VggEncoder(), new AdaInDecoder(), device ?? Devices.Cpu, precision);
        // The generated contents are square, (5/4·size)², resized to size²: the job's networks do the timed runs' work per image.
        int contentSide = size * 5 / 4;
        long macs = StyleMacs.PerImage(transfer.Encoder, transfer.Decoder, size, size);
        var on = transfer.Device;
        Devices.TuneFor(on, fixedSize: true); // one content and one style size throughout
        double network, networkSeconds;
        using (var scope = NewDisposeScope())
        {
            manual_seed(0);
            var contents = Devices.On(rand(new long[] { batch, 3, size, size }, device: Devices.Cpu), on);
            var style = Devices.On(rand(new long[] { 1, 3, styleSize, styleSize }, device: Devices.Cpu), on);
            var times = new List<double>();
            // The job encodes each style once (its statistics are cached): the networks' work per
            // image is the content's encoding, AdaIN and the decoding.
            Tensor styleFeatures;
            using (no_grad()) styleFeatures = transfer.Encode(style);
            for (int i = 0; i <= runs; i++)
            {
                using var step = NewDisposeScope();
                using var noGrad = no_grad();
                var sw = Stopwatch.StartNew();
                var cf = transfer.Encode(contents);
                var sf = styleFeatures.expand(batch, -1, -1, -1);
                transfer.Decode(AdaIn.Apply(cf, sf));
                Evaluation.BenchmarkClock.Synchronize(on); // GPU work is asynchronous: wait for it before reading the clock
                if (i > 0) times.Add(sw.Elapsed.TotalSeconds);
            }
            times.Sort();
            networkSeconds = times[times.Count / 2];
            network = batch / networkSeconds;
        }

        var root = Path.Combine(Path.GetTempPath(), $"texturebias-bench-stylize-{Guid.NewGuid():N}");
        try
        {
            var rng = new Random(1);
            RgbImage Noise(int w, int h)
            {
                var px = new byte[w * h * 3];
                rng.NextBytes(px);
                return new RgbImage(w, h, px);
            }
            for (int i = 0; i < images; i++)
                ImageEncoder.Save(Path.Combine(root, "content", $"class{i % 4}", $"img{i:D4}.jpg"), Noise(contentSide, contentSide), SkiaSharp.SKEncodedImageFormat.Jpeg); // square: resized to size × size, the shape the networks were timed at
            for (int i = 0; i < 4; i++)
                ImageEncoder.Save(Path.Combine(root, "styles", $"style{i}.png"), Noise(styleSize * 3 / 2, styleSize * 4 / 3), SkiaSharp.SKEncodedImageFormat.Png);
            // Untimed, a job of one batch over the same styles first: their statistics are then
            // cached, as they are in a long job's steady state (each style is encoded once per
            // job; over ImageNet that is a few percent of the encodings), and the job's buffers and
            // threads have started once, as the networks were warmed up before their timing.
            for (int i = 0; i < batch; i++)
                ImageEncoder.Save(Path.Combine(root, "warmup", $"img{i:D4}.jpg"), Noise(contentSide, contentSide), SkiaSharp.SKEncodedImageFormat.Jpeg);
            var options = new DatasetStylizeOptions
            {
                Recipe = StyleRecipe.StylizeDatasets, ContentSize = size, StyleSize = styleSize, Format = "png", Batch = batch,
                StyleCache = Path.Combine(root, "style-cache"),
            };
            DatasetStylizer.Run(transfer, Path.Combine(root, "warmup"), Path.Combine(root, "styles"), Path.Combine(root, "warmup-out"), options);
            var sw = Stopwatch.StartNew();
            DatasetStylizer.Run(transfer, Path.Combine(root, "content"), Path.Combine(root, "styles"), Path.Combine(root, "out"), options);
            double jobSeconds = sw.Elapsed.TotalSeconds;
            var networkGflops = Evaluation.BenchmarkLine.GflopsOf((double)macs * batch, networkSeconds);
            var jobGflops = Evaluation.BenchmarkLine.GflopsOf((double)macs * images, jobSeconds);
            return new StylizeBenchmarkResult(size, styleSize, get_num_threads(), batch, network, images / jobSeconds, images,
                on.ToString(), MixedPrecision.Name(precision))
            {
                NetworkGmacsPerImage = Math.Round(macs / 1e9, 3), EndToEndGmacsPerImage = Math.Round(macs / 1e9, 3),
                Gflops = networkGflops, NetworkGflops = networkGflops, EndToEndGflops = jobGflops,
                EndToEndOverNetwork = jobGflops / networkGflops is { } r ? Math.Round(r, 4) : null,
            };
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }
}
