using System.CommandLine;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Models;
using TextureBias.Reports;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias accuracy16</c>: accuracy in the 16 categories, with a confusion matrix.</summary>
internal static class Accuracy16Command
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)}" };
        var onnx = new Option<string?>("--onnx") { Description = "An ImageNet classifier exported to ONNX instead of --arch" };
        var weights = new Option<string?>("--weights") { Description = "Weight file, or a registered name (see classify)" };
        var stimuli = new Option<string>("--stimuli") { Description = "Folder of <category>/ sub-folders (airplane … truck)", Required = true };
        var resize = new Option<int>("--resize") { Description = "Shorter side after resizing (0 keeps the 224-pixel stimuli)", DefaultValueFactory = _ => 0 };
        var crop = new Option<int>("--crop") { Description = "Centre crop side (0 for none)", DefaultValueFactory = _ => 0 };
        var confusion = new Option<string?>("--confusion") { Description = "Write the confusion matrix as a PNG" };
        var json = new Option<bool>("--json") { Description = "Print JSON (with the confusion matrix)" };
        var command = new Command("accuracy16", "Accuracy in the 16 texture-vs-shape categories (edges, silhouettes, ...), with a confusion matrix.")
        {
            arch, weights, stimuli, resize, crop, confusion, json, onnx,
        };
        PathOptions.Declare(inputFolders: [stimuli], inputFiles: [onnx], outputFiles: [confusion]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            using var model = r.GetValue(onnx) is { } onnxPath ? OnnxClassifier.Load(onnxPath)
                : ModelLoading.Load(r.GetValue(arch), r.GetValue(weights));
            int count = Directory.Exists(r.GetValue(stimuli)) ? ImageFiles.Find(new[] { r.GetValue(stimuli)! }).Count : 0;
            var result = CommandRunner.WithProgress("16-class decisions", count, progress =>
                SixteenClassAccuracy.Run(model, r.GetValue(stimuli)!, CommandRunner.Preprocessing(r.GetValue(resize), r.GetValue(crop)), 32,
                    f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), cancel, progress));
            if (r.GetValue(confusion) is { } png) ConfusionMatrixFigure.Save(png, result, $"{model.Architecture} on {Path.GetFileName(Path.TrimEndingDirectorySeparator(r.GetValue(stimuli)!))}");
            if (r.GetValue(json))
            {
                var matrix = Enumerable.Range(0, 16).Select(i => Enumerable.Range(0, 16).Select(j => result.Confusion[i, j]).ToArray()).ToArray();
                Console.WriteLine(JsonSerializer.Serialize(new { accuracy = result.Accuracy, images = result.Images, categories = SixteenClassMapping.Categories, confusion = matrix }));
            }
            else Console.WriteLine($"16-class accuracy {100 * result.Accuracy:0.00}% ({result.Images} images)");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
