using System.Diagnostics;
using SkiaSharp;
using TextureBias.Imaging;

namespace TextureBias.Distortions;

/// <summary>Measures the distortions' speed on generated images (<c>bench distort</c>).</summary>
public static class DistortBenchmark
{
    /// <summary>Times each of <paramref name="names"/> (all registered ones if empty) on <paramref name="images"/> generated images of side <paramref name="size"/>.</summary>
    public static DistortBenchmarkResult Run(IReadOnlyList<string> names, int size = 224, int images = 32)
    {
        if (size < 8 || images < 1) throw new TextureBiasException("bench distort needs --size ≥ 8 and --images ≥ 1");
        var chosen = (names.Count == 0 ? DistortionRegistry.Names : names).Select(DistortionRegistry.Get).ToList();
        string dir = Path.Combine(Path.GetTempPath(), "texturebias-bench-distort-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(dir, "data");
        Directory.CreateDirectory(data);
        try
        {
            var random = new Random(1);
            var inputs = new List<FloatImage>();
            for (int i = 0; i < images; i++)
            {
                // photograph-like content (smooth gradients and a little noise), so that PNG coding costs what it does on real images
                var px = new byte[size * size * 3];
                double fx = 0.02 + 0.05 * random.NextDouble(), fy = 0.02 + 0.05 * random.NextDouble();
                for (int y = 0, o = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                        for (int c = 0; c < 3; c++, o++)
                            px[o] = (byte)Math.Clamp(128 + 90 * Math.Sin(fx * x * (c + 1) + fy * y) + random.Next(-12, 13), 0, 255);
                var img = new RgbImage(size, size, px);
                ImageEncoder.Save(Path.Combine(data, $"{i:D4}.png"), img, SKEncodedImageFormat.Png);
                if (i < 8) inputs.Add(FloatImage.FromRgb(img));
            }
            var entries = new List<DistortBenchmarkEntry>();
            foreach (var d in chosen)
            {
                var level = d.Levels[d.Levels.Count / 2];
                if (d.Name == "power-equalisation" && size != ReferenceData.SpectrumSize) continue;
                d.Apply(inputs[0], level, NoiseSource.Fast(0)).ToRgb(); // warm-up
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < images; i++) d.Apply(inputs[i % inputs.Count], level, NoiseSource.Fast(i)).ToRgb();
                double alone = images / watch.Elapsed.TotalSeconds;
                string outDir = Path.Combine(dir, "out-" + d.Name);
                watch.Restart();
                DatasetDistorter.Run(d, new[] { level }, data, outDir, new DistortOptions());
                double endToEnd = images / watch.Elapsed.TotalSeconds;
                entries.Add(new DistortBenchmarkEntry(d.Name, level.Condition, Math.Round(alone, 1), Math.Round(endToEnd, 1)));
            }
            return new DistortBenchmarkResult(size, images, Environment.ProcessorCount, entries);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
