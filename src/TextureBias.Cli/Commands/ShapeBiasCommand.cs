using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias shape-bias</c>: shape bias of a model on cue-conflict images, or of raw-data CSV files.</summary>
internal static class ShapeBiasCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}" };
        var weights = new Option<string?>("--weights") { Description = "Weight file, or a registered name (see classify)" };
        var stimuli = new Option<string?>("--stimuli") { Description = "Cue-conflict folder: <shape>/<shape>N-<texture>M.png" };
        var resize = new Option<int?>("--resize") { Description = "Shorter side after resizing (0 keeps the stimuli as they are; default: the checkpoint's, else 0)" };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (0 for none; default: the checkpoint's, else 0)" };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 32 };
        var rawOut = new Option<string?>("--raw-data-out") { Description = "Write the model's trials as a raw-data CSV (texture-vs-shape / model-vs-human format)" };
        var rawData = new Option<string[]>("--raw-data") { Description = "Analyse raw-data CSV files instead of a model", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var onnx = new Option<string?>("--onnx") { Description = "An ImageNet classifier exported to ONNX (NCHW or NHWC input, ImageNet normalisation) instead of --arch" };
        var plot = new Option<string?>("--plot") { Description = "Draw the per-category shape bias (PNG; with human and ResNet-50 references for the 16 categories)" };
        var device = DeviceOption.Create();
        var command = new Command("shape-bias", "Shape bias on cue-conflict images (Geirhos et al. 2019): of a model, or of raw-data CSV files.")
        {
            arch, weights, stimuli, resize, crop, batch, rawOut, rawData, json, plot, onnx, device,
        };
        PathOptions.Declare(inputFolders: [stimuli], inputFiles: [rawData, onnx], outputFiles: [rawOut, plot]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var results = new List<ShapeBiasResult>();
            // Every observer's shape bias must be defined: NaN is no result.
            void Add(ShapeBiasResult result, IReadOnlyList<ShapeBiasTrial> trials)
            {
                if (ShapeBias.WhyUndefined(result, trials) is { } why) throw new TextureBiasException($"{result.Name}: {why}");
                results.Add(result);
            }
            CommandRunner.CheckSizes(r.GetValue(resize), r.GetValue(crop));
            if (r.GetValue(rawData) is { Length: > 0 } files)
            {
                var all = new List<ShapeBiasTrial>();
                foreach (var f in files)
                {
                    var trials = ShapeBias.ReadRawData(f);
                    all.AddRange(trials);
                    Add(ShapeBias.Compute(Path.GetFileName(f), trials), trials);
                }
                if (files.Length > 1) Add(ShapeBias.Compute("pooled", all), all);
            }
            else
            {
                if ((r.GetValue(arch) ?? r.GetValue(weights) ?? r.GetValue(onnx)) is null || r.GetValue(stimuli) is not { } dir)
                    throw new TextureBiasException("give --weights or --arch (or --onnx) and --stimuli (a model), or --raw-data FILE... (existing results)");
                var on = DeviceOption.Parse(r.GetValue(device));
                using var model = r.GetValue(onnx) is { } onnxPath ? TextureBias.Models.OnnxClassifier.Load(onnxPath) : ModelLoading.Load(r.GetValue(arch), r.GetValue(weights));
                string a = ModelLoading.Label(model.Architecture, r.GetValue(weights));
                void Failure(ImageFailure f) => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
                int count = Directory.Exists(dir) ? ImageFiles.Find(new[] { dir }).Count : 0;
                var preprocessing = CommandRunner.Preprocessing(model, r.GetValue(resize), r.GetValue(crop), new TextureBias.Imaging.Preprocessing(0, 0));
                var where = model is OnnxClassifier ? Devices.Cpu : on; // ONNX Runtime runs on the CPU
                Devices.TuneFor(where, fixedSize: preprocessing.Crop > 0);
                var trials = CommandRunner.WithProgress("cue-conflict images", count, progress =>
                    ShapeBias.Run(model, dir, preprocessing, Math.Max(1, r.GetValue(batch)), Failure, progress, cancel, where));
                cancel.ThrowIfCancellationRequested();
                if (r.GetValue(rawOut) is { } outPath) ShapeBias.WriteRawData(outPath, a, trials);
                Add(ShapeBias.Compute(a, trials), trials);
            }
            if (r.GetValue(plot) is { } plotPath)
                TextureBias.Reports.ShapeBiasFigure.Save(plotPath, results.Where(x => x.Name != "pooled").ToList());
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(results, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            else
            {
                var table = new Table().AddColumns("observer", "conflict trials", "shape", "texture", "shape bias");
                foreach (var res in results)
                    table.AddRow(Markup.Escape(res.Name), res.Trials.ToString(), res.ShapeDecisions.ToString(), res.TextureDecisions.ToString(), $"{100 * res.ShapeBias:0.00}%");
                AnsiConsole.Write(table);
                if (results.Count == 1 && results[0].PerCategory.Count > 0)
                {
                    var per = new Table().AddColumns("shape category", "trials", "shape", "texture", "shape bias");
                    foreach (var c in results[0].PerCategory)
                        per.AddRow(c.Name, c.Trials.ToString(), c.ShapeDecisions.ToString(), c.TextureDecisions.ToString(), double.IsNaN(c.ShapeBias) ? "-" : $"{100 * c.ShapeBias:0.0}%");
                    AnsiConsole.Write(per);
                }
            }
            return CommandRunner.Ok;
        }));
        return command;
    }
}
