using TextureBias.Models;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SkiaSharp;
using TextureBias.Data;
using TextureBias.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace TextureBias.Style;

/// <summary>
/// Stylises a whole dataset, the job that made Stylized-ImageNet. The style of a content image
/// depends only on the seed and the image's relative path, so the output is the same however
/// the job is sharded or resumed; existing outputs are kept (a killed job re-run goes on where
/// it stopped), every output is written atomically, and unreadable content or style images are
/// listed and skipped, as are images too small for the encoder and content images whose output
/// cannot be theirs (it would leave the output folder, its name is too long, or an earlier image
/// has it). Names map faithfully: a relative path's folders are this system's (on Linux a
/// <c>\</c> is a character of a name). Content images are decoded and outputs encoded on
/// background threads while the networks run; memory stays flat (both queues are bounded by
/// count and by bytes). Styles enter AdaIN only through the mean and
/// standard deviation of their relu4_1 features, which are cached on disk, so a style is
/// encoded once for all jobs that share the cache. The networks run on the transfer's device
/// and precision (<see cref="StyleTransfer.Device"/>, <see cref="StyleTransfer.Precision"/>):
/// batches are decoded on CPU threads (into pinned memory for CUDA) and uploaded, the images come
/// back to the CPU as float32 to be encoded. The style cache does not depend on the device or the
/// precision: statistics are computed in float32 and stored from the CPU, and the cache key names
/// the encoder by a checksum of its weights taken on the CPU, so jobs on the CPU and on GPUs
/// (<c>--shard k/N --device cuda:k</c>) share it.
/// </summary>
public static class DatasetStylizer
{
    /// <summary>Side of Stylized-ImageNet's images and preprocessed styles.</summary>
    public const int SinSize = 224;

