using System.CommandLine;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
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
        var resize = new Option<int?>("--resize") { Description = "Shorter side after resizing (0 keeps the stimuli as they are; default: the checkpoint's, else 0)" };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (0 for none; default: the checkpoint's, else 0)" };
        var confusion = new Option<string?>("--confusion") { Description = "Write the confusion matrix as a PNG" };
        var json = new Option<bool>("--json") { Description = "Print JSON (with the confusion matrix)" };
        var device = DeviceOption.Create();
        var command = new Command("accuracy16", "Accuracy in the 16 texture-vs-shape categories (edges, silhouettes, ...), or in a network's own named classes, with a confusion matrix.")
        {
            arch, weights, stimuli, resize, crop, confusion, json, onnx, device,
        };
        PathOptions.Declare(inputFolders: [stimuli], inputFiles: [onnx], outputFiles: [confusion]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            var on = DeviceOption.Parse(r.GetValue(device));
            CommandRunner.CheckSizes(r.GetValue(resize), r.GetValue(crop));
            using var model = r.GetValue(onnx) is { } onnxPath ? OnnxClassifier.Load(onnxPath)
                : ModelLoading.Load(r.GetValue(arch), r.GetValue(weights));
            var preprocessing = CommandRunner.Preprocessing(model, r.GetValue(resize), r.GetValue(crop), new Preprocessing(0, 0));
            var where = model is OnnxClassifier ? Devices.Cpu : on; // ONNX Runtime runs on the CPU
            Devices.TuneFor(where, fixedSize: preprocessing.Crop > 0);
            int count = Directory.Exists(r.GetValue(stimuli)) ? ImageFiles.Find(new[] { r.GetValue(stimuli)! }).Count : 0;
            var result = CommandRunner.WithProgress("16-class decisions", count, progress =>
                SixteenClassAccuracy.Run(model, r.GetValue(stimuli)!, preprocessing, 32,
                    f => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}"), cancel, progress, where));
            cancel.ThrowIfCancellationRequested();
            if (result.Images == 0) throw new TextureBiasException($"{r.GetValue(stimuli)}: no readable images in its category folders");
            if (r.GetValue(confusion) is { } png) ConfusionMatrixFigure.Save(png, result, $"{model.Architecture} on {Path.GetFileName(Path.TrimEndingDirectorySeparator(r.GetValue(stimuli)!))}");
            if (r.GetValue(json))
            {
                int n = result.Categories.Count;
                var matrix = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Select(j => result.Confusion[i, j]).ToArray()).ToArray();
                Console.WriteLine(JsonSerializer.Serialize(new { accuracy = result.Accuracy, images = result.Images, categories = result.Categories, confusion = matrix }));
            }
            else Console.WriteLine($"{result.Categories.Count}-class accuracy {100 * result.Accuracy:0.00}% ({result.Images} images)");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
