using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Imaging;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias distort</c>: the reference's robustness distortions, of one image or of a folder.</summary>
internal static class DistortCommand
{
    public static Command Create()
    {
        var distortion = new Option<string>("--distortion") { Description = "One of: " + string.Join(", ", DistortionRegistry.Names), Required = true };
        var level = new Option<string?>("--level") { Description = "Single image: the level, a condition string (c10, inf, pow, False) or a number" };
        var image = new Option<string?>("--image") { Description = "Single image: the input image" };
        var output = new Option<string?>("--out") { Description = "Single image: the output image (.png)" };
        var data = new Option<string?>("--data") { Description = "Folder form: the images (walked recursively)" };
        var outDir = new Option<string?>("--out-dir") { Description = "Folder form: output folder, one sub-folder per level (its condition string) mirroring --data" };
        var levels = new Option<string?>("--levels") { Description = "Folder form: levels, comma-separated (default: the reference's levels of the distortion)" };
        var shard = new Option<string>("--shard") { Description = "Folder form: this job's part k/N (1 ≤ k ≤ N)", DefaultValueFactory = _ => "1/1" };
        var numpySeed = new Option<long?>("--numpy-seed") { Description = "Noise from numpy's RandomState(S), restarted for every image and level, as the reference run with that seed (default: our own fast generator)" };
        var seed = new Option<int>("--seed") { Description = "Seed of our own noise generator (without --numpy-seed)", DefaultValueFactory = _ => 0 };
        var workers = new Option<int>("--workers") { Description = "Folder form: threads (0: one per core)", DefaultValueFactory = _ => 0 };
        var truncate = new Option<bool>("--truncate") { Description = "Save by truncation (the reference's 2023 code) instead of rounding (its published stimuli, scipy toimage)" };
        var command = new Command("distort", "The robustness distortions of Geirhos et al. 2018 exactly as the reference code makes them: one image (--image/--level/--out) or a folder (--data/--out-dir).")
        {
            distortion, level, image, output, data, outDir, levels, shard, numpySeed, seed, workers, truncate,
        };
        PathOptions.Declare(inputFiles: [image], inputFolders: [data], outputFiles: [output], outputFolders: [outDir]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var d = DistortionRegistry.Get(r.GetValue(distortion)!);
            var quantisation = r.GetValue(truncate) ? PixelQuantisation.Truncate : PixelQuantisation.Round;
            long? npSeed = r.GetValue(numpySeed);
            if (npSeed is < 0 or > uint.MaxValue) throw new TextureBiasException($"--numpy-seed {npSeed}: numpy seeds are 0 to 4294967295");
            if (r.GetValue(data) is not null || r.GetValue(outDir) is not null)
            {
                if (r.GetValue(data) is not { } dataDir || r.GetValue(outDir) is not { } outFolder)
                    throw new TextureBiasException("the folder form needs --data and --out-dir");
                if (r.GetValue(image) is not null || r.GetValue(output) is not null || r.GetValue(level) is not null)
                    throw new TextureBiasException("give either --image/--level/--out or --data/--out-dir (with --levels), not both");
                var parts = r.GetValue(shard)!.Split('/');
                if (parts.Length != 2 || !int.TryParse(parts[0], out int k) || !int.TryParse(parts[1], out int n) || k < 1 || n < 1 || k > n)
                    throw new TextureBiasException($"--shard '{r.GetValue(shard)}' is not k/N with 1 ≤ k ≤ N");
                var chosen = r.GetValue(levels) is { } list ? list.Split(',').Select(d.ParseLevel).ToList() : d.Levels.ToList();
                var options = new DistortOptions
                {
                    ShardIndex = k, ShardCount = n, NumpySeed = npSeed, Seed = r.GetValue(seed), Workers = r.GetValue(workers), Quantisation = quantisation,
                };
                var watch = Stopwatch.StartNew();
                static void Skipped(ImageFailure f) => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
                DistortReport? report = null;
                string label = Markup.Escape($"distort {d.Name} (shard {k}/{n})");
                if (!Console.IsErrorRedirected)
                    CommandRunner.Error.Progress()
                        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                        .Start(ctx =>
                        {
                            var task = ctx.AddTask(label);
                            report = DatasetDistorter.Run(d, chosen, dataDir, outFolder, options, (done, total) =>
                            {
                                task.MaxValue = Math.Max(1, total);
                                task.Value = done;
                            }, Skipped, cancel);
                        });
                else
                    report = DatasetDistorter.Run(d, chosen, dataDir, outFolder, options, null, Skipped, cancel);
                Console.Error.WriteLine($"texturebias: {report!.Written} images written, {report.AlreadyDone} inputs already done, {report.Skipped} skipped " +
                    $"({chosen.Count} levels: {string.Join(", ", chosen.Select(l => l.Condition))}) in {watch.Elapsed.TotalSeconds:0.0} s; skipped inputs {report.SkippedList}");
                return report.Skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
            }
            if (r.GetValue(image) is not { } inPath || r.GetValue(output) is not { } outPath || r.GetValue(level) is not { } levelText)
                throw new TextureBiasException("give --image, --level and --out (one image), or --data and --out-dir (a folder)");
            var format = ImageEncoder.FormatOf(outPath)
                ?? throw new TextureBiasException($"--out: cannot write '{Path.GetExtension(outPath)}' images (use .png)");
            var lvl = d.ParseLevel(levelText);
            var input = FloatImage.FromRgb(ImageDecoder.Decode(inPath));
            var noise = NoiseSeeds.For(npSeed, r.GetValue(seed), Path.GetFileName(inPath), lvl);
            var result = d.Apply(input, lvl, noise).ToRgb(quantisation);
            ImageEncoder.Save(outPath, result, format);
            Console.Error.WriteLine($"texturebias: {d.Name} {lvl.Condition}: {outPath}");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