    /// <summary>
    /// Runs the job over <paramref name="contentDir"/> with the styles in <paramref name="styleDir"/>.
    /// <paramref name="log"/> gets the summary line, <paramref name="onFailure"/> each content
    /// image skipped (also listed in the skipped list).
    /// </summary>
    /// <exception cref="TextureBiasException">The options are wrong (before any work), a folder is missing, or there are too few usable styles.</exception>
    public static DatasetStylizeReport Run(StyleTransfer transfer, string contentDir, string styleDir, string outDir, DatasetStylizeOptions options,
        Action<int, int>? progress = null, Action<string>? log = null, CancellationToken cancel = default, Action<ImageFailure>? onFailure = null)
    {
        CheckOptions(options);
        Devices.TuneFor(transfer.Device, fixedSize: options.Recipe == StyleRecipe.Sin); // the SIN recipe: 224×224 contents and styles
        foreach (var (dir, what) in new[] { (contentDir, "content"), (styleDir, "style") })
            if (!Directory.Exists(dir)) throw new TextureBiasException($"{dir}: no such {what} folder");
        string outRoot = Path.GetFullPath(outDir);
        Directory.CreateDirectory(outRoot);

        var skipped = new ConcurrentQueue<string>();
        var styles = UsableStyles(styleDir, options, skipped);
        if (styles.Count < options.NumStyles)
            throw new TextureBiasException($"{styleDir}: {styles.Count} usable style images, {options.NumStyles} needed per content image");
        int excluded = skipped.Count;
        var contents = ImageFiles.Find(new[] { contentDir });
        int failed = 0, mine = 0;
        void Skip(string content, string reason)
        {
            skipped.Enqueue(CsvText.SkippedLine(content, reason));
            failed++;
            onFailure?.Invoke(new ImageFailure(content, reason));
        }

        // Plan: the outputs of each content image, and which exist already. Every image is
        // planned, also those of other shards, so that all shards refuse the same names.
        var names = new OutputNames(outRoot);
        var plan = new List<(string Content, string Relative, int[] Styles, string[] Outputs)>();
        var manifest = new ConcurrentQueue<string>();
        int alreadyDone = 0;
        for (int index = 0; index < contents.Count; index++)
        {
            string content = contents[index];
            string relative = RelativeKey(contentDir, content);
            var chosen = ChooseStyles(relative, styles.Count, options.NumStyles, options.Seed);
            string[] outputs;
            string? problem;
            try
            {
                outputs = chosen.Select(s => OutputPath(outRoot, relative, styles[s], options)).ToArray();
                problem = names.Claim(content, outputs);
            }
            catch (TextureBiasException e)
            {
                (outputs, problem) = (Array.Empty<string>(), e.Message);
            }
            if (index % options.ShardCount != options.ShardIndex - 1) continue;
            mine++;
            if (problem is not null)
            {
                Skip(content, problem);
                continue;
            }
            if (outputs.All(File.Exists))
            {
                alreadyDone++;
                for (int j = 0; j < chosen.Length; j++) manifest.Enqueue(ManifestLine(relative, styleDir, styles[chosen[j]], outRoot, outputs[j]));
                continue;
            }
            plan.Add((content, relative, chosen, outputs));
        }

        string suffix = options.ShardCount == 1 ? "" : $"-{options.ShardIndex}-of-{options.ShardCount}";
        string manifestPath = Path.Combine(outRoot, $"manifest{suffix}.csv");
        string skippedPath = Path.Combine(outRoot, $"skipped{suffix}.csv");
        int written = 0, done = alreadyDone + failed;
        var writeFailed = new ConcurrentDictionary<string, string>();
        progress?.Invoke(done, mine);
        var statistics = new StyleStatistics(transfer, options.Recipe, options.StyleSize, options.StyleCache ?? Path.Combine(outRoot, ".style-cache"));
        int workers = options.Workers > 0 ? options.Workers : Environment.ProcessorCount;
        using var writes = new BlockingCollection<Action>(4 * Math.Max(1, options.Batch));
        var writing = new MemoryBudget(ImageBatchLoader.DefaultQueueBytes); // images made but not yet written
        // PNG/JPEG encoders on threads of their own (they block on the queue for the whole job: off
        // the thread pool, which the loader's decodes use), one per core, encoding in parallel while
        // the networks run.
        var writers = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Factory.StartNew(() =>
        {
            foreach (var write in writes.GetConsumingEnumerable()) write();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        try
        {
            var preprocessing = options.Recipe == StyleRecipe.Sin ? new Preprocessing(256, SinSize) : new Preprocessing(options.ContentSize, 0);
            var loader = new ImageBatchLoader(preprocessing, Math.Max(1, options.Batch), workers, normalize: false)
            {
                PinMemory = Devices.PinsMemory(transfer.Device),
                MinimumSide = StyleTransfer.MinimumSide, MinimumSideNeededBy = StyleTransfer.EncoderName,
            };
            var byPath = plan.ToDictionary(p => p.Content);
            void ContentFailed(ImageFailure f)
            {
                Skip(f.Path, f.Reason);
                done++;
                progress?.Invoke(done, mine);
            }
            foreach (var batch in loader.Batches(plan.Select(p => p.Content).ToList(), ContentFailed, cancel))
            {
                using var input = batch;
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var contentFeatures = transfer.Encode(batch.Input);
                // AdaIN for the whole batch at once: the content statistics of every image, then one
                // row per (image, style) to make, with that style's cached statistics.
                var (contentMean, contentStd) = AdaIn.MeanStd(contentFeatures);
                var rows = new List<long>();
                var styleMeans = new List<Tensor>();
                var styleStds = new List<Tensor>();
                var targets = new List<(string Content, string Relative, string Style, string Output)>();
                for (int b = 0; b < batch.Paths.Count; b++)
                {
                    var item = byPath[batch.Paths[b]];
                    for (int j = 0; j < item.Styles.Length; j++)
                    {
                        if (File.Exists(item.Outputs[j])) continue;
                        var style = styles[item.Styles[j]];
                        var (sm, ss) = statistics.Get(style);
                        if (sm is null || ss is null)
                        {
                            Skip(item.Content, $"style {style} is unreadable");
                            break; // those before it are still made, as before
                        }
                        rows.Add(b);
                        styleMeans.Add(sm);
                        styleStds.Add(ss);
                        targets.Add((item.Content, item.Relative, style, item.Outputs[j]));
                    }
                    done++;
                }
                if (rows.Count > 0)
                {
                    var index = tensor(rows.ToArray(), device: contentFeatures.device);
                    var cf = contentFeatures.index_select(0, index);
                    var feat = cf.Minus(contentMean.index_select(0, index)).div(contentStd.index_select(0, index))
                        .mul(cat(styleStds, 0)).Plus(cat(styleMeans, 0));
                    var mixed = feat.Times(options.Alpha).Plus(cf.Times(1 - options.Alpha));
                    var images = RgbImage.FromTensors(Devices.On(transfer.Decode(mixed), Devices.Cpu));
                    for (int i = 0; i < targets.Count; i++)
                    {
                        var image = images[i];
                        var (content, relative, style, output) = targets[i];
                        long bytes = image.Pixels.LongLength;
                        writing.Acquire(bytes, cancel);
                        writes.Add(() =>
                        {
                            try
                            {
                                // PNG as opaque RGB at zlib level 3: lossless like any level, half the time of
                                // the default (RGBA, level 6: 11.6 against 5.5 ms for 224², and 15% smaller).
                                if (Format(output) == SKEncodedImageFormat.Png) ImageEncoder.SavePng(output, image, 3);
                                else ImageEncoder.Save(output, image, Format(output));
                                manifest.Enqueue(ManifestLine(relative, styleDir, style, outRoot, output));
                                Interlocked.Increment(ref written);
                            }
                            catch (Exception e) when (e is IOException or UnauthorizedAccessException or TextureBiasException)
                            {
                                writeFailed.TryAdd(content, $"cannot write {output}: {e.Message}");
                            }
                            finally
                            {
                                writing.Release(bytes);
                            }
                        }, cancel);
                    }
                }
                progress?.Invoke(done, mine);
            }
        }
        finally
        {
            writes.CompleteAdding();
            Task.WaitAll(writers.ToArray());
            foreach (var (content, reason) in writeFailed.OrderBy(f => f.Key, StringComparer.Ordinal)) Skip(content, reason);
            AtomicFile.WriteText(manifestPath, "content,style,output\n" + string.Concat(manifest.OrderBy(l => l, StringComparer.Ordinal)));
            CsvText.WriteSkipped(skippedPath, skipped);
        }
        log?.Invoke($"{written} written, {alreadyDone} already there, {failed} skipped");
        return new DatasetStylizeReport(written, alreadyDone, failed, styles.Count, excluded, manifestPath, skippedPath);
    }

    /// <summary>
    /// The styles chosen for a content image: <paramref name="count"/> distinct indices drawn
    /// from a hash of the seed and the relative path, so the choice never depends on which
    /// other images are in the job.
    /// </summary>
    public static int[] ChooseStyles(string relativePath, int styleCount, int count, int seed)
    {
        var chosen = new List<int>();
        for (int draw = 0; chosen.Count < count; draw++)
        {
            var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{relativePath}\n{draw}"));
            int index = (int)(BitConverter.ToUInt64(bytes, 0) % (ulong)styleCount);
            if (!chosen.Contains(index)) chosen.Add(index);
        }
        return chosen.ToArray();
    }

    /// <summary>Refuses options that no job can run with, before any work.</summary>
    /// <exception cref="TextureBiasException">One line naming the option.</exception>
    public static void CheckOptions(DatasetStylizeOptions options)
    {
        if (options.ShardCount < 1 || options.ShardIndex < 1 || options.ShardIndex > options.ShardCount)
            throw new TextureBiasException($"shard {options.ShardIndex}/{options.ShardCount} does not exist (use k/N with 1 ≤ k ≤ N)");
        if (options.NumStyles < 1) throw new TextureBiasException("--num-styles must be at least 1");
        if (options.NumStyles > 1 && options.Recipe == StyleRecipe.Sin)
            throw new TextureBiasException("--num-styles above 1 needs --recipe stylize-datasets (the sin recipe names an output after its content image alone)");
        if (options.Format is not (null or "png" or "jpg")) throw new TextureBiasException("--format must be png or jpg");
        if (options.Recipe == StyleRecipe.StylizeDatasets)
        {
            StyleTransfer.CheckSize("--content-size", options.ContentSize);
            StyleTransfer.CheckSize("--style-size", options.StyleSize);
        }
    }

    /// <summary>
    /// A content image's path relative to the content folder, its folders separated by '/' on
    /// every system: the key of its style choice and its name in the manifest. Only this system's
    /// separators separate (on Linux, <c>sub\x.png</c> is one name).
    /// </summary>
    private static string RelativeKey(string folder, string path)
    {
        string relative = Path.GetRelativePath(folder, path);
        return Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>The output file of a content image (relative path) with a style, inside <paramref name="outRoot"/>.</summary>
    public static string OutputPath(string outRoot, string relativeContent, string style, DatasetStylizeOptions options)
    {
        string dir = Path.GetDirectoryName(relativeContent) ?? "";
        string stem = Path.GetFileNameWithoutExtension(relativeContent);
        string name = options.Recipe == StyleRecipe.Sin
            ? stem + "." + (options.Format ?? "png")
            : $"{stem}-stylized-{Path.GetFileNameWithoutExtension(style)}" + (options.Format is { } f ? "." + f : Path.GetExtension(relativeContent));
        string full = Path.GetFullPath(Path.Combine(outRoot, dir, name));
        if (!full.StartsWith(outRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new TextureBiasException($"{relativeContent}: its output would leave the output folder");
        return full;
    }

    private static SKEncodedImageFormat Format(string path) =>
        ImageEncoder.FormatOf(path) ?? throw new TextureBiasException($"{path}: no image format for this extension");

    /// <summary>
    /// The style files in sorted order, less those whose header is unreadable, (SIN) with a side
    /// under 224, or (kept at their size) too small for the encoder.
    /// </summary>
    private static List<string> UsableStyles(string styleDir, DatasetStylizeOptions options, ConcurrentQueue<string> skipped)
    {
        var usable = new List<string>();
        foreach (var path in ImageFiles.Find(new[] { styleDir }))
        {
            var size = ImageDecoder.ReadSize(path);
            if (size is null) skipped.Enqueue(CsvText.SkippedLine(path, "style excluded: unreadable"));
            else if (options.Recipe == StyleRecipe.Sin && Math.Min(size.Value.Width, size.Value.Height) < SinSize)
                skipped.Enqueue(CsvText.SkippedLine(path, $"style excluded: {size.Value.Width}x{size.Value.Height} is smaller than {SinSize} pixels"));
            else if (options.Recipe == StyleRecipe.StylizeDatasets && options.StyleSize == 0 && Math.Min(size.Value.Width, size.Value.Height) < StyleTransfer.MinimumSide)
                skipped.Enqueue(CsvText.SkippedLine(path, $"style excluded: {size.Value.Width}x{size.Value.Height} is smaller than the {StyleTransfer.MinimumSide} pixels {StyleTransfer.EncoderName} needs"));
            else usable.Add(path);
        }
        return usable;
    }

    /// <summary>
    /// A style as the recipe prepares it: SIN's largest centred square downsampled to 224
    /// (Lanczos, as PIL's thumbnail); else the shorter side resized to <paramref name="styleSize"/> (0 keeps it).
    /// </summary>
    public static RgbImage PrepareStyle(RgbImage style, StyleRecipe recipe, int styleSize = 512)
    {
        if (recipe != StyleRecipe.Sin) return new Preprocessing(styleSize, 0).Geometry(style);
        int side = Math.Min(style.Width, style.Height);
        var square = Preprocessing.CropRegion(style, (style.Width - side) / 2, (style.Height - side) / 2, side, side);
        return side > SinSize ? PilResize.Lanczos(square, SinSize, SinSize) : square;
    }

    private static string ManifestLine(string relative, string styleDir, string style, string outRoot, string output) =>
        $"{CsvText.Field(relative)},{CsvText.Field(RelativeKey(styleDir, style))},{CsvText.Field(RelativeKey(outRoot, output))}\n";



    /// <summary>relu4_1 mean and std of each style, computed once and cached on disk.</summary>
    private sealed class StyleStatistics
    {
        private readonly StyleTransfer _transfer;
        private readonly StyleRecipe _recipe;
        private readonly int _styleSize;
        private readonly string _cache;
        private readonly string _network;

        public StyleStatistics(StyleTransfer transfer, StyleRecipe recipe, int styleSize, string cache)
        {
            _transfer = transfer;
            _recipe = recipe;
            _styleSize = recipe == StyleRecipe.Sin ? SinSize : styleSize;
            _cache = cache;
            Directory.CreateDirectory(cache);
            // The encoder's identity: a checksum of its weights, taken on the CPU (the same on every device).
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            double sum = transfer.Encoder.parameters().Sum(p => Devices.On(p, Devices.Cpu).abs().sum().to(ScalarType.Float64).item<double>());
            _network = sum.ToString("R", CultureInfo.InvariantCulture);
        }

        /// <summary>[1,512,1,1] mean and std on the transfer's device, or (null, null) when the style cannot be decoded.</summary>
        public (Tensor? Mean, Tensor? Std) Get(string style)
        {
            var info = new FileInfo(style);
            var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
                $"{_recipe}\n{_styleSize}\n{info.FullName}\n{info.Length}\n{info.LastWriteTimeUtc.Ticks}\n{_network}")))[..32];
            var file = Path.Combine(_cache, key + ".f32");
            int channels = 512;
            if (File.Exists(file) && new FileInfo(file).Length == 2 * channels * 4)
            {
                var values = new float[2 * channels];
                Buffer.BlockCopy(File.ReadAllBytes(file), 0, values, 0, values.Length * 4);
                var device = _transfer.Device;
                return (tensor(values[..channels], device: device).view(1, channels, 1, 1), tensor(values[channels..], device: device).view(1, channels, 1, 1));
            }
            RgbImage image;
            try
            {
                image = PrepareStyle(ImageDecoder.Decode(style), _recipe, _styleSize);
                if (StyleTransfer.SizeProblem(image, 0) is not null) return (null, null);
            }
            catch (TextureBiasException) { return (null, null); }
            using var scope = NewDisposeScope();
            // In float32 whatever the precision of the job: the cache serves every job.
            var (mean, std) = AdaIn.MeanStd(_transfer.Encoder.forward(Devices.Upload(image.ToTensor().unsqueeze(0), _transfer.Device)));
            var both = Devices.On(cat(new[] { mean.flatten(), std.flatten() }), Devices.Cpu).data<float>().ToArray();
            var bytes = new byte[both.Length * 4];
            Buffer.BlockCopy(both, 0, bytes, 0, bytes.Length);
            AtomicFile.Write(file, s => s.Write(bytes));
            return (mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
        }
    }
}
