using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Distortions;
using TextureBias.Evaluation;
using TextureBias.Models;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias robustness</c>: accuracy per distortion level, with a plot.</summary>
internal static class RobustnessCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)} (not needed with registered --weights or a known weight file)" };
        var weights = new Option<string?>("--weights") { Description = "Weight file, or a registered name (see classify)" };
        var data = new Option<string>("--data") { Description = "Image folder in the ImageFolder layout", Required = true };
        var distortion = new Option<string>("--distortion") { Description = string.Join("|", DistortionRegistry.Names), Required = true };
        var levels = new Option<string?>("--levels") { Description = "Levels, comma-separated: condition strings (c10, inf, pow) or numbers (default: the reference's)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the noise (our own generator)", DefaultValueFactory = _ => 0 };
        var numpySeed = new Option<long?>("--numpy-seed") { Description = "Noise from numpy's RandomState(S) for every image, as the reference run with that seed" };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for no crop)", DefaultValueFactory = _ => 224 };
        var plot = new Option<string?>("--plot") { Description = "Plot accuracy over the levels (PNG)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("robustness", "Accuracy under the reference's image distortions (see distort) per level.")
        {
            arch, weights, data, distortion, levels, seed, numpySeed, resize, crop, plot, json,
        };
        PathOptions.Declare(inputFolders: [data], outputFiles: [plot]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var kind = DistortionRegistry.Get(r.GetValue(distortion)!);
            var levelList = r.GetValue(levels) is { } text
                ? text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(kind.ParseLevel).ToList()
                : kind.Levels.ToList();
            long? npSeed = r.GetValue(numpySeed);
            if (npSeed is < 0 or > uint.MaxValue) throw new TextureBiasException($"--numpy-seed {npSeed}: numpy seeds are 0 to 4294967295");
            var folder = ImageFolder.Open(new[] { r.GetValue(data)! });
            using var model = ModelLoading.Load(r.GetValue(arch), r.GetValue(weights));
            var results = CommandRunner.WithProgress($"{kind.Name} at {levelList.Count} levels", levelList.Count * folder.Samples.Count, progress =>
                Robustness.Evaluate(model, folder, CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop)), kind, levelList, r.GetValue(seed), npSeed, 32,
                    f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), cancel, progress));
            if (r.GetValue(plot) is { } png)
                AccuracyPlot.Save(png, $"{ModelLoading.Label(model.Architecture, r.GetValue(weights))} under {kind.Name}", kind.Name + " level", results.Select(x => x.Level.Condition).ToList(),
                    results.Select(x => x.Result.Top1).ToList(), results.Select(x => x.Result.Top5).ToList());
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(results.Select(x => new { level = x.Level.Condition, value = double.IsFinite(x.Level.Value) ? x.Level.Value : (double?)null, top1 = x.Result.Top1, top5 = x.Result.Top5, images = x.Result.Images })));
            else
                foreach (var (level, result) in results)
                    Console.WriteLine($"{kind.Name} {level.Condition,6}: top-1 {result.Top1:0.00}%  top-5 {result.Top5:0.00}%");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
