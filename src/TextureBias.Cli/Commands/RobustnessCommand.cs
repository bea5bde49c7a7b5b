using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TextureBias.Data;
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
        var distortion = new Option<string?>("--distortion") { Description = string.Join("|", Distortions.Names) + " (required unless --raw-data or --humans)" };
        var levels = new Option<string?>("--levels") { Description = "Levels, comma-separated (default: the paper's; 0 is undistorted)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the noise", DefaultValueFactory = _ => 0 };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the size)", DefaultValueFactory = _ => 256 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for no crop)", DefaultValueFactory = _ => 224 };
        var plot = new Option<string?>("--plot") { Description = "Plot accuracy over the levels (PNG)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var colour = new Option<bool>("--colour") { Description = "Distort the colour images (default: grey first, as the papers)" };
        var rawData = new Option<string[]>("--raw-data") { Description = "Instead of a model: accuracy per condition of every observer in these raw-data CSV files (model-vs-human format), and pooled", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var humans = new Option<string?>("--humans") { Description = $"Instead of (or with) --raw-data: the bundled human observers of an experiment: {string.Join(", ", TextureBias.Observers.HumanObservers.Experiments)}" };
        var command = new Command("robustness", "Accuracy under image distortions (uniform noise, contrast, low-pass, high-pass, phase noise) per level.")
        {
            arch, weights, data, distortion, levels, seed, resize, crop, plot, json, colour, rawData, humans,
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
            string kind = r.GetValue(distortion)!;
            var levelList = r.GetValue(levels) is { } text
                ? text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && x >= 0
                    ? x : throw new TextureBiasException($"--levels: '{l}' is not a non-negative number")).ToList()
                : Distortions.DefaultLevels(kind).ToList();
            Distortions.DefaultLevels(kind);
            var folder = ImageFolder.Open(new[] { r.GetValue(data)! });
            using var model = ModelLoading.Load(r.GetValue(arch), r.GetValue(weights));
            var results = CommandRunner.WithProgress($"{kind} at {levelList.Count} levels", levelList.Count * folder.Samples.Count, progress =>
                Robustness.Evaluate(model, folder, CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop)), kind, levelList, r.GetValue(seed), 32,
                    f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), cancel, progress, greyscale: !r.GetValue(colour)));
            if (r.GetValue(plot) is { } png)
                AccuracyPlot.Save(png, $"{ModelLoading.Label(model.Architecture, r.GetValue(weights))} under {kind}", kind + " level", results.Select(x => x.Level.ToString("G4", CultureInfo.InvariantCulture)).ToList(),
                    results.Select(x => x.Result.Top1).ToList(), results.Select(x => x.Result.Top5).ToList());
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(results.Select(x => new { level = x.Level, top1 = x.Result.Top1, top5 = x.Result.Top5, images = x.Result.Images })));
            else
                foreach (var (level, result) in results)
                    Console.WriteLine($"{kind} {level,6:G4}: top-1 {result.Top1:0.00}%  top-5 {result.Top5:0.00}%");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
