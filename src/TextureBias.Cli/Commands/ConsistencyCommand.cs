using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TextureBias.Observers;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias consistency</c>: error consistency (Cohen's kappa) of observers in raw-data CSV files and of the bundled human observers.</summary>
internal static class ConsistencyCommand
{
    public static Command Create()
    {
        var rawData = new Option<string[]>("--raw-data") { Description = "Raw-data CSV files (model-vs-human format); every subject (subj) in them is an observer", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var humans = new Option<string?>("--humans") { Description = $"Add the 4 human observers of a noise-generalisation experiment (bundled model-vs-human data): {string.Join(", ", HumanObservers.Experiments)}" };
        var unmatched = new Option<bool>("--allow-unmatched") { Description = "Leave out trials whose image the other observer has not seen under that condition (default: an error, as model-vs-human)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var output = new Option<string?>("--out") { Description = "Draw the kappa matrix as a heatmap (PNG)" };
        var weights = new Option<string?>("--weights") { Description = "Live models: weight files or registered names, comma-separated (1000-class ImageNet models; 16-class decisions)" };
        var arch = new Option<string?>("--arch") { Description = "The architecture of every --weights file (default: from the registry or the file)" };
        var data = new Option<string?>("--data") { Description = "The stimuli for --weights: model-vs-human stimulus names (NNNN_exp_dnn_condition_category_...), or <condition>/<category>/ or <category>/ folders" };
        var resize = new Option<int?>("--resize") { Description = "Shorter side after resizing (default: the checkpoint's, else 0: none, as model-vs-human)" };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (default: the checkpoint's, else 224, as model-vs-human)" };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 32 };
        var rawOut = new Option<string?>("--raw-data-out") { Description = "Write each model's trials to this folder as <name>.csv (raw-data format)" };
        var device = DeviceOption.Create();
        var command = new Command("consistency", "Error consistency (Geirhos, Meding & Wichmann 2020): Cohen's kappa of observers' correct/wrong trials, matched by image, per condition and overall.")
        {
            rawData, humans, unmatched, json, output, weights, arch, data, resize, crop, batch, rawOut, device,
        };
        PathOptions.Declare(inputFiles: [rawData], inputFolders: [data], outputFiles: [output], outputFolders: [rawOut]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var observers = RawData.Observers(r.GetValue(rawData) ?? []);
            if (r.GetValue(weights) is { } list)
            {
                if (r.GetValue(data) is not { } dir) throw new TextureBiasException("--weights needs --data (the stimuli to classify)");
                var on = DeviceOption.Parse(r.GetValue(device));
                CommandRunner.CheckSizes(r.GetValue(resize), r.GetValue(crop));
                foreach (var w in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    using var model = ModelLoading.Load(r.GetValue(arch), w);
                    string name = ModelLoading.WeightsName(w);
                    var preprocessing = CommandRunner.Preprocessing(model, r.GetValue(resize), r.GetValue(crop), new TextureBias.Imaging.Preprocessing(0, 224));
                    int count = Directory.Exists(dir) ? TextureBias.Data.ImageFiles.Find(new[] { dir }).Count : 0;
                    var trials = CommandRunner.WithProgress(name, count, progress => ModelTrials.Run(model, name, dir, preprocessing, Math.Max(1, r.GetValue(batch)),
                        f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), progress, cancel, on));
                    cancel.ThrowIfCancellationRequested();
                    if (r.GetValue(rawOut) is { } outDir)
                    {
                        Directory.CreateDirectory(outDir);
                        RawData.Write(Path.Combine(outDir, name + ".csv"), trials);
                    }
                    observers.Add((name, trials));
                }
            }
            if (r.GetValue(humans) is { } experiment)
                observers.AddRange(ErrorConsistency.BySubject(HumanObservers.Load().Of(experiment)));
            if (observers.Count < 2)
                throw new TextureBiasException($"give at least two observers: --raw-data FILE..., --humans EXPERIMENT and/or --weights A,B --data DIR (found {observers.Count})");
            var matrix = ErrorConsistency.Matrix(observers, r.GetValue(unmatched));
            if (r.GetValue(output) is { } png)
                ConsistencyMatrixFigure.Save(png, matrix, "Error consistency (Cohen's κ)" + (r.GetValue(humans) is { } e ? $", {e}" : ""));
            if (r.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(matrix, new JsonSerializerOptions
                {
                    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
                    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
                }));
                return CommandRunner.Ok;
            }
            static string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
            var table = new Table().AddColumns("observer A", "observer B", "trials", "acc A", "acc B", "c_obs", "c_exp", "κ pooled", "κ per condition, mean");
            foreach (var p in matrix.Pairs)
                table.AddRow(Markup.Escape(p.ObserverA), Markup.Escape(p.ObserverB), p.All.Trials.ToString(CultureInfo.InvariantCulture), F(p.All.AccuracyA), F(p.All.AccuracyB),
                    F(p.All.Observed), F(p.All.Expected), F(p.All.Kappa), F(p.MeanKappa));
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine("c_obs, c_exp and κ pooled: over all matched trials; the matrix and --out use the mean of the per-condition κ.");
            if (matrix.Pairs.Count == 1)
            {
                var per = new Table().AddColumns("condition", "trials", "acc A", "acc B", "c_obs", "c_exp", "kappa");
                foreach (var c in matrix.Pairs[0].PerCondition)
                    per.AddRow(Markup.Escape(c.Condition), c.Trials.ToString(CultureInfo.InvariantCulture), F(c.AccuracyA), F(c.AccuracyB), F(c.Observed), F(c.Expected), F(c.Kappa));
                AnsiConsole.Write(per);
            }
            if (matrix.Pairs.Sum(p => p.Unmatched) is > 0 and var left)
                CommandRunner.Warn($"{left} unmatched trial(s) left out (--allow-unmatched)");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
