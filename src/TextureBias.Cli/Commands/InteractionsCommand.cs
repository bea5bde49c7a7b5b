using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TextureBias.Attribution;
using TextureBias.Comparison;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias interactions</c>: interactions between image parts (masking pairs of patches) per gap bin, for one or more models.</summary>
internal static class InteractionsCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture of every --weights file (not needed with registered --weights or a known weight file; alone: random weights): {string.Join(", ", Architectures.Names)}" };
        var weights = new Option<string?>("--weights") { Description = "Weight files or registered names, comma-separated: every model is measured on the same images and patch pairs" };
        var data = new Option<string>("--data") { Description = "Images (found recursively); in ImageNet <wnid>/ folders (or classes the checkpoint names) the target is the true class, else the clean top-1 class", Required = true };
        var images = new Option<int?>("--images") { Description = "Only the first N images (in path order)" };
        var patch = new Option<int>("--patch") { Description = "Side of the square patches in pixels (after resize and crop)", DefaultValueFactory = _ => 33 };
        var pairs = new Option<int>("--pairs") { Description = "Patch pairs per image, spread evenly over the gap bins", DefaultValueFactory = _ => 200 };
        var bins = new Option<string>("--bins") { Description = "Lower edges of the gap bins in pixels, comma-separated (the last bin is open-ended)", DefaultValueFactory = _ => "0,8,16,32,48,64,96,128" };
        var seed = new Option<int>("--seed") { Description = "Seed of the patch placement", DefaultValueFactory = _ => 0 };
        var fill = new Option<string>("--fill") { Description = "What masked patches are filled with: zero (the network's zero input: the dataset's mean colour, as BagNet's heatmap padding), mean (the image's mean colour), blur", DefaultValueFactory = _ => "zero" };
        var sigma = new Option<double>("--blur-sigma") { Description = "Standard deviation in pixels of the blur fill", DefaultValueFactory = _ => 10 };
        var allLogits = new Option<bool>("--all-logits") { Description = "Statistics over every logit (default: the target class's logit)" };
        var batch = new Option<int>("--batch") { Description = "Masked copies per forward pass", DefaultValueFactory = _ => 32 };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for no crop)", DefaultValueFactory = _ => 224 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var csv = new Option<string?>("--csv") { Description = "Per model and gap bin: pairs, correlation, non-additivity (CSV)" };
        var pairsOut = new Option<string?>("--pairs-out") { Description = "Every pair's target-logit changes Δ(p), Δ(q), Δ(p,q) (CSV)" };
        var plot = new Option<string?>("--plot") { Description = "Correlation and relative non-additivity against the gap, one line per model (PNG)" };
        var output = new Option<string?>("--out") { Description = "Results folder, written image by image (one subfolder per model): run the same command again to go on after a stop" };
        var device = DeviceOption.Create();
        var command = new Command("interactions", "Interactions between image parts: mask pairs of patches at a range of gaps and compare the logit change of masking both with the sum of the single changes (BagNet paper).")
        {
            arch, weights, data, images, patch, pairs, bins, seed, fill, sigma, allLogits, batch, resize, crop, json, csv, pairsOut, plot, output, device,
        };
        PathOptions.Declare(inputFolders: [data], outputFiles: [csv, pairsOut, plot], outputFolders: [output]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            var options = new InteractionOptions
            {
                Patch = r.GetValue(patch), PairsPerImage = r.GetValue(pairs), BinEdges = ParseBins(r.GetValue(bins)!), Seed = r.GetValue(seed),
                Fill = AttributionNames.Parse(AttributionNames.Baselines, r.GetValue(fill)!, "fill"), BlurSigma = r.GetValue(sigma),
                AllLogits = r.GetValue(allLogits), BatchSize = r.GetValue(batch), KeepPairs = r.GetValue(pairsOut) is not null,
            };
            options.Validate();
            if (r.GetValue(weights) is null && r.GetValue(arch) is null) throw new TextureBiasException("give the models: --weights A[,B...] (or --arch for random weights)");
            if (r.GetValue(images) is < 1) throw new TextureBiasException("--images must be at least 1");
            var geometry = CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop));
            Devices.TuneFor(on, fixedSize: geometry.Crop > 0);
            string dir = r.GetValue(data)!;
            var files = ImageFiles.Find([dir]).Order(StringComparer.Ordinal).ToList();
            if (r.GetValue(images) is { } n) files = files.Take(n).ToList();
            if (files.Count == 0) throw new TextureBiasException($"no images in {dir}");
            var folder = FolderWalker.Subfolders(dir).Count > 0 ? ImageFolder.Open([dir]) : null;
            var models = RobustnessModels.Load(r.GetValue(arch), r.GetValue(weights), null, geometry);
            try
            {
                Preprocessing PreprocessingOf(RobustnessModel model) => geometry with { Mean = model.Normalization.Mean, Std = model.Normalization.Std };
                var sources = r.GetValue(weights)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
                var stores = models.Select((m, i) => r.GetValue(output) is { } root
                    ? InteractionStore.Open(Path.Combine(root, m.Name.Replace('/', '_')), new InteractionRun(m.Name, Path.GetFullPath(dir), files.Count,
                        PreprocessingOf(m).ToString(), InteractionStore.Describe(options),
                        i < sources.Length ? InteractionStore.WeightsIdentity(sources[i]) : $"{m.Model.Architecture}, random weights"))
                    : null).ToList();
                var results = CommandRunner.WithProgress($"interactions: {models.Count} model(s)", models.Count * files.Count, progress =>
                {
                    var list = new List<(string, InteractionResult)>();
                    for (int m = 0; m < models.Count; m++)
                    {
                        int offset = m * files.Count;
                        var preprocessing = PreprocessingOf(models[m]);
                        var store = stores[m];
                        list.Add((models[m].Name, Interactions.Run(models[m].Model, files, preprocessing, options, folder,
                            m == 0 ? f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}") : null, k => progress?.Invoke(offset + k), cancel, store, on)));
                    }
                    return list;
                });
                foreach (var store in stores)
                    if (store is { Reused: > 0 }) Console.Error.WriteLine($"texturebias: {store.Reused} image(s) read back from {store.Folder}");
                if (results[0].Item2.Images == 0) throw new TextureBiasException($"no image of {dir} could be measured");
                var targets = models.Select(m => folder?.KnownModelIndices(m.Model.NumClasses, m.Model.Metadata.Classes) is not null ? "true class" : "clean top-1 class").ToList();
                if (r.GetValue(csv) is { } csvPath) AtomicFile.WriteText(csvPath, InteractionCsv.Bins(results));
                if (r.GetValue(pairsOut) is { } pairsPath) AtomicFile.WriteText(pairsPath, InteractionCsv.Pairs(results, options.BinEdges));
                string what = options.AllLogits ? "all logits" : $"the {(targets.Distinct().Count() == 1 ? targets[0] : "target class")}'s logit";
                string caption = $"{options.Patch}×{options.Patch} patches filled with {AttributionNames.Baselines.First(b => b.Value == options.Fill).Key}, " +
                    $"{options.PairsPerImage} pairs per image, {results[0].Item2.Images} images; over {what}";
                if (r.GetValue(plot) is { } png) InteractionPlot.Save(png, "Interactions between image parts", caption, results);
                if (r.GetValue(json)) PrintJson(results, targets, options);
                else
                {
                    Console.WriteLine(caption);
                    for (int m = 0; m < results.Count; m++)
                    {
                        var (name, result) = results[m];
                        Console.WriteLine($"{name} (target: {targets[m]}):");
                        Console.WriteLine("  gap      pairs      r        non-additivity  relative");
                        foreach (var b in result.Bins)
                            Console.WriteLine(FormattableString.Invariant($"  {b.Label,-8} {b.Pairs,6}  {F(b.Correlation, "0.0000"),8}  {F(b.MeanNonAdditivity, "0.000E+0"),14}  {F(b.RelativeNonAdditivity, "0.0000"),8}"));
                    }
                }
                int skipped = results[0].Item2.Skipped;
                return skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
            }
            finally
            {
                foreach (var m in models) m.Model.Dispose();
            }
        }));
        return command;
    }

    static string F(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    static List<int> ParseBins(string text)
    {
        var edges = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            edges.Add(int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
                : throw new TextureBiasException($"--bins: '{part}' is not a whole number of pixels"));
        return edges;
    }

    static void PrintJson(List<(string Name, InteractionResult Result)> results, List<string> targets, InteractionOptions options)
    {
        var doc = new
        {
            patch = options.Patch, pairs_per_image = options.PairsPerImage, bins = options.BinEdges, seed = options.Seed,
            fill = AttributionNames.Baselines.First(b => b.Value == options.Fill).Key, all_logits = options.AllLogits,
            models = results.Select((m, i) => new
            {
                name = m.Name, target = targets[i], images = m.Result.Images, skipped = m.Result.Skipped,
                bins = m.Result.Bins.Select(b => new
                {
                    low = b.Low, high = b.High, label = b.Label, pairs = b.Pairs, values = b.Values, r = b.Correlation,
                    mean_nonadditivity = b.MeanNonAdditivity, mean_abs_joint = b.MeanJoint, relative_nonadditivity = b.RelativeNonAdditivity,
                }),
            }),
        };
        Console.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }
}
