using System.Collections.Concurrent;
using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;

namespace TextureBias.Distortions;

/// <summary>
/// Distorts every image of a folder at several levels: <c>OUT/&lt;condition&gt;/&lt;relative path&gt;.png</c>,
/// one folder per level named by the reference's condition string. Outputs that exist are kept (a killed job
/// re-run goes on where it stopped), every output is written atomically, unreadable images are listed in
/// <c>skipped.csv</c> and skipped. Images are decoded, distorted and encoded on all cores, one image per
/// worker at a time, so memory stays flat.
/// </summary>
public static class DatasetDistorter
{
    /// <summary>Runs the job; <paramref name="progress"/> gets (images done, images of this shard).</summary>
    /// <exception cref="TextureBiasException">The options or the folder are wrong (before any work).</exception>
    public static DistortReport Run(IDistortion distortion, IReadOnlyList<DistortionLevel> levels, string dataDir, string outDir, DistortOptions options,
        Action<int, int>? progress = null, Action<ImageFailure>? onFailure = null, CancellationToken cancel = default)
    {
        if (options.ShardCount < 1 || options.ShardIndex < 1 || options.ShardIndex > options.ShardCount)
            throw new TextureBiasException($"--shard {options.ShardIndex}/{options.ShardCount}: need 1 ≤ k ≤ N");
        if (levels.Count == 0) throw new TextureBiasException("no levels given");
        if (levels.Select(l => l.Condition).Distinct(StringComparer.OrdinalIgnoreCase).Count() != levels.Count)
            throw new TextureBiasException($"two levels have one condition name ({string.Join(", ", levels.Select(l => l.Condition))})");
        if (!Directory.Exists(dataDir)) throw new TextureBiasException($"{dataDir}: no such folder");
        string outRoot = Path.GetFullPath(outDir);
        Directory.CreateDirectory(outRoot);

        var files = ImageFiles.Find(new[] { dataDir });
        var names = new OutputNames(outRoot);
        var skipped = new ConcurrentQueue<string>();
        int failed = 0, alreadyDone = 0, written = 0, mine = 0;
        void Skip(string path, string reason)
        {
            skipped.Enqueue(CsvText.SkippedLine(path, reason));
            Interlocked.Increment(ref failed);
            onFailure?.Invoke(new ImageFailure(path, reason));
        }

        var plan = new List<(string File, string Relative, string[] Outputs)>();
        for (int index = 0; index < files.Count; index++)
        {
            string file = files[index];
            string relative = Path.GetRelativePath(dataDir, file).Replace(Path.DirectorySeparatorChar, '/');
            string stem = Path.ChangeExtension(relative, ".png");
            var outputs = levels.Select(l => Path.GetFullPath(Path.Combine(outRoot, l.Condition, stem))).ToArray();
            string? problem = names.Claim(file, outputs); // every shard claims every name, so all refuse the same ones
            if (index % options.ShardCount != options.ShardIndex - 1) continue;
            mine++;
            if (problem is not null) Skip(file, problem);
            else if (outputs.All(File.Exists)) alreadyDone++;
            else plan.Add((file, relative, outputs));
        }

        string suffix = options.ShardCount == 1 ? "" : $"-{options.ShardIndex}-of-{options.ShardCount}";
        string skippedPath = Path.Combine(outRoot, $"skipped{suffix}.csv");
        int done = alreadyDone + failed;
        progress?.Invoke(done, mine);
        int workers = options.Workers > 0 ? options.Workers : Environment.ProcessorCount;
        try
        {
            Parallel.ForEach(plan, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancel }, item =>
            {
                try
                {
                    var image = FloatImage.FromRgb(ImageDecoder.Decode(item.File));
                    for (int i = 0; i < levels.Count; i++)
                    {
                        if (File.Exists(item.Outputs[i])) continue;
                        var noise = NoiseSeeds.For(options.NumpySeed, options.Seed, item.Relative, levels[i]);
                        var result = distortion.Apply(image, levels[i], noise).ToRgb(options.Quantisation);
                        Directory.CreateDirectory(Path.GetDirectoryName(item.Outputs[i])!);
                        ImageEncoder.Save(item.Outputs[i], result, SKEncodedImageFormat.Png);
                        Interlocked.Increment(ref written);
                    }
                }
                catch (Exception e) when (e is ImageDecodeException or TextureBiasException or IOException or UnauthorizedAccessException)
                {
                    Skip(item.File, e.Message.StartsWith(item.File + ": ", StringComparison.Ordinal) ? e.Message[(item.File.Length + 2)..] : e.Message);
                }
                progress?.Invoke(Interlocked.Increment(ref done), mine);
            });
        }
        finally
        {
            CsvText.WriteSkipped(skippedPath, skipped.OrderBy(l => l, StringComparer.Ordinal));
        }
        return new DistortReport(written, alreadyDone, failed, skippedPath);
    }
}
