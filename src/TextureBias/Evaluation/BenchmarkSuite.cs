using System.Globalization;
using TextureBias.Attribution;
using TextureBias.Comparison;
using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Interpretation;
using TextureBias.Models;
using TextureBias.Style;
using TextureBias.Training;

namespace TextureBias.Evaluation;

/// <summary>
/// The standard set of benchmarks in one process (<c>bench all</c>): the peak first, then
/// forward (BagNet-33, ResNet-50 at batch 8, 224 px), the dense heatmap (BagNet-33, 224 px),
/// stylization (224/224), training (ResNet-50, a short run), texture synthesis, interactions,
/// attribution, masking and distortions, each with its own peak resident memory and its
/// fraction of the peak just measured. <see cref="BenchmarkSuiteOptions.Quick"/> runs the same
/// set at small sizes. A benchmark that fails is reported and the others still run.
/// </summary>
public static class BenchmarkSuite
{
    /// <summary>Runs the set; <paramref name="finished"/> gets each row as soon as it is done.</summary>
    public static IReadOnlyList<BenchmarkSuiteRow> Run(BenchmarkSuiteOptions options, Action<BenchmarkSuiteRow>? finished = null)
    {
        var device = options.Device ?? Devices.Cpu;
        bool quick = options.Quick;
        var rows = new List<BenchmarkSuiteRow>();
        void Add(BenchmarkSuiteRow row)
        {
            rows.Add(row);
            finished?.Invoke(row);
        }

        // The peak: measured here (the full suite caches it), unless given.
        MachinePeakLookup? peak = MachinePeak.Given(options.Peak) is { } given ? new MachinePeakLookup(given, "given") : null;
        var peakRow = Step("peak", () =>
        {
            var shapes = quick ? PeakConvolution.Standard.Select(s => s with { Batch = 1 }).ToList() : null;
            var result = quick
                ? PeakBenchmark.Run(shapes, runs: 2, warmup: 1, device: device, quick: true)
                : PeakBenchmark.Run(device: device);
            if (!quick) result = result with { Cache = MachinePeak.Store(result, options.CacheFile) };
            peak ??= new MachinePeakLookup(result.Gflops ?? 0, "measured");
            return result;
        }, r => $"{F(r.Gflops ?? 0, 1)} GFLOP/s", () => peak);
        Add(peakRow);
        if (peak is null) // the measurement failed: the cached peak, or the short measurement, or none
        {
            try
            {
                peak = MachinePeak.Get(device, null, options.CacheFile);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                peak = null;
            }
        }

        int size = quick ? 64 : 224, batch = quick ? 2 : 8;
        foreach (var arch in new[] { "bagnet33", "resnet50" })
            Add(Step($"forward {arch}", () => ForwardBenchmark.Run(arch, batch, size, runs: quick ? 1 : 7, warmup: quick ? 1 : 3, device: device),
                r => $"{F(r.ImagesPerS, 1)} images/s", () => peak));
        Add(Step("heatmap bagnet33", () => HeatmapBenchmark.Run("bagnet33", quick ? 48 : 224, quick ? 50 : 1000, device),
            r => $"{F(r.DenseS, 2)} s dense, {F(r.Speedup, 0)}x patches", () => peak));
        Add(Step("stylize", () => StylizeBenchmark.Run(quick ? 32 : 224, quick ? 32 : 224, batch, quick ? 4 : 256, runs: quick ? 1 : 3, device: device),
            r => $"{F(r.NetworkImagesPerS, 1)} / {F(r.EndToEndImagesPerS, 1)} images/s", () => peak));
        Add(Step(quick ? "train resnet18" : "train resnet50", () => TrainBenchmark.Run(quick ? "resnet18" : "resnet50", quick ? 2 : 16, quick ? 32 : 224, quick ? 1 : 2, device, warmup: quick ? 1 : 3),
            r => $"{F(r.InMemoryImagesPerS, 1)} images/s", () => peak));
        Add(Step("texturize", () => TexturizeBenchmark.Run(null, quick ? 32 : 224, quick ? 2 : 10, runs: 1, device: device),
            r => $"{F(r.SecondsPerIteration, 3)} s/iteration", () => peak));
        string small = quick ? "resnet18" : "resnet50";
        Add(Step(quick ? "interactions resnet18" : "interactions bagnet33", () => InteractionBenchmark.Run(quick ? "resnet18" : "bagnet33", size, quick ? 16 : 33,
                pairs: quick ? 1 : 5, batch: quick ? 4 : 16, images: 1, device: device),
            r => $"{F(r.ImagesPerS, 2)} images/s", () => peak));
        Add(Step($"attribute {small}", () => AttributionBenchmark.Run(small, quick ? ["gradient-input"] : ["gradient-input", "integrated-gradients"], size,
                images: 1, steps: quick ? 4 : 16, batch: quick ? 4 : 16, device: device),
            r => string.Join(", ", r.Methods.Select(m => $"{m.Method} {F(m.SecondsPerImage, 2)} s")), () => peak));
        Add(Step($"mask {small}", () => MaskingBenchmark.Run(small, "random", size, quick ? 1 : 4, quick ? 16 : 33, device),
            r => $"{F(r.ImagesPerSecond, 2)} images/s", () => peak));
        Add(Step("distort", () => DistortBenchmark.Run(quick ? [DistortionRegistry.Names[0]] : [], quick ? 32 : 224, quick ? 2 : 16),
            r => $"{F(r.Distortions.Count == 0 ? 0 : r.Distortions.Average(d => d.EndToEndPerSecond), 1)} images/s end to end (mean)", () => peak));
        return rows;
    }

    /// <summary>Writes the rows' lines (JSON, one per line; failed benchmarks as <c>{"bench": NAME, "error": ...}</c>) to <paramref name="path"/>, atomically.</summary>
    public static void WriteJson(IReadOnlyList<BenchmarkSuiteRow> rows, string path) =>
        AtomicFile.WriteText(path, string.Concat(rows.Select(r => Json(r) + "\n")));

    /// <summary>The row's JSON line: the benchmark's line, or its name and error.</summary>
    public static string Json(BenchmarkSuiteRow row) => row.Line?.ToJson()
        ?? System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["bench"] = row.Name, ["error"] = row.Error ?? "failed" });

    private static BenchmarkSuiteRow Step<T>(string name, Func<T> run, Func<T, string> speed, Func<MachinePeakLookup?> peak) where T : BenchmarkLine
    {
        try
        {
            var line = BenchmarkRunner.Run(run, peak);
            return new BenchmarkSuiteRow(name, line, speed(line));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new BenchmarkSuiteRow(name, null, "", e.Message.ReplaceLineEndings(" "));
        }
    }

    private static string F(double value, int decimals) => value.ToString("F" + decimals, CultureInfo.InvariantCulture);
}
