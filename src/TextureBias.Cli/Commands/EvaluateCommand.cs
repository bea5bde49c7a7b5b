using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TextureBias.Data;
using TextureBias.Evaluation;
using TextureBias.Imaging;
using TextureBias.Models;

namespace TextureBias.Cli.Commands;

/// <summary><c>texturebias evaluate</c>: top-1/top-5 accuracy on an ImageFolder.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var arch = new Option<string?>("--arch") { Description = $"Architecture: {string.Join(", ", Architectures.Names)} (not needed with registered --weights or a known weight file)" };
        var weights = new Option<string?>("--weights") { Description = "Weight file, or a registered name (see classify)" };
        var data = new Option<string>("--data") { Description = "Image folder in the ImageFolder layout (class folders)", Required = true };
        var resize = new Option<int?>("--resize") { Description = "Shorter side after resizing (0 keeps the size; default: the checkpoint's, else 256)" };
        var crop = new Option<int?>("--crop") { Description = "Centre crop side (0 for no crop; default: the checkpoint's, else 224)" };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 32 };
        var numClasses = new Option<int?>("--num-classes") { Description = "Outputs of the model (default: read from the weight file)" };
        var subset = new Option<string?>("--class-subset") { Description = "File listing the class folders to use (one per line)" };
        var csv = new Option<string?>("--csv") { Description = "Per-class accuracy CSV: class, index, images, top1, top5" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object" };
        var device = DeviceOption.Create();
        var command = new Command("evaluate", "Top-1 and top-5 accuracy on an image folder (pytorch/examples' validation).")
        {
            arch, weights, data, resize, crop, batch, numClasses, subset, csv, json, device,
        };
        PathOptions.Declare(inputFolders: [data], inputFiles: [subset], outputFiles: [csv]);
        command.SetAction(r => CommandRunner.Run(cancel =>
        {
            CommandRunner.CheckSizes(r.GetValue(resize), r.GetValue(crop));
            var on = DeviceOption.Parse(r.GetValue(device));
            if (r.GetValue(batch) < 1) throw new TextureBiasException("--batch must be at least 1");
            var folder = ImageFolder.Open(new[] { r.GetValue(data)! }, r.GetValue(subset) is { } s ? ImageFolder.ReadClassSubset(s) : null);
            if (folder.Samples.Count == 0) throw new TextureBiasException($"no images in {r.GetValue(data)}");
            using var model = ModelLoading.Load(r.GetValue(arch), r.GetValue(weights), r.GetValue(numClasses));
            var preprocessing = CommandRunner.Preprocessing(model, r.GetValue(resize), r.GetValue(crop), Preprocessing.ImageNetEval);
            void Failure(ImageFailure f) => Console.Error.WriteLine($"texturebias: skipped {f.Path}: {f.Reason}");
            var result = CommandRunner.WithProgress($"evaluate {folder.Samples.Count} images", folder.Samples.Count,
                progress => Evaluator.Run(model, folder, preprocessing, r.GetValue(batch), Failure, progress, cancel, on));
            cancel.ThrowIfCancellationRequested();
            if (r.GetValue(csv) is { } csvPath)
            {
                var sb = new StringBuilder("class,index,images,top1,top5\n");
                foreach (var c in result.PerClass)
                    sb.Append(CultureInfo.InvariantCulture, $"{c.Class},{c.Index},{c.Images},{c.Top1:0.######},{c.Top5:0.######}\n");
                AtomicFile.WriteText(csvPath, sb.ToString());
            }
            if (r.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new { top1 = result.Top1, top5 = result.Top5, images = result.Images, skipped = result.Skipped, classes = folder.Classes.Count,
                    resize = preprocessing.Resize, crop = preprocessing.Crop }));
            else
                Console.WriteLine($"top-1 {result.Top1:0.00}%  top-5 {result.Top5:0.00}%  ({result.Images} images in {folder.Classes.Count} classes" +
                    (result.Skipped > 0 ? $", {result.Skipped} skipped)" : ")"));
            return result.Skipped > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
        }));
        return command;
    }
}
