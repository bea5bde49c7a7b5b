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
        var data = new Option<string?>("--data") { Description = "Image folder in the ImageFolder layout (required unless --raw-data or --humans)" };
        var distortion = new Option<string?>("--distortion") { Description = string.Join("|", DistortionRegistry.Names) + " (required unless --raw-data or --humans)" };
        var levels = new Option<string?>("--levels") { Description = "Levels, comma-separated: condition strings (c10, inf, pow) or numbers (default: the reference's)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the noise (our own generator)", DefaultValueFactory = _ => 0 };
        var numpySeed = new Option<long?>("--numpy-seed") { Description = "Noise from numpy's RandomState(S) for every image, as the reference run with that seed" };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for no crop)", DefaultValueFactory = _ => 224 };
        var plot = new Option<string?>("--plot") { Description = "Plot accuracy over the levels (PNG)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var rawData = new Option<string[]>("--raw-data") { Description = "Instead of a model: accuracy per condition of every observer in these raw-data CSV files (model-vs-human format), and pooled", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var humans = new Option<string?>("--humans") { Description = $"Instead of (or with) --raw-data: the bundled human observers of an experiment: {string.Join(", ", TextureBias.Observers.HumanObservers.Experiments)}" };
        var command = new Command("robustness", "Accuracy under the reference's image distortions (see distort) per level; or, with --raw-data/--humans, of observers' trials.")
        {
            arch, weights, data, distortion, levels, seed, numpySeed, resize, crop, plot, json, rawData, humans,
        };
        PathOptions.Declare(inputFolders: [data], inputFiles: [rawData], outputFiles: [plot]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            if (r.GetValue(rawData) is { Length: > 0 } || r.GetValue(humans) is not null)
            {
                if ((r.GetValue(arch) ?? r.GetValue(weights) ?? r.GetValue(data) ?? r.GetValue(distortion)) is not null)
                    throw new TextureBiasException("--raw-data and --humans analyse existing trials: leave out --arch, --weights, --data and --distortion");
                return RawDataRobustness.Run(r.GetValue(rawData) ?? [], r.GetValue(humans), r.GetValue(plot), r.GetValue(json));
            }
            if (r.GetValue(data) is null || r.GetValue(distortion) is null)
                throw new TextureBiasException("give --data DIR and --distortion KIND (a model), or --raw-data FILE... / --humans EXPERIMENT (existing trials)");
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
