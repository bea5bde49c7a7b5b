using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TextureBias.Attribution;
using TextureBias.Comparison;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias mask</c>: feature sensitivity by masking the patches a heatmap ranks highest (BagNet paper §5).</summary>
internal static class MaskCommand
{
    public static Command Create()
    {
        var models = new Option<string>("--models") { Description = "The networks: weight files or registered names, comma-separated", Required = true };
        var arch = new Option<string?>("--arch") { Description = "The architecture of --models files that do not say it" };
        var data = new Option<string>("--data") { Description = "Image folder (ImageNet <wnid>/ folders, or classes the networks name)", Required = true };
        var ranking = new Option<string>("--ranking") { Description = "Patch orders, comma-separated: a BagNet's weights (file or name, e.g. bagnet33), own:METHOD (each network's own heatmap: gradient-input, integrated-gradients, deeplift, occlusion), random", DefaultValueFactory = _ => "random" };
        var patch = new Option<int>("--patch") { Description = "Side of the square patches", DefaultValueFactory = _ => 33 };
        var steps = new Option<string>("--steps") { Description = "Numbers of top patches masked, comma-separated", DefaultValueFactory = _ => "0,1,2,4,8,16,32" };
        var fill = new Option<string>("--fill") { Description = "What masked patches show: zero (the mean colour), mean (the image's mean colour), blur", DefaultValueFactory = _ => "zero" };
        var baseline = new Option<string>("--baseline") { Description = "Baseline of the own heatmaps (integrated gradients, DeepLIFT, occlusion): zero, blur, mean", DefaultValueFactory = _ => "zero" };
        var images = new Option<int>("--images") { Description = "At most this many images, spread over the folder (0: all)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random order", DefaultValueFactory = _ => 0 };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for no crop)", DefaultValueFactory = _ => 224 };
        var csv = new Option<string?>("--csv") { Description = "Write the points as CSV" };
        var plot = new Option<string?>("--plot") { Description = "Top-5 accuracy against masked patches, a panel per ranking, a line per network (PNG)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var device = DeviceOption.Create();
        var command = new Command("mask", "Feature sensitivity: mask the patches a heatmap (a BagNet's, each network's own, or random) ranks highest and measure each network's true-class logit and accuracy.")
        {
            models, arch, data, ranking, patch, steps, fill, baseline, images, seed, resize, crop, csv, plot, json, device,
        };
        PathOptions.Declare(inputFolders: [data], outputFiles: [csv, plot]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            var geometry = CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop));
            Devices.TuneFor(on, fixedSize: geometry.Crop > 0);
            var stepList = CommandRunner.Counts(r.GetValue(steps)!, "--steps", "patches");
            var options = new MaskingOptions
            {
                Patch = r.GetValue(patch), Steps = stepList, Seed = r.GetValue(seed), MaxImages = Math.Max(0, r.GetValue(images)),
                Fill = AttributionNames.Parse(AttributionNames.Baselines, r.GetValue(fill)!, "fill"),
                Attribution = new AttributionOptions { Baseline = AttributionNames.Parse(AttributionNames.Baselines, r.GetValue(baseline)!, "baseline") },
            };
            var rankingNames = r.GetValue(ranking)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (rankingNames.Length == 0) throw new TextureBiasException("--ranking names no ranking");
            var loaded = RobustnessModels.Load(r.GetValue(arch), r.GetValue(models), null, geometry);
            var bagnets = new List<BagNet>();
            try
            {
                var rankings = rankingNames.Select(name =>
                {
                    if (name.Equals("random", StringComparison.OrdinalIgnoreCase)) return PatchRanking.Random;
                    if (name.StartsWith("own:", StringComparison.OrdinalIgnoreCase))
                    {
                        var method = AttributionNames.Parse(AttributionNames.Methods, name[4..], "method");
                        if (method == AttributionMethod.BagNet) throw new TextureBiasException("--ranking own:bagnet: give the BagNet's weights as the ranking (e.g. bagnet33)");
                        return PatchRanking.Own(method);
                    }
                    var bagnet = ModelLoading.LoadBagNet(null, name, "--ranking by class evidence");
                    bagnets.Add(bagnet);
                    return PatchRanking.ByBagNet(ModelLoading.WeightsName(name), bagnet);
                }).ToList();
                int total = ImageFolder.Open(new[] { r.GetValue(data)! }).Samples.Count;
                if (options.MaxImages > 0) total = Math.Min(total, options.MaxImages);
                var points = CommandRunner.WithProgress($"masking: {loaded.Count} network(s), {rankings.Count} ranking(s)", total, progress =>
                    FeatureSensitivity.Run(loaded, r.GetValue(data)!, geometry, rankings, options,
                        f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), progress, cancel, on));
                Report(points, rankings, options, r.GetValue(csv), r.GetValue(plot), r.GetValue(json));
                return CommandRunner.Ok;
            }
            finally
            {
                foreach (var m in loaded) m.Model.Dispose();
                foreach (var b in bagnets) b.Dispose();
            }
        }));
        return command;
    }

    static void Report(IReadOnlyList<MaskingPoint> points, IReadOnlyList<PatchRanking> rankings, MaskingOptions options, string? csv, string? plot, bool json)
    {
        if (csv is not null) FeatureSensitivity.WriteCsv(csv, points);
        if (plot is not null)
        {
            var steps = points.Select(p => p.Masked).Distinct().Order().ToList();
            var panels = rankings.Select(rk => new RobustnessPanel($"ranking: {rk.Name}", $"top {options.Patch}×{options.Patch} patches masked",
                steps.Select(k => k.ToString(CultureInfo.InvariantCulture)).ToList(),
                points.Select(p => p.Model).Distinct().Select(m => new RobustnessSeries(m,
                    steps.Select(k => points.FirstOrDefault(p => p.Model == m && p.Ranking == rk.Name && p.Masked == k)?.Top5 ?? double.NaN).ToList())).ToList(),
                "top-5 accuracy")).ToList();
            RobustnessFigure.Save(plot, panels, "Feature sensitivity: masking the top-ranked patches");
        }
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(points, new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
                NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            }));
            return;
        }
        var table = new Table().AddColumns("network", "ranking", "masked", "images", "true-class logit", "top-1", "top-5");
        foreach (var p in points)
            table.AddRow(Markup.Escape(p.Model), Markup.Escape(p.Ranking), p.Masked.ToString(CultureInfo.InvariantCulture), p.Images.ToString(CultureInfo.InvariantCulture),
                p.TrueClassLogit.ToString("0.000", CultureInfo.InvariantCulture), (100 * p.Top1).ToString("0.0", CultureInfo.InvariantCulture) + "%",
                (100 * p.Top5).ToString("0.0", CultureInfo.InvariantCulture) + "%");
        AnsiConsole.Write(table);
    }
}
